"""Upgrading a populated database keeps every existing row byte-identical."""

import contextlib
from pathlib import Path

import pytest
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, inspect, select

from portal.domain.accounts import create_user
from portal.domain.codebooks import current_version, sync_codebooks
from portal.domain.instruments import sync_instruments
from portal.domain.invitations import create_invitation
from portal.domain.review import TagInput, save_coding
from portal.domain.rollups import drift
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import Answer, Instrument, Product, Role, Service, ServiceProgramme, Vendor
from tests.conftest import PATIENT_TEXTS
from tests.migrations.test_migrations import MIGRATIONS

Dump = dict[str, tuple[list[str], list[tuple]]]


def fill() -> None:
    """Services, users, links, responses with answers and codings, through the product's code."""
    session = db.session
    surveys = Path(current_app.config["SURVEYS_DIR"])
    sync_instruments(session, surveys)
    sync_codebooks(session, surveys)
    vendor = Vendor(name="Northlight Health")
    leeds = Service(name="Leeds Talking Therapies", region="Yorkshire",
                    programmes=[ServiceProgramme(code="depression")],
                    products=[Product(name="MindStep", vendor=vendor)])
    session.add_all([vendor, leeds])
    session.flush()
    manager = create_user(session, email="manager@x.test", name="Max Manager",
                          password="long enough password", role=Role.MANAGER, service=leeds)
    coder = create_user(session, email="coder@x.test", name="Cora Coder",
                        password="long enough password", role=Role.THERAPIST, service=leeds)
    coder.is_coder = True
    instruments = {i.key: i for i in session.scalars(select(Instrument))}
    link = create_invitation(session, service=leeds, instrument=instruments["patient"],
                             created_by=manager, label="Poster", days_valid=30, max_uses=100)
    for texts in PATIENT_TEXTS * 3:
        submit_response(session, version=instruments["patient"].current, service=leeds,
                        answers={"programme": "depression", "age_band": "25_44", **texts},
                        idempotency_key=new_idempotency_key(), invitation=link)
    submit_response(session, version=instruments["therapist"].current, service=leeds,
                    answers={"role": "therapist", "programme": "depression", "years_icbt": "2",
                             "helps": "Protected Friday afternoons for reviewing diaries 🙂"},
                    idempotency_key=new_idempotency_key(), user=coder)
    answer = session.scalar(select(Answer).where(Answer.item_id == "hindered")
                            .order_by(Answer.id))
    save_coding(session, coder, answer, current_version(session, "icbt-implementation"),
                [TagInput("usability", "barrier", 0, 10)])
    session.commit()
    db.session.remove()


def dump(tables: dict[str, list[str]] | None = None) -> Dump:
    """Every row of every table (or of the given columns), in primary-key order, as stored."""
    inspector = inspect(db.engine)
    if tables is None:
        tables = {name: [c["name"] for c in inspector.get_columns(name)]
                  for name in inspector.get_table_names() if name != "alembic_version"}
    rows: Dump = {}
    with db.engine.connect() as connection:
        for name, columns in tables.items():
            order = inspector.get_pk_constraint(name)["constrained_columns"] or columns
            quoted = ", ".join(f'"{c}"' for c in columns)
            if connection.dialect.name == "postgresql":
                # PostgreSQL's own text form of the row: exact for every type it stores.
                select_list = f"CAST(ROW({quoted}) AS text)"
            else:
                # SQLite: each value with its storage class, so 1 and '1' and 1.0 differ.
                select_list = ", ".join(f'typeof("{c}"), "{c}"' for c in columns)
            ordering = ", ".join(f'"{c}"' for c in order)
            sql = f'SELECT {select_list} FROM "{name}" ORDER BY {ordering}'  # noqa: S608
            rows[name] = (columns, [tuple(r) for r in connection.exec_driver_sql(sql)])
    return rows


@contextlib.contextmanager
def foreign_keys_off():
    """On SQLite, open the engine's next connections with foreign keys off."""
    def off(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    if db.engine.dialect.name != "sqlite":
        yield
        return

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", off)
    try:
        yield
    finally:
        event.remove(db.engine, "connect", off)
        db.engine.dispose()


@pytest.mark.parametrize("start", ["0001", "0002", "0003"])
def test_upgrading_a_populated_database_changes_no_existing_row(empty_app, start, backend,
                                                                request):
    """Rows written at an early revision read back identical at head; new columns aside."""
    # Today's models and write path fit only today's schema: fill at head, then step back to
    # the start, which drops what later revisions added and keeps rows the product wrote. The
    # step back needs foreign keys off on SQLite (see the downgrade test below); the upgrade
    # under test runs as `flask db upgrade` does, foreign keys on.
    upgrade(directory=MIGRATIONS)
    fill()
    with foreign_keys_off():
        downgrade(directory=MIGRATIONS, revision=start)
    before = dump()
    assert sum(len(rows) for _columns, rows in before.values()) > 50
    upgrade(directory=MIGRATIONS)
    after = dump({name: columns for name, (columns, _rows) in before.items()})
    for name, (_columns, rows) in before.items():
        assert after[name][1] == rows, f"rows of {name} changed"
    # 0003 counts what was there (or the write path kept them): the rollups equal a recount.
    assert drift(db.session) == []


@pytest.mark.parametrize("backend", [("sqlite", None)], ids=["sqlite"])
def test_downgrading_a_populated_sqlite_database_keeps_its_foreign_keys(empty_app):
    """Batch-mode table rebuilds on a populated SQLite database: migrations turn foreign
    keys off while they run and check them afterwards (migrations/env.py)."""
    upgrade(directory=MIGRATIONS)
    fill()
    downgrade(directory=MIGRATIONS, revision="0001")
    upgrade(directory=MIGRATIONS)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
