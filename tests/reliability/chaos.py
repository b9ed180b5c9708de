"""The chaos harness: gunicorn under SIGKILL, browser-like clients that retry, and a checker.

The harness knows nothing of pytest, so that the product's WSGI entry and a deliberately broken
one (tests/reliability/broken_wsgi.py) run through exactly the same code.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from portal import create_app
from portal.config import REPO_ROOT
from portal.domain.accounts import create_user
from portal.domain.codebooks import sync_codebooks
from portal.domain.instruments import sync_instruments
from portal.domain.invitations import create_invitation
from portal.extensions import db
from portal.models import Instrument, Role, Service

SECRET_KEY = "chaos-test-secret"  # fixed, so that session cookies survive a restart
HIDDEN = re.compile(r'name="(csrf_token|submission_key|version)" type="hidden" value="([^"]*)"')
THANKS = re.compile(r"/thanks/[A-Z0-9-]+$")
BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("gunicorn_chaos.conf.py")
# Every submission sends these answers; the text item "helped" carries its unique marker.
ITEMS = ("programme", "support_experience", "helped")


@dataclass
class Settings:
    """The size of a run; UPTAKE_CHAOS_* environment variables make it bigger."""

    seconds: float = float(os.environ.get("UPTAKE_CHAOS_SECONDS", "35"))
    clients: int = int(os.environ.get("UPTAKE_CHAOS_CLIENTS", "8"))
    workers: int = int(os.environ.get("UPTAKE_CHAOS_WORKERS", "3"))
    # Seconds between worker kills, drawn uniformly.
    kill_every: tuple[float, float] = (1.0, 3.0)


@dataclass
class Ack:
    """A submission the server acknowledged: what the client sent, and where it was sent."""

    key: str
    text: str


@dataclass
class Tally:
    """What the clients and the killer did."""

    acks: list[Ack] = field(default_factory=list)
    unacknowledged: int = 0  # given up at the deadline; may or may not be stored
    retries: int = 0
    refused: Counter = field(default_factory=Counter)  # 4xx: the form itself was rejected
    worker_kills: int = 0
    server_restarts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


@dataclass
class Report:
    """The checker's findings."""

    acknowledged: int
    lost: list[str]
    duplicated: list[str]
    half_stored: list[str]
    integrity: list[str]
    stored: int

    def line(self) -> str:
        """One line for the log."""
        return (f"acknowledged={self.acknowledged} lost={len(self.lost)} "
                f"duplicated={len(self.duplicated)} half_stored={len(self.half_stored)} "
                f"integrity_problems={len(self.integrity)} stored={self.stored}")


def free_port() -> int:
    """An unused port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(url: str, secret_key: str = SECRET_KEY) -> str:
    """Migrate an empty database as `flask setup` does, add one patient link, return its token."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secret_key, "FLASK_APP": "wsgi"}
    subprocess.run([str(BIN / "flask"), "setup", "--no-demo"], cwd=REPO_ROOT, env=env,
                   check=True, capture_output=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key})
    with app.app_context():
        sync_instruments(db.session, Path(app.config["SURVEYS_DIR"]))
        sync_codebooks(db.session, Path(app.config["SURVEYS_DIR"]))
        service = Service(name="Chaos Talking Therapies", region="Nowhere")
        db.session.add(service)
        lead = create_user(db.session, email="lead@chaos.test", name="Lead",
                           password="long enough password", role=Role.LEAD)
        patient = db.session.scalar(db.select(Instrument).where(Instrument.key == "patient"))
        token = create_invitation(db.session, service=service, instrument=patient,
                                  created_by=lead, label="Chaos", days_valid=5,
                                  max_uses=100_000).token
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return token


class Server:
    """gunicorn in its own process group, so that the whole server can be killed at once."""

    def __init__(self, url: str, entry: str, workers: int, log: Path):
        """Remember how to start it; nothing runs yet."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.ready_dir = log.parent / "ready"
        self.ready_dir.mkdir(exist_ok=True)
        # No control socket: its default path is shared by every gunicorn on the machine.
        self.command = [str(BIN / "gunicorn"), "-c", str(CONFIG), "--no-control-socket", entry]
        self.env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
                    "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers),
                    "GUNICORN_TIMEOUT": "30", "PYTHONPATH": str(REPO_ROOT),
                    "UPTAKE_CHAOS_READY_DIR": str(self.ready_dir),
                    # No BLAS thread pools in the master that forks the workers.
                    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 300) -> None:
        """Start gunicorn and wait until every worker is ready and one answers."""
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=REPO_ROOT, env=self.env,
                                            stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + timeout  # workers import Dash and pandas first
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; "
                                   f"see {self.log}")
            try:
                if len(self.ready()) == self.workers and \
                        requests.get(f"{self.base}/healthz", timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s; see {self.log}")

    def ready(self) -> list[int]:
        """The pids of the master's live children that have finished booting."""
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            children = {int(pid) for pid in path.read_text().split()}
        except (FileNotFoundError, ProcessLookupError):
            return []
        return sorted(children & {int(p.name) for p in self.ready_dir.iterdir()})

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop gunicorn gently, then not so gently."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill_all()


