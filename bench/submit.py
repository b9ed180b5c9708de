"""Submissions per second and p95 latency through gunicorn: the submit path beside a bare insert.

For each backend (SQLite, PostgreSQL) a fresh database is prepared with the product's own
commands and domain functions; the portal and a bare one-insert Flask app (bench/bare_app.py)
are each served by gunicorn with 2 workers. N client threads then run three kinds of load in
interleaved rounds:

- bare:   POST one row to the bare app (the baseline);
- submit: POST the patient form (CSRF check, validation, the write path, one commit); each
          client loads the form once and sends it with a fresh submission key each time;
- cycle:  GET the form and POST it, as one person does; the POST alone is timed.

Medians across rounds and the ratios submit/bare and cycle/bare are printed, and the last line
holds key=value pairs.

    .venv/bin/python bench/submit.py [--backends sqlite,postgresql] [--clients 8]
                                     [--seconds 8] [--warmup 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import html
import math
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
VENV_BIN = REPO / ".venv" / "bin"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")
HOST = "127.0.0.1"
SECRET_KEY = "bench-" + secrets.token_hex(16)
INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
HIDDEN_FIELDS = ("csrf_token", "submission_key", "version")
# The portal logs through the root logger without a handler, so no level name shows.
LOG_ISSUE = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WARNING|database unavailable")

SENTENCES = (
    "The weekly messages from my supporter kept me honest about doing the exercises.",
    "Some modules felt long, and I did them in two sittings on the bus to work.",
    "Writing down my thoughts was awkward at first but it got easier after a few weeks.",
    "I liked that I could go back to earlier sessions when I had a bad day.",
    "The reminders on my phone were useful, though they sometimes came at odd times.",
    "It would help if the videos had subtitles, as I often watched them without sound.",
    "Knowing someone would read my worksheet made me finish it instead of putting it off.",
    "The sleep diary was the part that made the biggest difference for me.",
)
CHOICES = {
    "age_band": ("under_25", "25_44", "45_64", "65_plus", "prefer_not_to_say"),
    "programme": ("depression", "anxiety", "insomnia", "stress", "panic"),
    "stage": ("still_using", "finished", "stopped_early"),
    "support_type": ("guided_online", "blended", "self_guided", "not_sure"),
}
TEXT_ITEMS = ("support_experience", "programme_experience", "helped")
TEXT_LENGTH = 300  # characters per text answer: "a few hundred" in three items


@dataclass
class Sample:
    """One timed request (or GET+POST cycle) from a client thread."""

    start: float
    end: float
    latency: float  # the POST alone
    outcome: str  # "ok" or a short label of what went wrong
    get_latency: float = 0.0


@dataclass
class Measurement:
    """The figures of one measured phase."""

    kind: str
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int
    outcomes: Counter
    get_p95_ms: float = 0.0
    saw_ok: int = 0  # successes over the whole run, warm-up and tail included


@dataclass
class BackendResult:
    """Every measurement taken on one backend."""

    name: str
    submit: list[Measurement] = field(default_factory=list)
    cycle: list[Measurement] = field(default_factory=list)
    bare: list[Measurement] = field(default_factory=list)
    stored: int | None = None


# --- command line -------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the flags."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default=None,
                        help="comma-separated: sqlite,postgresql (default both; PostgreSQL is "
                             "skipped when unreachable unless named here)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of bare/submit/cycle per backend")
    args = parser.parse_args(argv)
    args.explicit = args.backends is not None
    args.backends = [b.strip() for b in (args.backends or ",".join(BACKENDS)).split(",")
                     if b.strip()]
    unknown = set(args.backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    return args


# --- databases ----------------------------------------------------------------------------

def postgres_reachable() -> bool:
    """True when the local PostgreSQL server answers."""
    engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except Exception:  # noqa: BLE001 (any failure means: not usable here)
        return False
    finally:
        engine.dispose()


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """Create a throw-away PostgreSQL database and drop it afterwards, whatever happens."""
    name = f"uptake_bench_{secrets.token_hex(6)}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextlib.contextmanager
def databases(backend: str, workdir: Path) -> Iterator[tuple[str, str]]:
    """Yield (portal URL, bare URL): separate SQLite files, or one PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'portal.db'}", f"sqlite:///{workdir / 'bare.db'}"
        return
    with postgres_database() as url:
        yield url, url


