"""Backups of either database, and restoring one into an empty database (docs/BACKUP.md).

SQLite is copied with its online backup API, a consistent snapshot even while workers write
(copying the file of a WAL-mode database can miss the pages still in the -wal file).
PostgreSQL is dumped with pg_dump's custom format and restored with pg_restore.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

PAGES_PER_STEP = 1024  # copy in steps, so that writers are never held up for long


class BackupFailed(RuntimeError):
    """A backup or restore did not complete; the message says why."""


def backup(database_url: str, destination: str | Path) -> Path:
    """Write a backup of the database at the URL to destination and return its path."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(url), destination)
    elif url.get_backend_name() == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--file={destination}", "--dbname", _libpq(url)], url)
    else:
        raise BackupFailed(f"Uptake backs up SQLite and PostgreSQL, not {url.get_backend_name()}")
    return destination


def restore(source: str | Path, database_url: str) -> None:
    """Load a backup into the database at the URL, which should be empty (a new database)."""
    source = Path(source)
    if not source.is_file():
        raise BackupFailed(f"No backup at {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, _sqlite_path(url))
    elif url.get_backend_name() == "postgresql":
        # --clean --if-exists: a database that already has the tables gets them replaced.
        _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists",
              "--single-transaction", "--exit-on-error", "--dbname", _libpq(url), str(source)],
             url)
    else:
        raise BackupFailed(f"Uptake restores SQLite and PostgreSQL, not {url.get_backend_name()}")


def _sqlite_path(url) -> Path:
    """The file of a SQLite URL."""
    if not url.database or url.database == ":memory:":
        raise BackupFailed("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _sqlite_copy(source: Path, destination: Path) -> None:
    """Copy one SQLite database into another with the backup API (replacing its content)."""
    if not source.is_file():
        raise BackupFailed(f"No SQLite database at {source}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reader, \
            sqlite3.connect(destination) as writer:
        reader.backup(writer, pages=PAGES_PER_STEP)
    # Closing the connections (the with blocks only commit) checkpoints the copy.
    reader.close()
    writer.close()


def _libpq(url) -> str:
    """A libpq connection URL without the password (that goes in PGPASSWORD, not argv)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url) -> None:
    """Run pg_dump or pg_restore, raising BackupFailed with its error output."""
    if shutil.which(command[0]) is None:
        raise BackupFailed(f"{command[0]} is not on PATH; install postgresql-client.")
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    finished = subprocess.run(command, env=environment, capture_output=True, text=True,
                              check=False)
    if finished.returncode != 0:
        raise BackupFailed(f"{command[0]} failed: {finished.stderr.strip()[-2000:]}")
