"""flask tag / codebooks / jobs: tag files, re-run and retrain the engine, move codebooks."""

import csv
import io
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from portal.extensions import db

tag_cli = AppGroup("tag", help="The auto-tagger.")
codebooks_cli = AppGroup("codebooks", help="Thematic codebooks.")
jobs_cli = AppGroup("jobs", help="Background jobs.")
GROUP_GROUPS = (tag_cli, codebooks_cli, jobs_cli)
# The roles the CLI contract names, and the stakeholder group each one speaks for.
ROLES = {"therapist": "therapist", "psychotherapist": "therapist",
         "service_manager": "service_manager", "manager": "service_manager",
         "vendor": "vendor", "supplier": "vendor", "patient": "patient"}
BATCH = 1000


class InputError(click.ClickException):
    """Bad input to `flask tag file`: message on stderr, exit status 2."""

    exit_code = 2


def read_records(raw: str, name: str) -> list[tuple[str, str | None]]:
    """Parse JSON Lines or CSV into (text, group) pairs; raise InputError naming the line."""
    if name.lower().endswith(".csv") or (not name.lower().endswith((".jsonl", ".ndjson",
                                                                     ".json"))
                                         and not raw.lstrip().startswith("{")):
        return _read_csv(raw)
    records = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"line {number}: not valid JSON ({error.msg})") from None
        if not isinstance(obj, dict):
            raise InputError(f"line {number}: expected a JSON object with a \"text\" field")
        records.append(_record(obj.get("text"), obj.get("role"), f"line {number}"))
    return records


def _read_csv(raw: str) -> list[tuple[str, str | None]]:
    """Rows of a CSV file with a text column (and optionally a role column)."""
    reader = csv.DictReader(io.StringIO(raw))
    if not reader.fieldnames or "text" not in [f.strip() for f in reader.fieldnames]:
        raise InputError("the CSV file has no 'text' column")
    reader.fieldnames = [f.strip() for f in reader.fieldnames]
    return [_record(row.get("text"), row.get("role"), f"row {number}")
            for number, row in enumerate(reader, start=2)]


def _record(text: object, role: object, where: str) -> tuple[str, str | None]:
    """Check one record's text and role."""
    if not isinstance(text, str):
        raise InputError(f"{where}: \"text\" must be a string")
    if role in (None, ""):
        return text, None
    key = str(role).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in ROLES:
        raise InputError(f"{where}: unknown role {role!r}; use one of therapist, "
                         "psychotherapist, service_manager, vendor, patient")
    return text, ROLES[key]


def codebook_definition(key: str) -> dict:
    """The codebook's current version in the database, or the shipped file without one."""
    from portal.domain.codebooks import current_version, load_files

    try:
        version = current_version(db.session, key)
        if version is not None:
            return version.definition
    except SQLAlchemyError:
        db.session.rollback()  # no database yet (a fresh checkout): the shipped files will do
    for definition in load_files(Path(current_app.config["SURVEYS_DIR"])):
        if definition["id"] == key:
            return definition
    raise InputError(f"unknown codebook {key!r}")


@tag_cli.command("file")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--codebook", "codebook", required=True, help="Codebook id.")
def tag_file_command(path: str, codebook: str):
    """Tag every text in PATH (JSON Lines or CSV; - for stdin) and print JSON lines."""
    from portal.tagging.lean import polarity

    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}") from None
    records = read_records(raw, path)
    tagger = _tagger(codebook)
    out = sys.stdout
    with tqdm(total=len(records), desc="Tagging", unit="text", file=sys.stderr,
              disable=None) as bar:
        for start in range(0, len(records), BATCH):
            chunk = records[start:start + BATCH]
            results = tagger.tag([t for t, _ in chunk], [g for _, g in chunk])
            for (text, _), result in zip(chunk, results, strict=True):
                # Codebooks without polarity still owe the contract one: the answer's lean.
                lean = result.polarity or polarity(text)[0]
                out.write(json.dumps({"themes": result.themes,
                                      "scores": {k: round(float(v), 4)
                                                 for k, v in result.scores.items()},
                                      "polarity": lean}, ensure_ascii=False) + "\n")
            bar.update(len(chunk))
    out.flush()