def prepare_portal(url: str) -> str:
    """Migrate, sync instruments and seed a service, a lead and a patient link; return its token."""
    env = server_env(url)
    for command in (["db", "upgrade"], ["instruments", "sync"]):
        run_flask(command, env)
    return seed_world(url)


def run_flask(command: list[str], env: dict[str, str]) -> None:
    """Run one `flask --app wsgi` command, failing loudly with its output."""
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *command], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def seed_world(url: str) -> str:
    """Create the service, lead and invitation through the domain functions; return the token."""
    # Imported here: the portal (and Dash) load only when a backend is prepared.
    from portal import create_app
    from portal.domain.accounts import create_user
    from portal.domain.invitations import MAX_USES_LIMIT, create_invitation
    from portal.extensions import db
    from portal.models import Instrument, Role, Service, ServiceProgramme

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        session = db.session
        service = Service(name="Bench Talking Therapies", region="Benchshire",
                          programmes=[ServiceProgramme(code="depression")])
        session.add(service)
        session.flush()
        lead = create_user(session, email="lead@bench.test", name="Bench Lead",
                           password=secrets.token_urlsafe(16), role=Role.LEAD)
        patient = session.scalar(db.select(Instrument).where(Instrument.key == "patient"))
        invitation = create_invitation(session, service=service, instrument=patient,
                                       created_by=lead, label="Bench poster", days_valid=30,
                                       max_uses=MAX_USES_LIMIT)
        token = invitation.token
        session.commit()
        db.session.remove()
        db.engine.dispose()
    return token


