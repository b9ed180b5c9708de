"""Engine behaviour per backend: SQLite tuned for several gunicorn workers."""

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session

IMMEDIATE = "uptake_immediate"


def configure_engine(engine: Engine, busy_timeout_ms: int = 5000) -> None:
    """Apply SQLite pragmas and explicit transaction control; PostgreSQL needs nothing."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # pysqlite's own implicit BEGIN is disabled so that we choose the kind of BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A deferred transaction that later writes cannot wait for the lock (SQLITE_BUSY at
        # once); a write transaction therefore takes the write lock when it starts.
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session) -> None:
    """Start the session's next transaction as a write transaction."""
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL takes row locks as it writes; nothing to declare up front
    if session.in_transaction():
        if session.connection().get_execution_options().get(IMMEDIATE):
            return  # already a write transaction
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_write must come before the first change")
        # The read transaction only read: end it, but keep what it loaded (no re-reads), so
        # the write lock is held just for the writes and another worker waits as little.
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
    session.connection(execution_options={IMMEDIATE: True})