class Clock:
    """The run's deadline, pushed back by the time the server spends restarting."""

    def __init__(self, seconds: float):
        """Start the clock now."""
        self.start = time.monotonic()
        self.deadline = self.start + seconds

    def over(self) -> bool:
        """True once the run is over."""
        return time.monotonic() > self.deadline


def person(base: str, token: str, clock: Clock, tally: Tally) -> None:
    """One person: load the form, answer it, send it until acknowledged (same key each time)."""
    session = requests.Session()
    marker = f"chaos-{uuid.uuid4().hex}"
    url = f"{base}/i/{token}"
    fields = None
    while fields is None:
        if clock.over():
            return
        try:
            page = session.get(url, timeout=15)
        except requests.RequestException:
            page = None
        if page is not None and page.status_code == 200:
            fields = dict(HIDDEN.findall(page.text))
        else:
            time.sleep(0.1)
    data = {**fields, "programme": "depression", "consent": "y",
            "support_experience": "My supporter replied within a day, which kept me going.",
            "helped": f"{marker} the worksheets on my phone at night"}
    # Retries go on past the deadline for a while: a submission in flight deserves its answer.
    while time.monotonic() < clock.deadline + 120:
        try:
            answer = session.post(url, data=data, allow_redirects=False, timeout=15)
        except requests.RequestException:
            answer = None
        if answer is not None and answer.status_code in (302, 303) \
                and THANKS.search(answer.headers.get("Location", "")):
            with tally.lock:
                tally.acks.append(Ack(fields["submission_key"], data["helped"]))
            return
        if answer is not None and 400 <= answer.status_code < 500:
            with tally.lock:
                tally.refused[answer.status_code] += 1
            return
        with tally.lock:
            tally.retries += 1
        time.sleep(random.uniform(0.05, 0.3))
    with tally.lock:
        tally.unacknowledged += 1


def client(base: str, token: str, clock: Clock, tally: Tally) -> None:
    """A stream of people, one after another, until the deadline."""
    while not clock.over():
        person(base, token, clock, tally)


def killer(server: Server, settings: Settings, clock: Clock, stop: threading.Event,
           tally: Tally) -> None:
    """SIGKILL random ready workers; once, about a third of the way in, the whole server.

    A worker is killed only while another is ready, so that the run serves between kills.
    """
    restart_at = clock.start + settings.seconds / 3
    while not stop.wait(random.uniform(*settings.kill_every)):
        if not tally.server_restarts and time.monotonic() >= restart_at:
            began, deadline = time.monotonic(), clock.deadline
            clock.deadline = float("inf")  # the run is not over while the server restarts
            try:
                server.kill_all()
                server.start()
                tally.server_restarts += 1
            finally:  # a failed restart ends the run rather than hanging it
                clock.deadline = deadline + time.monotonic() - began
            continue
        ready = server.ready()
        if len(ready) >= 2:
            with contextlib.suppress(ProcessLookupError):
                os.kill(random.choice(ready), signal.SIGKILL)
                tally.worker_kills += 1


def run(url: str, entry: str, settings: Settings, log: Path) -> tuple[Tally, Report]:
    """Prepare the database, serve it, submit under fire, then check what was stored."""
    token = prepare(url)
    server = Server(url, entry, settings.workers, log)
    server.start()
    tally = Tally()
    stop = threading.Event()
    clock = Clock(settings.seconds)
    clients = [threading.Thread(target=client, args=(server.base, token, clock, tally))
               for _ in range(settings.clients)]
    chaos = threading.Thread(target=killer, args=(server, settings, clock, stop, tally))
    try:
        for thread in clients:
            thread.start()
        chaos.start()
        # The killer stops at the deadline, so that the retries of the last people succeed.
        while not clock.over():
            time.sleep(0.2)
        stop.set()
        chaos.join()
        for thread in clients:
            thread.join()
    finally:
        stop.set()
        server.stop()
    engine = create_engine(url)
    try:
        report = check(engine, tally.acks)
    finally:
        engine.dispose()
    return tally, report


