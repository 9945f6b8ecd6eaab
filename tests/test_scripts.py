"""The set-up scripts: run again with nothing to do, they say nothing and install
nothing (scripts/test has just installed everything with --dev)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_set_up_with_nothing_to_do_is_quiet_and_installs_nothing() -> None:
    stamps = sorted((ROOT / ".venv").glob(".installed*"))
    before = {p: p.stat().st_mtime for p in stamps}
    for extra in (["--dev"], []):  # serve after test: the --dev install serves both
        done = subprocess.run(
            [str(ROOT / "scripts" / "bootstrap"), *extra],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert (done.stdout, done.stderr) == ("", ""), extra
    assert {p: p.stat().st_mtime for p in stamps} == before
