"""Dashboard callbacks' latency on PostgreSQL at 100,000 (and 1,000,000) responses.

For each size a throw-away PostgreSQL database is migrated and given the shipped instruments
and codebooks, then filled with COPY: six services, responses over 24 months in all four
groups, ORIC answers for staff, one open answer per response, its machine codings and about
four tags per response. COPY bypasses the write path, so the rows are then counted into the
dashboard rollups the way the migration does for an existing database (timed, reported as
rollup_rebuild_s). Then, per size:

- every dashboard query the pages run (the domain functions behind the callbacks, without
  the cache, so each call reaches the database) is timed over --calls calls with varied
  filters, as a lead and as a service manager;
- beside each, in the same run, a bare SQL GROUP BY of the same numbers over the raw tags
  and answers (no scoping, no effective-tag ranking, no labels) is timed the same way: the
  baseline. A ratio below 1 means the rollups beat counting the rows themselves.

It prints p50 and p95 per query and the ratio of p95s; the last line holds key=value pairs.
Aims: p95 ≤ 300 ms at 100,000 and ≤ 1 s at 1,000,000.

    .venv/bin/python bench/dashboard.py [--sizes 100000] [--calls 15]
    .venv/bin/python bench/dashboard.py --sizes 100000,1000000     # the issue's full run
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
GROUPS = ("therapist", "service_manager", "vendor", "patient")
GROUP_WEIGHTS = (0.3, 0.1, 0.05, 0.55)
MONTHS = 24


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A throw-away PostgreSQL database, dropped afterwards whatever happens."""
    name = f"uptake_dash_bench_{secrets.token_hex(5)}"
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


