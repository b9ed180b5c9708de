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
    if session.in_transaction():
        # Reads so far (the logged-in user, say) are finished; nothing is pending.
        session.commit()
    session.connection(execution_options={IMMEDIATE: True})
