"""Docs kept honest: the CLI reference is generated and current, and every setting
the code reads from the environment is documented."""

from __future__ import annotations

import re
from pathlib import Path

from rapport.cli.cli_docs import render

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render() + "\n", (
        "docs/cli.md is out of date: run `python -m rapport.cli.cli_docs > docs/cli.md`"
    )


def test_every_environment_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used: set[str] = set()
    for path in (ROOT / "src" / "rapport").rglob("*.py"):
        used |= set(re.findall(r'"(RAPPORT_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    missing = sorted(name for name in used if name not in readme)
    assert not missing, f"undocumented settings: {missing}"


def test_every_top_level_command_is_in_the_readme() -> None:
    from typer.main import get_command

    from rapport.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = sorted(get_command(app).commands)  # type: ignore[attr-defined]
    missing = [n for n in names if f"rapport {n}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"
