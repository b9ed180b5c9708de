"""flask CLI commands: set-up, instruments, demo data, accounts."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import select
from tqdm import tqdm

from portal.extensions import db

instruments_cli = AppGroup("instruments", help="Instruments defined in surveys/.")
demo_cli = AppGroup("demo", help="The demo world.")
users_cli = AppGroup("users", help="Staff accounts.")
dashboards_cli = AppGroup("dashboards", help="The dashboards' rollups.")


def register(app: Flask) -> None:
    """Add the command groups to the app."""
    from portal.data_cli import data_cli
    from portal.tag_cli import GROUP_GROUPS

    for group in (instruments_cli, demo_cli, users_cli, dashboards_cli, *GROUP_GROUPS, data_cli):
        app.cli.add_command(group)
    app.cli.add_command(setup)


@instruments_cli.command("sync")
def sync_command():
    """Store a new version of every instrument whose file changed."""
    for result in _sync():
        state = "new version" if result.created else "unchanged"
        click.echo(f"{result.key}: version {result.number} ({state})")


@demo_cli.command("load")
@click.option("--responses", default=2400, show_default=True, help="How many responses.")
@click.option("--seed", default=7, show_default=True, help="Random seed.")
def demo_load_command(responses: int, seed: int):
    """Load the demo world into an empty database."""
    from portal.demo.world import demo_exists

    if demo_exists(db.session):
        raise click.ClickException("The database already holds services; the demo loads only "
                                   "into an empty one.")
    _sync()
    _load_demo(responses, seed)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "lead", "manager",
                                                           "therapist", "vendor"]))
@click.option("--service", "service_name", help="Service name (managers and therapists).")
@click.option("--vendor", "vendor_name", help="Vendor name (vendor representatives).")
@click.password_option()
def create_user_command(email, name, role, service_name, vendor_name, password):
    """Create a staff account (as the People pages do, audited with no one signed in)."""
    from portal.domain.account_admin import create_account
    from portal.models import Role, Service, Vendor

    service = db.session.scalar(select(Service).where(Service.name == service_name)) \
        if service_name else None
    if service_name and service is None:
        raise click.ClickException(f"No service is called {service_name!r}.")
    vendor = db.session.scalar(select(Vendor).where(Vendor.name == vendor_name)) \
        if vendor_name else None
    if vendor_name and vendor is None:
        raise click.ClickException(f"No vendor is called {vendor_name!r}.")
    try:
        user = create_account(db.session, None, email=email, name=name, password=password,
                              role=Role(role), service=service, vendor=vendor)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.label}).")


@dashboards_cli.command("rebuild")
def dashboards_rebuild_command():
    """Count every response and coding into the rollups afresh (after a bulk load)."""
    from portal.domain.rollups import rebuild

    with tqdm(desc="Rolling up", unit="resp") as bar:
        def tick(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()
        rebuild(db.session, progress=tick)
    db.session.commit()
    click.echo("The dashboard rollups are counted afresh.")


@dashboards_cli.command("check")
def dashboards_check_command():
    """Compare the rollups with a recount; exit 1 and list the differences if any."""
    from portal.domain.rollups import drift

    problems = drift(db.session)
    for problem in problems[:50]:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} rollup rows differ from a recount; "
                                   "run `flask dashboards rebuild`.")
    click.echo("The dashboard rollups match a recount.")


@click.command("setup")
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Load the demo world when the database is empty.")
def setup(demo: bool):
    """Apply migrations, sync instruments and load the demo once."""
    from portal.demo.world import demo_exists

    upgrade(directory=str(Path(current_app.root_path).parent / "migrations"))
    _sync()
    if demo and not demo_exists(db.session):
        _load_demo(2400, 7)
    if demo:
        _print_logins()


def _sync():
    """Sync instruments, seed missing codebooks and commit."""
    from portal.domain.codebooks import sync_codebooks
    from portal.domain.instruments import sync_instruments

    surveys = Path(current_app.config["SURVEYS_DIR"])
    results = sync_instruments(db.session, surveys)
    sync_codebooks(db.session, surveys)
    db.session.commit()
    return results


def _load_demo(responses: int, seed: int) -> None:
    """Load the demo world with a progress bar."""
    from portal.demo.world import load_demo

    with tqdm(total=responses, desc="Demo responses", unit="resp") as bar:
        world = load_demo(db.session, password=current_app.config["DEMO_PASSWORD"],
                          responses=responses, seed=seed, progress=bar.update)
    click.echo(f"Loaded {len(world.services)} services, {len(world.users)} accounts and "
               f"{world.responses} responses.")


def _print_logins() -> None:
    """Print one demo login per role."""
    from portal.demo.world import DEMO_DOMAIN
    from portal.models import Role, User

    users = sorted(db.session.scalars(select(User).where(User.email.like(f"%@{DEMO_DOMAIN}"))),
                   key=lambda u: (list(Role).index(u.role), u.id))
    if not users:
        return
    shown: set[str] = set()
    click.echo(f"\nDemo logins (password: {current_app.config['DEMO_PASSWORD']})")
    for user in users:
        if user.role.value in shown:
            continue
        shown.add(user.role.value)
        where = user.service.name if user.service else (user.vendor.name if user.vendor else "")
        click.echo(f"  {user.role.label:<24} {user.email:<40} {where}")
    click.echo("")
