"""The floor of `rapport agenda` as a command: start Python, query, print the top 20.

    python -m bench.floor_cli SQLITE_PATH_OR_POSTGRES_URL WORKSPACE_ID TODAY

Imports nothing but the driver and the cadence table, as a hand-written script would.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    target, workspace_id, today = argv[0], int(argv[1]), argv[2]
    from bench.floor_sql import agenda_sql

    params = {"ws": workspace_id, "today": today}
    if target.startswith("postgres"):
        import psycopg

        with psycopg.connect(target.replace("postgresql+psycopg://", "postgresql://")) as pg:
            rows = pg.execute(agenda_sql("postgresql", names=True), params).fetchall()
    else:
        import sqlite3

        rows = sqlite3.connect(target).execute(agenda_sql("sqlite", names=True), params).fetchall()
    print(f"Agenda for {today}: {len(rows)} people to reach out to")
    for row in rows[:20]:
        print(f"#{row[0]}  {row[3]}  {row[4] or ''}  last contact {row[1]} days ago")


if __name__ == "__main__":
    main(sys.argv[1:])
