"""Fixtures: a fresh database per test, on SQLite and on PostgreSQL."""

import contextvars
import functools
import os
import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

import portal.domain.accounts as accounts
from portal import create_app
from portal.domain.accounts import create_user
from portal.domain.codebooks import sync_codebooks
from portal.domain.instruments import sync_instruments
from portal.domain.invitations import create_invitation
from portal.extensions import db
from portal.models import Instrument, Product, Role, Service, ServiceProgramme, Vendor

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"  # test_jobs uses 15
PG_ADMIN_URL = os.environ.get("UPTAKE_TEST_POSTGRES",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'name="csrf_token" value="([^"]+)"')

# Real scrypt hashes, computed once per password: the suite creates hundreds of accounts.
accounts.generate_password_hash = functools.cache(accounts.generate_password_hash)


def postgres_reachable() -> bool:
    """True when the PostgreSQL server for tests answers."""
    try:
        with create_engine(PG_ADMIN_URL).connect():
            return True
    except OperationalError:
        return False


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory):
    """Each database test runs once per backend; PostgreSQL gets its own database per run."""
    if request.param == "sqlite":
        yield "sqlite", None
        return
    if not postgres_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true; none answers at {PG_ADMIN_URL}")
        pytest.skip("PostgreSQL is not reachable")
    name = f"uptake_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield "postgresql", PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context and session, as in production.

    The app fixture holds an app context for the test's own queries; without this, Flask would
    reuse it for requests and share g (cached CSRF tokens) and the database session with them.
    """

    def open(self, *args, **kwargs):
        """Run the request in an empty context."""
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def redis_prefix():
    """(Redis URL, a key prefix of this test's own); its keys are deleted afterwards.

    A prefix per test, not FLUSHDB, so parallel runs on the same Redis do not collide.
    """
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    connection = Redis.from_url(REDIS_TEST_URL)
    try:
        connection.ping()
    except RedisConnectionError:
        connection.close()
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required under CI=true; none answers at {REDIS_TEST_URL}")
        pytest.skip("Redis is not reachable")
    prefix = f"uptake-test:{os.getpid()}:{uuid.uuid4().hex[:8]}:"
    yield REDIS_TEST_URL, prefix
    for key in connection.scan_iter(match=prefix + "*"):
        connection.delete(key)
    connection.close()


class FixedClock:
    """A clock that moves only when told."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        """Move the clock forward by a timedelta's keywords."""
        self.now += timedelta(**delta)


@pytest.fixture
def frozen(monkeypatch) -> FixedClock:
    """Fix the clock that sessions and the sign-in throttle read."""
    from portal.models import clock as clock_module

    fixed = FixedClock(datetime(2026, 3, 2, 9, 0, 0))
    monkeypatch.setattr(clock_module, "utcnow", fixed)
    return fixed


def fresh():
    """The test's session with snapshot and identity map dropped, to read what requests wrote."""
    db.session.rollback()
    return db.session


@pytest.fixture
def database_url(backend, tmp_path) -> str:
    """A URL to an empty database on the current backend."""
    kind, url = backend
    return f"sqlite:///{tmp_path / 'uptake.db'}" if kind == "sqlite" else url


@pytest.fixture
def app(database_url, tmp_path):
    """A portal on a fresh schema, with the shipped instruments synced."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": database_url,
                      "PUBLIC_BASE_URL": "http://portal.test"})
    app.instance_path = str(tmp_path / "instance")
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_instruments(db.session, Path(app.config["SURVEYS_DIR"]))
        sync_codebooks(db.session, Path(app.config["SURVEYS_DIR"]))
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


def drop_everything() -> None:
    """Drop the models' tables and Alembic's bookkeeping table."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@pytest.fixture
def empty_app(database_url):
    """An app on a database with no tables at all, for migrations and setup."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        drop_everything()
        yield app
        db.session.remove()
        drop_everything()
        db.engine.dispose()


@pytest.fixture
def empty_app_runner(empty_app):
    """A CLI runner for an app whose database has no tables at all."""
    return empty_app.test_cli_runner()


@pytest.fixture
def runner(app):
    """A CLI runner for the app."""
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    """Two services, one vendor with two products, and an account for every role."""
    session = db.session
    vendor, other_vendor = Vendor(name="Northlight Health"), Vendor(name="Thrive Digital")
    mindstep, sleepwell = Product(name="MindStep", vendor=vendor), Product(name="SleepWell",
                                                                           vendor=vendor)
    thrive = Product(name="Thrive iCBT", vendor=other_vendor)
    leeds = Service(name="Leeds Talking Therapies", region="Yorkshire",
                    programmes=[ServiceProgramme(code="depression")], products=[mindstep])
    bristol = Service(name="Bristol Wellbeing", region="South West",
                      programmes=[ServiceProgramme(code="anxiety")], products=[thrive])
    session.add_all([vendor, other_vendor, mindstep, sleepwell, thrive, leeds, bristol])
    session.flush()
    users = {
        "admin": create_user(session, email="admin@x.test", name="Ada Admin", password=PASSWORD,
                             role=Role.ADMIN),
        "lead": create_user(session, email="lead@x.test", name="Lee Lead", password=PASSWORD,
                            role=Role.LEAD),
        "manager": create_user(session, email="manager@x.test", name="Max Manager",
                               password=PASSWORD, role=Role.MANAGER, service=leeds),
        "other_manager": create_user(session, email="manager2@x.test", name="Mo Manager",
                                     password=PASSWORD, role=Role.MANAGER, service=bristol),
        "therapist": create_user(session, email="therapist@x.test", name="Tess Therapist",
                                 password=PASSWORD, role=Role.THERAPIST, service=leeds),
        "vendor": create_user(session, email="vendor@x.test", name="Vic Vendor",
                              password=PASSWORD, role=Role.VENDOR, vendor=vendor),
    }
    instruments = {i.key: i for i in session.scalars(db.select(Instrument))}
    links = {
        "patient": create_invitation(session, service=leeds, instrument=instruments["patient"],
                                     created_by=users["manager"], label="Poster", days_valid=30,
                                     max_uses=100),
        "therapist": create_invitation(session, service=leeds,
                                       instrument=instruments["therapist"],
                                       created_by=users["manager"], label="Team", days_valid=30,
                                       max_uses=100),
    }
    session.commit()
    return SimpleNamespace(services={"leeds": leeds, "bristol": bristol}, users=users,
                           vendors={"northlight": vendor, "thrive": other_vendor},
                           instruments=instruments, links=links)


PATIENT_TEXTS = [
    {"helped": "My supporter always replied within a day and remembered what I wrote.",
     "hindered": "The app kept logging me out halfway through a module."},
    {"helped": "Doing the exercises on my phone at night, whenever it suited me.",
     "hindered": "The examples were all about office jobs, nothing like my life."},
    {"helped": "Being told I was doing well after each small step kept me going.",
     "hindered": "Nobody seemed to read my diary; the replies felt copied and pasted."},
    {"helped": "The worksheets were clear and easy to find.",
     "hindered": "I never knew who could see what I wrote, so I held back."},
]


@pytest.fixture
def coded(world):
    """The world plus a designated coder and patient responses coded by the engine."""
    from portal.domain.submissions import new_idempotency_key, submit_response

    session = db.session
    world.users["coder"] = create_user(session, email="coder@x.test", name="Cora Coder",
                                       password=PASSWORD, role=Role.THERAPIST,
                                       service=world.services["leeds"])
    world.users["coder"].is_coder = True
    version = world.instruments["patient"].current
    world.responses = [
        submit_response(session, version=version, service=world.services["leeds"],
                        answers={"programme": "depression", **texts},
                        idempotency_key=new_idempotency_key(), invitation=world.links["patient"])
        for texts in PATIENT_TEXTS]
    session.commit()
    return world


def csrf_from(html: str) -> str:
    """Pull the CSRF token out of a rendered form."""
    match = CSRF_INPUT.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1) or match.group(2)


def login(client, email: str, password: str = PASSWORD):
    """Sign a test client in through the real form."""
    end_read_snapshot()
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    end_read_snapshot()
    return response


def end_read_snapshot() -> None:
    """End the test's read-only transaction, keeping what it loaded.

    Signing in writes (a session record, an audit event). On SQLite a transaction that read
    before another connection's commit cannot write afterwards, so the test's next write
    would fail with "database is locked"; production requests start a fresh transaction.
    """
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
