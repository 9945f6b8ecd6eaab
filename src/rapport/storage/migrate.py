"""Schema migrations with Alembic, run from the package (no alembic.ini needed).

Opening a database only compares its recorded revision with HEAD, in one query:
Alembic (a quarter of a second to import, then a scan of the migration scripts) is
loaded when there is something to migrate. tests/test_migrations.py checks that HEAD
is the newest script's revision.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0019"  # the newest revision in migrations/versions
# the revision from which search documents are written as they are now: a database
# opened from an older one has them all rebuilt (services.context)
SEARCH_REBUILT = "0015"
# the revision that added the conversation ties: a database opened from an older one
# has them filled once (services.context)
TIES_FILLED = "0017"
# the revision from which people carry what ranking check-ins needs (person.touch_*): a
# database opened from an older one has it worked out for everyone (services.context)
TOUCH_FILLED = "0018"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest revision among the migration scripts (read by Alembic)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found: str | None = connection.scalar(text("SELECT version_num FROM alembic_version"))
        return found


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` inside one transaction."""
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != HEAD


def make_revision(engine: Engine, message: str) -> None:
    """Autogenerate a new revision against `engine` (developer tool)."""
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
