"""Running `rapport` in-process against a test database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner

from rapport.cli import app, runtime


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    def __init__(self, database_url: str, today: str, data_dir: str) -> None:
        self.env = {
            "RAPPORT_DATABASE_URL": database_url,
            "RAPPORT_TODAY": today,
            "RAPPORT_DATA_DIR": data_dir,
            "COLUMNS": "200",
        }

    def __call__(self, *args: str, ok: bool = True) -> Result:
        runtime.reset()
        result = CliRunner().invoke(app, list(args), env=self.env, catch_exceptions=False)
        runtime.reset()
        out = Result(result.exit_code, result.stdout, result.stderr)
        if ok and out.exit_code != 0:
            raise AssertionError(f"rapport {' '.join(args)} failed ({out.exit_code}): {out.stderr}")
        return out
