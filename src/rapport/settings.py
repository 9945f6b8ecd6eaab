"""Configuration in one typed place, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATABASE_URL_ENV = "RAPPORT_DATABASE_URL"
DATA_DIR_ENV = "RAPPORT_DATA_DIR"


def default_data_dir() -> Path:
    """The per-user data directory (platformdirs), unless RAPPORT_DATA_DIR overrides it."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("rapport", appauthor=False))


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        """Settings for this process: explicit URL, else RAPPORT_DATABASE_URL, else
        the embedded SQLite file in the data directory."""
        data_dir = default_data_dir()
        url = database_url or os.environ.get(DATABASE_URL_ENV) or ""
        if not url:
            url = f"sqlite:///{data_dir / 'rapport.db'}"
        return cls(database_url=normalise_url(url), data_dir=data_dir)


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and pick psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