def build_app(url: str):
    """The portal on the bench database, migrated, with instruments, codebooks and staff."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.domain.accounts import create_user
    from portal.domain.codebooks import sync_codebooks
    from portal.domain.instruments import sync_instruments
    from portal.extensions import db
    from portal.models import Role, Service, ServiceProgramme

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(REPO / "migrations"))
        sync_instruments(db.session, Path(app.config["SURVEYS_DIR"]))
        sync_codebooks(db.session, Path(app.config["SURVEYS_DIR"]))
        services = [Service(name=f"Service {i}", region="Bench",
                            programmes=[ServiceProgramme(code="depression"),
                                        ServiceProgramme(code="anxiety")]) for i in range(6)]
        db.session.add_all(services)
        db.session.flush()
        password = secrets.token_urlsafe(12)
        create_user(db.session, email="lead@bench.test", name="Lead", password=password,
                    role=Role.LEAD)
        create_user(db.session, email="manager@bench.test", name="Manager", password=password,
                    role=Role.MANAGER, service=services[0])
        db.session.commit()
    return app


def fill(app, size: int, seed: int = 5) -> float:
    """COPY size responses with answers, codings and tags; return the seconds it took."""
    from portal.domain.codebooks import current_versions
    from portal.domain.instruments import items
    from portal.extensions import db
    from portal.models import Instrument, Service

    rng = random.Random(seed)
    started = time.perf_counter()
    with app.app_context():
        session = db.session
        services = [s.id for s in session.scalars(db.select(Service).order_by(Service.id))]
        instruments = {i.stakeholder_group: i.current for i in session.scalars(
            db.select(Instrument))}
        text_item = {g: next(i["id"] for i in items(v.definition) if i["type"] == "text")
                     for g, v in instruments.items()}
        oric_items = [f"oric_{n:02d}" for n in range(1, 13)]
        versions = current_versions(session)
        codebook_for = {g: [(v.id, v.theme_ids, v.has_polarity) for v in versions
                            if g in v.definition["groups"]] for g in GROUPS}
        session.commit()
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            start = datetime(2025, 1, 1)
            answer_id = coding_id = tag_id = 0
            responses, answers, codings, tags = (io.StringIO() for _ in range(4))
            for response_id in range(1, size + 1):
                group = rng.choices(GROUPS, GROUP_WEIGHTS)[0]
                service = services[min(int(rng.paretovariate(1.2)) - 1, len(services) - 1)]
                when = start + timedelta(minutes=rng.randrange(MONTHS * 30 * 24 * 60))
                if group == "patient":
                    when = when.replace(hour=0, minute=0)
                responses.write(f"{response_id}\t{secrets.token_hex(6)}\t{secrets.token_hex(16)}"
                                f"\t{service}\t{instruments[group].id}\t\\N\t\\N\t{group}"
                                f"\t{rng.choice(('depression', 'anxiety'))}\t{when}\n")
                answer_id += 1
                text_answer = answer_id
                answers.write(f"{answer_id}\t{response_id}\t{text_item[group]}"
                              f"\tBench answer {response_id}\t\\N\n")
                if group != "patient":
                    lean = rng.random()
                    for item in oric_items:
                        answer_id += 1
                        value = max(1, min(5, round(1 + 4 * lean + rng.gauss(0, 0.8))))
                        answers.write(f"{answer_id}\t{response_id}\t{item}\t\\N\t{value}\n")
                for version_id, themes, polar in codebook_for[group]:
                    coding_id += 1
                    codings.write(f"{coding_id}\t{text_answer}\t{response_id}\t{version_id}"
                                  f"\t{version_id}\tmachine\tuptake-static\tbench\t\\N\t\\N"
                                  f"\t{rng.random():.3f}\tt\tf\t{when}\n")
                    count = 2 if group != "patient" or len(codebook_for[group]) == 1 else 1
                    for theme in rng.sample(themes, count + rng.randrange(2)):
                        tag_id += 1
                        polarity = rng.choice(("barrier", "facilitator", "neutral")) \
                            if polar else "\\N"
                        tags.write(f"{tag_id}\t{coding_id}\t{theme}\t{rng.random():.3f}"
                                   f"\t{polarity}\t0\t10\t\\N\n")
            for table, columns, buffer in (
                ("responses", "id, reference, idempotency_key, service_id, "
                 "instrument_version_id, invitation_id, user_id, stakeholder_group, programme, "
                 "submitted_at", responses),
                ("answers", "id, response_id, item_id, value_text, value_int", answers),
                ("codings", "id, answer_id, response_id, codebook_version_id, "
                 "made_against_version_id, kind, tagger, tagger_version, coder_id, sample_id, "
                 "uncertainty, current, needs_review, created_at", codings),
                ("tags", "id, coding_id, theme, score, polarity, span_start, span_end, "
                 "carried_from", tags)):
                buffer.seek(0)
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write(buffer.read())
                # The table names are the constants above, not input.
                reset = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), " \
                    f"(SELECT max(id) FROM {table}))"  # noqa: S608
                cursor.execute(reset)
            raw.commit()
            cursor.execute("ANALYZE")
            raw.commit()
            print(f"  {size:,} responses, {answer_id:,} answers, {coding_id:,} codings, "
                  f"{tag_id:,} tags", flush=True)
        finally:
            raw.close()
    return time.perf_counter() - started


def roll_up(app) -> float:
    """Count the COPY-loaded rows into the dashboard rollups, as the migration does."""
    from sqlalchemy import func, select

    from portal.domain.rollups import rebuild
    from portal.extensions import db
    from portal.models import ThemeRollup

    started = time.perf_counter()
    with app.app_context():
        rebuild(db.session)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        rows = db.session.scalar(select(func.count()).select_from(ThemeRollup))
    seconds = time.perf_counter() - started
    print(f"  rolled up into {rows:,} rows in {seconds:.0f} s", flush=True)
    return round(seconds, 1)


# (name, domain module, function, bare SQL of the same numbers)
QUERIES = [
    ("theme_by_group", "portal.domain.theme_stats", "theme_by_group",
     "SELECT t.theme, r.stakeholder_group, count(*), count(DISTINCT r.id) FROM tags t "
     "JOIN codings c ON c.id = t.coding_id JOIN responses r ON r.id = c.response_id "
     "WHERE c.codebook_version_id = :v GROUP BY 1, 2"),
    ("polarity_by_theme", "portal.domain.theme_stats", "polarity_by_theme",
     "SELECT t.theme, t.polarity, count(*) FROM tags t JOIN codings c ON c.id = t.coding_id "
     "WHERE c.codebook_version_id = :v GROUP BY 1, 2"),
    ("theme_trend", "portal.domain.theme_stats", "theme_trend",
     "SELECT date_trunc('month', r.submitted_at), t.theme, count(*) FROM tags t "
     "JOIN codings c ON c.id = t.coding_id JOIN responses r ON r.id = c.response_id "
     "WHERE c.codebook_version_id = :v GROUP BY 1, 2"),
    ("cooccurrence", "portal.domain.theme_stats", "cooccurrence",
     "SELECT a.theme, b.theme, count(*) FROM tags a JOIN tags b ON a.coding_id = b.coding_id "
     "AND a.theme < b.theme JOIN codings c ON c.id = a.coding_id "
     "WHERE c.codebook_version_id = :v GROUP BY 1, 2"),
    ("oric", "portal.domain.readiness", "oric",
     "SELECT r.service_id, avg(a.value_int), count(DISTINCT r.id) FROM answers a "
     "JOIN responses r ON r.id = a.response_id WHERE a.item_id LIKE 'oric%' GROUP BY 1"),
    ("cfir_valence", "portal.domain.readiness", "cfir_valence",
     "SELECT r.service_id, t.theme, t.polarity, count(*) FROM tags t "
     "JOIN codings c ON c.id = t.coding_id JOIN responses r ON r.id = c.response_id "
     "WHERE c.codebook_version_id = :v GROUP BY 1, 2, 3"),
    ("readiness", "portal.domain.readiness", "readiness", None),
    ("responses_by_month", "portal.domain.overview_stats", "responses_by",
     "SELECT date_trunc('month', r.submitted_at), count(*) FROM responses r GROUP BY 1"),
    ("responses_by_service", "portal.domain.overview_stats", "responses_by",
     "SELECT r.service_id, count(*) FROM responses r GROUP BY 1"),
]


# Keyword arguments a query needs besides (session, user, filters).
EXTRA = {"responses_by_month": {"dimension": "month"},
         "responses_by_service": {"dimension": "service"}}


def views(rng: random.Random, services: list[int]) -> list:
    """Filter sets a user clicks through: everything, one group, one service, one year."""
    from portal.domain.dashboard_filters import Filters

    return [Filters(), Filters(groups=("patient",)), Filters(services=(services[0],)),
            Filters(start=date(2025, 7, 1), end=date(2026, 6, 30)),
            Filters(groups=("therapist", "service_manager"), programmes=("anxiety",))]


def timed(call: Callable[[], object], calls: int) -> list[float]:
    """Milliseconds of each call."""
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def caller(function: Callable, session, user, filter_sets: list,
           takes_filters: bool) -> Callable[[], object]:
    """A no-argument call of a dashboard query that cycles through the filter sets."""
    turn = iter(range(10**9))

    def call() -> object:
        if not takes_filters:
            return function(session, user)
        return function(session, user, filter_sets[next(turn) % len(filter_sets)])

    return call


def p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered) + 0.5)) - 1)]


def measure(app, size: int, calls: int) -> dict[str, float]:
    """Time every query as a lead and as a manager, beside its bare GROUP BY."""
    import importlib
    import inspect

    from portal.domain.codebooks import current_version
    from portal.extensions import db
    from portal.models import Service, User

    figures: dict[str, float] = {}
    rng = random.Random(size)
    with app.app_context():
        session = db.session
        version = current_version(session, "icbt-implementation")
        services = list(session.scalars(db.select(Service.id).order_by(Service.id)))
        users = {u.email.split("@")[0]: u for u in session.scalars(db.select(User))}
        filter_sets = views(rng, services)
        print(f"  {'query':<22}{'who':<9}{'p50 ms':>9}{'p95 ms':>9}{'bare p95':>10}{'ratio':>7}")
        for name, module_name, function_name, bare_sql in QUERIES:
            try:
                function = functools.partial(
                    getattr(importlib.import_module(module_name), function_name),
                    **EXTRA.get(name, {}))
            except (ImportError, AttributeError):
                print(f"  {name:<22}(not built yet: {module_name}.{function_name})")
                continue
            takes_filters = "filters" in inspect.signature(function).parameters
            bare = timed(lambda s=bare_sql: session.execute(text(s), {"v": version.id}).all(),
                         calls) if bare_sql else []
            for who in ("lead", "manager"):
                samples = timed(caller(function, session, users[who], filter_sets,
                                       takes_filters), calls)
                session.rollback()
                ratio = p95(samples) / p95(bare) if bare else float("nan")
                print(f"  {name:<22}{who:<9}{statistics.median(samples):>9.1f}"
                      f"{p95(samples):>9.1f}{(p95(bare) if bare else float('nan')):>10.1f}"
                      f"{ratio:>7.2f}", flush=True)
                figures[f"n{size}_{name}_{who}_p95_ms"] = round(p95(samples), 1)
                if bare:
                    figures[f"n{size}_{name}_{who}_ratio"] = round(ratio, 2)
        worst = [v for k, v in figures.items() if k.endswith("_p95_ms")]
        if worst:
            figures[f"n{size}_worst_p95_ms"] = max(worst)
    return figures


def main() -> None:
    """Fill and measure each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000",
                        help="comma-separated response counts (default 100000)")
    parser.add_argument("--calls", type=int, default=15, help="timed calls per query and user")
    args = parser.parse_args()
    figures: dict[str, float] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"size {size:,}", flush=True)
        with postgres_database() as url:
            app = build_app(url)
            seconds = fill(app, size)
            print(f"  loaded in {seconds:.0f} s", flush=True)
            figures[f"n{size}_rollup_rebuild_s"] = roll_up(app)
            figures.update(measure(app, size, args.calls))
            with app.app_context():
                from portal.extensions import db

                db.session.remove()
                db.engine.dispose()
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
