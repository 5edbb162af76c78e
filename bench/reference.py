"""What the bare references (bench/*/reference.py) share: one plain sqlite3 connection per request."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from flask import Flask, g


def sqlite_per_request(app: Flask, path: str) -> Callable[[], sqlite3.Connection]:
    """Returns connection(): this request's connection to the database file at path, closed when it ends."""

    def connection() -> sqlite3.Connection:
        if "db" not in g:
            g.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            g.db.execute("PRAGMA busy_timeout=30000")
            g.db.execute("PRAGMA synchronous=NORMAL")
        return g.db

    @app.teardown_appcontext
    def close(_error):
        database = g.pop("db", None)
        if database is not None:
            database.close()

    return connection
