"""The flask commands: setup, instrument sync, demo world, accounts."""

from sqlalchemy import func, select

from portal.demo.world import DEMO_DOMAIN, load_demo
from portal.extensions import db
from portal.models import Answer, AuditEvent, Response, Role, Service, User
from tests.conftest import fresh


def test_setup_without_demo_applies_migrations_and_syncs(empty_app_runner):
    """setup --no-demo on an empty database leaves the schema and instruments in place."""
    result = empty_app_runner.invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert fresh().scalar(select(func.count()).select_from(Service)) == 0


def test_demo_load_refuses_a_database_with_data(runner, world):
    """The demo never mixes with real services."""
    result = runner.invoke(args=["demo", "load", "--responses", "5"])
    assert result.exit_code != 0
    assert "already holds services" in result.output


def test_instruments_sync_reports_versions(runner):
    """Syncing unchanged files makes no new version."""
    result = runner.invoke(args=["instruments", "sync"])
    assert result.exit_code == 0
    assert "patient: version 1 (unchanged)" in result.output


def test_users_create(runner, world):
    """Accounts can be created from the command line."""
    result = runner.invoke(args=["users", "create", "--email", "new@x.test", "--name", "New",
                                 "--role", "manager", "--service", "Bristol Wellbeing",
                                 "--password", "long enough password"])
    assert result.exit_code == 0, result.output
    user = fresh().scalar(select(User).where(User.email == "new@x.test"))
    assert user.role is Role.MANAGER and user.service.name == "Bristol Wellbeing"
    created = fresh().scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert created.subject_id == user.id and created.after["role"] == "manager"
    assert "long enough password" not in str(created.after)
    refused = runner.invoke(args=["users", "create", "--email", "x@x.test", "--name", "X",
                                  "--role", "therapist", "--password", "long enough password"])
    assert refused.exit_code != 0 and "belongs to a service" in refused.output
    unknown = runner.invoke(args=["users", "create", "--email", "y@x.test", "--name", "Y",
                                  "--role", "therapist", "--service", "Nowhere",
                                  "--password", "long enough password"])
    assert unknown.exit_code != 0 and "No service is called 'Nowhere'" in unknown.output


def test_demo_world_differs_between_services(app):
    """Six services, every role, and readiness that differs the way the profiles say."""
    world = load_demo(db.session, password="demo password 123", responses=400, seed=3)
    assert len(world.services) == 6
    assert {u.role for u in world.users} == set(Role)
    assert all(u.email.endswith(DEMO_DOMAIN) for u in world.users)
    groups = dict(db.session.execute(select(Response.stakeholder_group, func.count())
                                     .group_by(Response.stakeholder_group)).all())
    assert set(groups) == {"patient", "therapist", "service_manager", "vendor"}
    oric = dict(db.session.execute(
        select(Service.name, func.avg(Answer.value_int))
        .join(Response, Response.service_id == Service.id)
        .join(Answer, Answer.response_id == Response.id)
        .where(Answer.item_id.like("oric_%")).group_by(Service.name)).all())
    assert oric["Leeds Talking Therapies"] > oric["East London Primary Care Psychology"] + 1
    patients = db.session.scalars(select(Response).where(Response.stakeholder_group == "patient"))
    assert all(r.user_id is None and r.submitted_at.hour == 0 for r in patients)


def test_dashboards_check_finds_damage_and_rebuild_repairs_it(runner, coded):
    from portal.models import ThemeRollup

    assert runner.invoke(args=["dashboards", "check"]).exit_code == 0
    db.session.execute(ThemeRollup.__table__.delete())
    db.session.commit()
    damaged = runner.invoke(args=["dashboards", "check"])
    assert damaged.exit_code == 1 and "differ from a recount" in damaged.output
    assert runner.invoke(args=["dashboards", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["dashboards", "check"]).exit_code == 0