def prepare_bare(url: str) -> None:
    """Create the bare app's table before its workers start."""
    sys.path.insert(0, str(BENCH_DIR))
    from bare_app import make_engine, metadata

    engine = make_engine(url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()


def count_responses(url: str) -> int:
    """Count the responses the portal stored."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM responses"))
    finally:
        engine.dispose()


# --- servers ------------------------------------------------------------------------------

def free_port() -> int:
    """Return a port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(url: str, **extra: str) -> dict[str, str]:
    """Return the environment for the portal's commands and servers."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, **extra}
    env.pop("GUNICORN_ACCESS_LOG", None)
    return env


@dataclass
class Server:
    """A gunicorn we started: its base URL, process and log file."""

    base: str
    process: subprocess.Popen
    log: Path


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict[str, str], log: Path,
             extra_args: tuple[str, ...] = ()) -> Iterator[Server]:
    """Start an app with the project's gunicorn.conf.py and 2 workers; stop it afterwards."""
    port = free_port()
    env = {**env, "BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "1"}
    command = [str(VENV_BIN / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"),
               *extra_args, app_spec]
    with open(log, "ab") as log_file:
        # Its own session, so that a stubborn master and its workers can be killed as a group.
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield Server(f"http://{HOST}:{port}", process, log)
    finally:
        stop(process)


def wait_healthy(servers: list[Server], timeout: float = 90) -> None:
    """Poll /healthz until every server answers, or raise with the server's log."""
    deadline = time.monotonic() + timeout
    pending = list(servers)
    while pending and time.monotonic() < deadline:
        for server in list(pending):
            if server.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n"
                                   f"{tail(server.log)}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(server.base + "/healthz", timeout=2).status_code == 200:
                    pending.remove(server)
        time.sleep(0.2)
    if pending:
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n"
                           f"{tail(pending[0].log)}")
    time.sleep(1.0)  # the second worker of each may boot a moment after the first answers


def stop(process: subprocess.Popen) -> None:
    """Terminate gunicorn, then kill its process group if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    # Workers orphaned by a killed master share the master's process group id.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def tail(path: Path, lines: int = 30) -> str:
    """Return the last lines of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- clients ------------------------------------------------------------------------------

def answer_text(rng: random.Random) -> str:
    """Return about TEXT_LENGTH characters of plausible feedback."""
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < TEXT_LENGTH:
        parts.append(rng.choice(SENTENCES))
    return " ".join(parts)[:TEXT_LENGTH].rstrip()


def patient_answers(rng: random.Random) -> dict[str, str]:
    """Return a realistic patient response: every choice answered, three texts, consent."""
    answers = {item: rng.choice(options) for item, options in CHOICES.items()}
    answers.update({item: answer_text(rng) for item in TEXT_ITEMS})
    answers["consent"] = "y"
    return answers


def hidden_fields(page: str) -> dict[str, str]:
    """Pull csrf_token, submission_key and version out of the rendered form."""
    found: dict[str, str] = {}
    for tag in INPUT_TAG.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("name") in HIDDEN_FIELDS:
            found[attributes["name"]] = html.unescape(attributes.get("value", ""))
    missing = [name for name in HIDDEN_FIELDS if not found.get(name)]
    if missing:
        raise ValueError(f"form lacks {', '.join(missing)}")
    return found


def submit_only(http: requests.Session, base: str, token: str, rng: random.Random) -> Sample:
    """Send the form with a fresh submission key; each client loads the form once."""
    fields = getattr(http, "uptake_fields", None)
    if fields is None:
        page = http.get(f"{base}/i/{token}", timeout=30)
        fields = hidden_fields(page.text)
        http.uptake_fields = fields  # the CSRF token stays valid for this client's session
    data = {**fields, "submission_key": secrets.token_urlsafe(24), **patient_answers(rng)}
    start = time.perf_counter()
    response = http.post(f"{base}/i/{token}", data=data, allow_redirects=False, timeout=30)
    end = time.perf_counter()
    outcome = "ok" if response.status_code == 302 else f"POST {response.status_code}"
    return Sample(start, end, end - start, outcome)


def full_cycle(http: requests.Session, base: str, token: str, rng: random.Random) -> Sample:
    """Load the form, then send it; the POST alone is timed as the submission latency."""
    start = time.perf_counter()
    page = http.get(f"{base}/i/{token}", timeout=30)
    got = time.perf_counter()
    if page.status_code != 200:
        return Sample(start, got, 0.0, f"GET {page.status_code}", got - start)
    try:
        data = {**hidden_fields(page.text), **patient_answers(rng)}
    except ValueError:
        return Sample(start, got, 0.0, "GET unparsable", got - start)
    response = http.post(f"{base}/i/{token}", data=data, allow_redirects=False, timeout=30)
    end = time.perf_counter()
    outcome = "ok" if response.status_code == 302 else f"POST {response.status_code}"
    return Sample(start, end, end - got, outcome, got - start)


def bare_insert(http: requests.Session, base: str, _token: str, rng: random.Random) -> Sample:
    """Post one row of the same size as a submission's written answers."""
    body = "\n".join(answer_text(rng) for _ in TEXT_ITEMS)
    start = time.perf_counter()
    response = http.post(f"{base}/rows", data={"body": body}, timeout=30)
    end = time.perf_counter()
    outcome = "ok" if response.status_code == 204 else f"POST {response.status_code}"
    return Sample(start, end, end - start, outcome)


Action = Callable[[requests.Session, str, str, random.Random], Sample]


def client_loop(action: Action, base: str, token: str, until: float, seed: int,
                out: list[Sample]) -> None:
    """Repeat an action on one session until the deadline, recording every sample."""
    rng = random.Random(seed)
    with requests.Session() as http:
        while time.perf_counter() < until:
            start = time.perf_counter()
            try:
                out.append(action(http, base, token, rng))
            except requests.RequestException as error:
                now = time.perf_counter()
                out.append(Sample(start, now, now - start, type(error).__name__))
                time.sleep(0.05)  # a refused connection must not spin the client


def run_load(action: Action, base: str, token: str, clients: int, warmup: float,
             seconds: float) -> tuple[list[Sample], float, float]:
    """Run the clients through warm-up and the measured window; return samples and window."""
    samples: list[list[Sample]] = [[] for _ in range(clients)]
    begin = time.perf_counter()
    window = (begin + warmup, begin + warmup + seconds)
    threads = [threading.Thread(target=client_loop, daemon=True,
                                args=(action, base, token, window[1], seed, samples[seed]))
               for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [s for per_client in samples for s in per_client], *window


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile, or NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarise(kind: str, samples: list[Sample], opens: float, closes: float) -> Measurement:
    """Reduce the samples that finished inside the measured window to its figures."""
    inside = [s for s in samples if s.start >= opens and s.end <= closes]
    ok = [s for s in inside if s.outcome == "ok"]
    outcomes = Counter(s.outcome for s in inside if s.outcome != "ok")
    latencies = [s.latency for s in ok]
    return Measurement(
        kind=kind, rps=len(ok) / (closes - opens),
        p50_ms=percentile(latencies, 0.50) * 1000, p95_ms=percentile(latencies, 0.95) * 1000,
        errors=sum(outcomes.values()), outcomes=outcomes,
        get_p95_ms=percentile([s.get_latency for s in ok], 0.95) * 1000,
        saw_ok=sum(1 for s in samples if s.outcome == "ok"),
    )


# --- one backend --------------------------------------------------------------------------

def bench_backend(backend: str, args: argparse.Namespace) -> BackendResult:
    """Prepare a backend, serve both apps, and run the interleaved rounds."""
    result = BackendResult(backend)
    with tempfile.TemporaryDirectory(prefix=f"uptake-bench-{backend}-") as tmp:
        workdir = Path(tmp)
        with databases(backend, workdir) as (portal_url, bare_url):
            token = prepare_portal(portal_url)
            prepare_bare(bare_url)
            portal_env = server_env(portal_url)
            bare_env = server_env(portal_url, BARE_DATABASE_URL=bare_url)
            with gunicorn("wsgi:app", portal_env, workdir / "portal.log") as portal, \
                    gunicorn("bare_app:app", bare_env, workdir / "bare.log",
                             ("--pythonpath", str(BENCH_DIR))) as bare:
                wait_healthy([portal, bare])
                run_rounds(result, args, portal.base, bare.base, token)
                report_log(portal.log, "portal")
                report_log(bare.log, "bare")
            result.stored = count_responses(portal_url)
    return result


def run_rounds(result: BackendResult, args: argparse.Namespace, portal: str, bare: str,
               token: str) -> None:
    """Alternate bare, submit and cycle measurements, printing each as it finishes."""
    for round_number in range(1, args.rounds + 1):
        for kind, action, base in (("bare", bare_insert, bare), ("submit", submit_only, portal),
                                   ("cycle", full_cycle, portal)):
            samples, opens, closes = run_load(action, base, token, args.clients, args.warmup,
                                              args.seconds)
            measurement = summarise(kind, samples, opens, closes)
            getattr(result, kind).append(measurement)
            print_row(result.name, round_number, measurement)


def report_log(log: Path, label: str) -> None:
    """Point out tracebacks, errors and busy-database warnings the server logged."""
    content = log.read_text(errors="replace") if log.exists() else ""
    issues = [line for line in content.splitlines() if LOG_ISSUE.search(line)]
    if issues:
        print(f"  ! {label} log: {len(issues)} line(s) of trouble; last ones:")
        print("    " + "\n    ".join(issues[-8:]))


# --- output -------------------------------------------------------------------------------

def print_header() -> None:
    """Print the column titles of the running table."""
    print(f"{'backend':<11}{'round':>5}  {'kind':<6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'GET p95':>9}{'errors':>8}  detail", flush=True)


def print_row(backend: str, round_number: int, m: Measurement) -> None:
    """Print one measurement as a table row."""
    get = f"{m.get_p95_ms:9.1f}" if m.kind == "cycle" else f"{'':9}"
    detail = ", ".join(f"{k}×{v}" for k, v in sorted(m.outcomes.items()))
    print(f"{backend:<11}{round_number:>5}  {m.kind:<6}{m.rps:8.1f}{m.p50_ms:9.1f}"
          f"{m.p95_ms:9.1f}{get}{m.errors:8d}  {detail}", flush=True)


def medians(result: BackendResult) -> dict[str, float]:
    """Return the medians across rounds and the ratios to the bare insert's throughput."""
    submit_rps = statistics.median(m.rps for m in result.submit)
    cycle_rps = statistics.median(m.rps for m in result.cycle)
    bare_rps = statistics.median(m.rps for m in result.bare)
    return {
        "submit_rps": submit_rps, "cycle_rps": cycle_rps, "bare_rps": bare_rps,
        "ratio": submit_rps / bare_rps if bare_rps else math.nan,
        "cycle_ratio": cycle_rps / bare_rps if bare_rps else math.nan,
        "submit_p95_ms": statistics.median(m.p95_ms for m in result.submit),
        "cycle_p95_ms": statistics.median(m.p95_ms for m in result.cycle),
        "bare_p95_ms": statistics.median(m.p95_ms for m in result.bare),
    }


def print_summary(result: BackendResult) -> None:
    """Print a backend's medians, the aim's verdict and the stored-row check."""
    figures = medians(result)
    verdict = "meets" if figures["ratio"] >= 0.5 else "MISSES"
    print(f"{result.name}: submit {figures['submit_rps']:.1f}/s "
          f"(p95 {figures['submit_p95_ms']:.1f} ms), bare {figures['bare_rps']:.1f}/s "
          f"(p95 {figures['bare_p95_ms']:.1f} ms), ratio {figures['ratio']:.2f} — {verdict} the "
          f"aim of 0.50; load+send cycle {figures['cycle_rps']:.1f}/s, ratio "
          f"{figures['cycle_ratio']:.2f}", flush=True)
    redirects = sum(m.saw_ok for m in (*result.submit, *result.cycle))
    if result.stored is not None and result.stored != redirects:
        print(f"  ! {result.stored} responses stored but clients saw {redirects} redirects")


def key_values(results: list[BackendResult]) -> str:
    """Return the final key=value line."""
    pairs: list[str] = []
    for result in results:
        for key, value in medians(result).items():
            pairs.append(f"{result.name}_{key}={value:.{3 if 'ratio' in key else 1}f}")
    errors = sum(m.errors for r in results for m in (*r.submit, *r.cycle, *r.bare))
    pairs.append(f"errors={errors}")
    return " ".join(pairs)


# --- main ---------------------------------------------------------------------------------

def usable_backends(args: argparse.Namespace) -> list[str]:
    """Drop PostgreSQL when it is unreachable and was not asked for by name."""
    if "postgresql" not in args.backends or postgres_reachable():
        return args.backends
    if args.explicit:
        raise SystemExit(f"PostgreSQL is not reachable at {PG_ADMIN_URL}")
    print(f"PostgreSQL is not reachable at {PG_ADMIN_URL}; skipping it.", flush=True)
    return [b for b in args.backends if b != "postgresql"]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table and the key=value line."""
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the finally blocks still stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    backends = usable_backends(args)
    print(f"{args.clients} clients, {args.warmup:g} s warm-up + {args.seconds:g} s measured, "
          f"{args.rounds} round(s), gunicorn 2 workers; latency is the POST alone", flush=True)
    print_header()
    results = [bench_backend(backend, args) for backend in backends]
    print()
    for result in results:
        print_summary(result)
    print(key_values(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
