"""flask data ...: retention purge, erasure on request, backup and restore."""

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from tqdm import tqdm

from portal.extensions import db

data_cli = AppGroup("data", help="Retention, erasure, backup and restore.")


@data_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would go; change nothing.")
@click.option("--now", "now_text", help="Purge as of this UTC time (ISO 8601); default now.")
def purge_command(dry_run: bool, now_text: str | None):
    """Remove everything older than its retention period; safe to run again and again."""
    from portal.database import begin_write
    from portal.domain.retention import KINDS, periods, purge
    from portal.models import utcnow

    now = datetime.fromisoformat(now_text) if now_text else utcnow()
    if not dry_run:
        begin_write(db.session)
    with tqdm(desc="Purging responses", unit="resp", disable=dry_run) as bar:
        def tick(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        def checkpoint() -> None:
            """Commit the batch and take the write lock again for the next."""
            db.session.commit()
            begin_write(db.session)
        counts = purge(db.session, now, current_app.config, dry_run=dry_run, progress=tick,
                       checkpoint=None if dry_run else checkpoint)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would remove" if dry_run else "removed"
    found = periods(current_app.config)
    for kind, number in counts.items():
        days = found[kind].days
        kept = "kept for good" if days is None else f"kept {days} days"
        click.echo(f"{kind}: {verb} {number} ({KINDS[kind][1]}; {kept})")


@data_cli.command("erase")
@click.argument("reference")
@click.option("--reason", required=True, help="Why (e.g. who asked and when); recorded.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(reference: str, reason: str, yes: bool):
    """Erase one response, found by its reference code (or id), with every copy of its text."""
    from portal.database import begin_write
    from portal.domain.erasure import (
        ErasureRefused,
        ResponseNotFound,
        erase_response,
        find_response,
    )

    response = find_response(db.session, reference)
    if response is None:
        raise click.ClickException("No response has this reference; it may already be erased.")
    if not yes:
        click.confirm(f"Erase response {response.reference} ({response.stakeholder_group}, "
                      f"{response.service.name}, {response.submitted_at:%Y-%m-%d})? "
                      "This cannot be undone.", abort=True)
    begin_write(db.session)
    try:
        erasure = erase_response(db.session, None, reference, reason)
    except (ErasureRefused, ResponseNotFound) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    removed = ", ".join(f"{n} {kind}" for kind, n in sorted(erasure.removed.items()) if n)
    click.echo(f"Erased response {erasure.reference} (id {erasure.response_id}): {removed}.")


@data_cli.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False))
def backup_command(destination: str):
    """Write a consistent backup of the database to DESTINATION (see docs/BACKUP.md)."""
    from portal.backup import BackupFailed, backup

    db.session.remove()  # hold no transaction open while the copy runs
    try:
        path = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], destination)
    except BackupFailed as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {path} ({path.stat().st_size:,} bytes).")


@data_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: str, yes: bool):
    """Replace the database's content with the backup at SOURCE; stop the portal first."""
    from portal.backup import BackupFailed, restore

    if not yes:
        click.confirm("Replace everything in the configured database with this backup?",
                      abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old database open
    try:
        restore(source, current_app.config["SQLALCHEMY_DATABASE_URI"])
    except BackupFailed as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {source}.")
