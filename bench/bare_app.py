"""The baseline for bench/submit.py: a bare Flask app whose one POST inserts one row.

Served by gunicorn as `bare_app:app` with BARE_DATABASE_URL set; the table is created by the
bench before the server starts, so that two workers never race to create it.
"""

import os

from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, event, insert
from sqlalchemy.engine import Engine

metadata = MetaData()
rows = Table("bench_rows", metadata,
             Column("id", Integer, primary_key=True),
             Column("body", Text, nullable=False))


def make_engine(url: str) -> Engine:
    """Return an engine; on SQLite with the pragmas the portal uses, for a fair comparison."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Set WAL, the busy timeout and synchronous=NORMAL, as portal.database does."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_app(url: str) -> Flask:
    """Build the bare app: GET /healthz and POST /rows."""
    app = Flask(__name__)
    engine = make_engine(url)

    @app.get("/healthz")
    def healthz():
        """Tell the bench the worker is up."""
        return {"status": "ok"}

    @app.post("/rows")
    def add_row():
        """Insert one row with the posted text and commit."""
        with engine.begin() as connection:
            connection.execute(insert(rows).values(body=request.form.get("body", "")))
        return "", 204

    return app


# Built only under gunicorn (the variable set); the bench imports this module for `rows`.
app = create_app(os.environ["BARE_DATABASE_URL"]) if "BARE_DATABASE_URL" in os.environ else None