def check(engine: Engine, acks: list[Ack]) -> Report:
    """Compare what was acknowledged with what is stored, and check the database itself."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT r.idempotency_key, a.value_text FROM responses r "
            "LEFT JOIN answers a ON a.response_id = r.id AND a.item_id = 'helped'")).all()
        half = _half_stored(connection)
        integrity = _integrity(connection)
    by_key: dict[str, list[str | None]] = {}
    texts = Counter()
    for key, value in rows:
        by_key.setdefault(key, []).append(value)
        texts[value] += 1
    lost = [a.key for a in acks if by_key.get(a.key) != [a.text]]
    duplicated = [a.key for a in acks if texts[a.text] > 1] + \
        [k for k, values in by_key.items() if len(values) > 1]
    return Report(len(acks), lost, duplicated, half, integrity, len(rows))


def _half_stored(connection) -> list[str]:
    """Responses missing an answer, a text answer missing its machine coding, stale counts."""
    problems = []
    counts = connection.execute(text(
        "SELECT r.id, COUNT(a.id) FROM responses r LEFT JOIN answers a ON a.response_id = r.id "
        "GROUP BY r.id")).all()
    problems += [f"response {rid} has {n} answers, not {len(ITEMS)}" for rid, n in counts
                 if n != len(ITEMS)]
    # Each text answer is coded, when stored, by every codebook for patients (tag_answers).
    codings = connection.execute(text(
        "SELECT a.id, COUNT(c.id) FROM answers a LEFT JOIN codings c ON c.answer_id = a.id "
        "AND c.kind = 'machine' WHERE a.item_id IN ('support_experience', 'helped') "
        "GROUP BY a.id")).all()
    problems += [f"answer {aid} has no machine coding" for aid, n in codings if n == 0]
    if len({n for _aid, n in codings}) > 1:
        problems.append("text answers carry unequal numbers of machine codings")
    uses, stored = connection.execute(text(
        "SELECT (SELECT SUM(uses) FROM invitations), (SELECT COUNT(*) FROM responses)")).one()
    if (uses or 0) != stored:
        problems.append(f"invitations count {uses} uses for {stored} responses")
    problems += _rollup_drift(engine_url=connection.engine.url)
    return problems


def _rollup_drift(engine_url) -> list[str]:
    """The dashboards' counters, recounted from the rows (flask dashboards check)."""
    from portal.domain.rollups import drift

    app = create_app({"SQLALCHEMY_DATABASE_URI": engine_url.render_as_string(hide_password=False),
                      "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        try:
            return [f"rollup drift: {line}" for line in drift(db.session)]
        finally:
            db.session.remove()
            db.engine.dispose()


def _integrity(connection) -> list[str]:
    """SQLite's own checks, or on PostgreSQL every foreign key joined by hand and amcheck."""
    if connection.dialect.name == "sqlite":
        verdict = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        return ([] if verdict == ["ok"] else [f"integrity_check: {verdict[:5]}"]) + \
            [f"foreign_key_check: {row}" for row in orphans[:20]]
    problems = []
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            columns = [c.name for c in fk.columns]
            parent = fk.referred_table.name
            referred = [e.column.name for e in fk.elements]
            join = " AND ".join(f"p.{r} = c.{c}" for c, r in zip(columns, referred, strict=True))
            present = " AND ".join(f"c.{c} IS NOT NULL" for c in columns)
            # Names from the models' own metadata, not from input.
            sql = f"SELECT COUNT(*) FROM {table.name} c WHERE {present} AND NOT EXISTS " \
                f"(SELECT 1 FROM {parent} p WHERE {join})"  # noqa: S608
            orphans = connection.execute(text(sql)).scalar()
            if orphans:
                problems.append(f"{orphans} rows of {table.name} point at no {parent}")
    problems += _amcheck(connection)
    return problems


def _amcheck(connection) -> list[str]:
    """bt_index_check on every B-tree index, when the amcheck extension can be created."""
    try:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
        connection.commit()
    except Exception:  # not installed on this server: the FK queries stand alone
        connection.rollback()
        return []
    indexes = connection.execute(text(
        "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE am.amname = 'btree' AND n.nspname = 'public'")).scalars().all()
    problems = []
    for index in indexes:
        try:
            connection.execute(text("SELECT bt_index_check(CAST(:i AS regclass), true)"),
                               {"i": index})
        except Exception as error:  # a corrupt index raises; record it and go on
            connection.rollback()
            problems.append(f"amcheck {index}: {type(error).__name__}")
    return problems