def _tagger(key: str):
    """The engine the portal uses for this codebook (retrained, if so), else the default."""
    from portal.domain.codebooks import current_version
    from portal.domain.tagging import tagger_for
    from portal.tagging.engine import Tagger

    try:
        version = current_version(db.session, key)
        if version is not None:
            return tagger_for(db.session, version)
    except SQLAlchemyError:
        db.session.rollback()  # no database yet: tag with the shipped codebook
    return Tagger.for_definition(codebook_definition(key))


@tag_cli.command("rerun")
@click.option("--codebook", "codebook", default="", help="Only this codebook (default: all).")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="Show progress until the job ends (it runs on either way).")
def tag_rerun_command(codebook: str, wait: bool):
    """Re-tag the corpus after a codebook or engine change, as a background job."""
    _start("retag", {"codebook": codebook}, wait)


@tag_cli.command("train")
@click.option("--codebook", "codebook", required=True, help="Codebook id.")
@click.option("--wait/--no-wait", default=True, show_default=True)
def tag_train_command(codebook: str, wait: bool):
    """Retrain the engine from reviewers' decisions, then re-tag, as a background job."""
    _start("retrain", {"codebook": codebook}, wait)


def _start(kind: str, params: dict, wait: bool) -> None:
    """Enqueue a job and, if asked, follow it with a progress bar."""
    from portal import jobs

    job = jobs.enqueue(kind, params)
    where = "RQ workers" if current_app.config.get("REDIS_URL") else "this process"
    click.echo(f"Job {job.id} ({kind}) queued on {where}.", err=True)
    if not wait:
        if not current_app.config.get("REDIS_URL"):
            # The job runs on a thread of this process, which must live until it is done.
            click.echo("Without REDIS_URL the job runs here; waiting for it anyway.", err=True)
        else:
            return
    with tqdm(desc=kind, unit="answer", file=sys.stderr) as bar:
        def tick(done: int, total: int) -> None:
            bar.total = total or None
            bar.n = done
            bar.refresh()
        finished = jobs.wait(job.id, timeout=24 * 3600, tick=tick)
    if finished.state != "done":
        raise click.ClickException(finished.message or f"job {job.id} did not finish")
    click.echo(finished.message)


@jobs_cli.command("worker")
def jobs_worker_command():
    """Serve background jobs from Redis (needs REDIS_URL)."""
    from redis import Redis
    from rq import Queue, Worker

    from portal.jobs import QUEUE

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("Set REDIS_URL to run a worker; without it jobs run in-process.")
    connection = Redis.from_url(url)
    Worker([Queue(QUEUE, connection=connection)], connection=connection).work()


@codebooks_cli.command("list")
def codebooks_list_command():
    """List codebooks and their current versions."""
    from portal.domain.codebooks import current_versions

    for version in current_versions(db.session):
        click.echo(f"{version.codebook.key}: version {version.number}, "
                   f"{len(version.theme_ids)} themes")


@codebooks_cli.command("export")
@click.argument("key")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Default: stdout.")
def codebooks_export_command(key: str, output: str | None):
    """Export a codebook's current version as a REFI-QDA .qdc file."""
    from portal.domain.refi_qda import export_qdc

    data = export_qdc(codebook_definition(key))
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@codebooks_cli.command("import")
@click.argument("key")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def codebooks_import_command(key: str, path: str):
    """Store a REFI-QDA .qdc file as the codebook's next version."""
    from portal.domain.codebook_io import import_version

    try:
        version = import_version(db.session, key, Path(path).read_bytes(), actor=None,
                                 filename=Path(path).name)
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"{key}: version {version.number} stored.")
