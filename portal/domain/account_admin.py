"""An administrator's work on staff accounts: create one, change its role, service, vendor or
whether it may sign in, and set a temporary password. Every change is audited, never with a
password, and ends the person's sessions so that the new rights apply at once."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from portal.domain.accounts import check_new_password, create_user
from portal.domain.audit import record
from portal.domain.sessions import end_all_sessions
from portal.models import Role, Service, User, UserSession, Vendor

SERVICE_ROLES = (Role.MANAGER, Role.THERAPIST)
# Designated coders are managers and therapists; leads and admins always code, vendors never.
CODER_ROLES = SERVICE_ROLES
# The fields a change may touch, in the order the audit event lists them.
FIELDS = ("role", "service_id", "vendor_id", "active", "is_coder", "is_clinician")


class AccountRefused(ValueError):
    """An account change that the rules do not allow; the message says what to do instead."""


def create_account(session: Session, actor: User | None, *, email: str, name: str,
                   password: str, role: Role, service: Service | None = None,
                   vendor: Vendor | None = None, temporary: bool = False) -> User:
    """Add an account and audit it (actor None: the command line); caller commits.

    temporary: the administrator chose the password, so the person replaces it first.
    """
    if not name.strip():
        raise AccountRefused("Give the person's name.")
    try:
        user = create_user(session, email=email, name=name, password=password, role=role,
                           service=service, vendor=vendor)
    except ValueError as error:
        raise AccountRefused(str(error)) from None
    user.must_change_password = temporary
    record(session, actor, "user.created", "user", user.id,
           after={"role": user.role.value, "service_id": user.service_id,
                  "vendor_id": user.vendor_id})
    return user


def change_account(session: Session, actor: User, person: User, *, role: Role,
                   service: Service | None, vendor: Vendor | None, active: bool,
                   now: datetime) -> dict[str, tuple]:
    """Give the person this role, service or vendor and active state; return what changed as
    {field: (before, after)}. Nothing is changed when a rule refuses; caller commits.

    A service or vendor the role does not use is dropped, as when the account was made.
    Designations that no longer fit are cleared, and a change of scope or a disabling ends
    every session of the person.
    """
    service = service if role in SERVICE_ROLES else None
    vendor = vendor if role is Role.VENDOR else None
    if role in SERVICE_ROLES and service is None:
        raise AccountRefused(f"A {role.label.lower()} belongs to a service; choose one.")
    if role is Role.VENDOR and vendor is None:
        raise AccountRefused("A vendor representative belongs to a vendor; choose one.")
    if person.id == actor.id and role is not Role.ADMIN:
        raise AccountRefused("You cannot take away your own administrator role; ask another "
                             "administrator to do it.")
    if person.id == actor.id and not active:
        raise AccountRefused("You cannot disable your own account; ask another administrator "
                             "to do it.")
    if person.role is Role.ADMIN and person.active and (role is not Role.ADMIN or not active) \
            and not _other_active_admins(session, person):
        raise AccountRefused(f"{person.name} is the only active administrator; make someone "
                             "else an administrator first.")
    service_id, vendor_id = service.id if service else None, vendor.id if vendor else None
    scope_changed = (role, service_id, vendor_id) != (person.role, person.service_id,
                                                      person.vendor_id)
    wanted = {"role": role, "service_id": service_id, "vendor_id": vendor_id, "active": active,
              "is_coder": person.is_coder, "is_clinician": person.is_clinician}
    if scope_changed:
        # A coder codes within what they see: only managers and therapists are designated.
        wanted["is_coder"] = person.is_coder and role in CODER_ROLES
        # A clinician was designated by the manager of their service, as a therapist there.
        wanted["is_clinician"] = person.is_clinician and role is Role.THERAPIST \
            and person.role is Role.THERAPIST and service_id == person.service_id
    changes = {name: (getattr(person, name), wanted[name]) for name in FIELDS
               if getattr(person, name) != wanted[name]}
    if not changes:
        return changes
    person.role, person.service, person.vendor = role, service, vendor
    person.active = active
    person.is_coder, person.is_clinician = wanted["is_coder"], wanted["is_clinician"]
    if scope_changed or not active:
        end_all_sessions(session, person, now, "disabled" if not active else "account change")
    record(session, actor, "user.changed", "user", person.id,
           before={name: _plain(old) for name, (old, _new) in changes.items()},
           after={name: _plain(new) for name, (_old, new) in changes.items()})
    return changes


def set_temporary_password(session: Session, actor: User, person: User, password: str,
                           now: datetime) -> int:
    """Give the person a password to sign in with and change; end their sessions and audit it
    (never the password). Return how many sessions ended; caller commits."""
    if person.id == actor.id:
        raise AccountRefused("Change your own password on the Password page, which asks for "
                             "the current one.")
    try:
        check_new_password(password, email=person.email)
    except ValueError as error:
        raise AccountRefused(str(error)) from None
    person.password_hash = generate_password_hash(password)
    person.must_change_password = True  # the administrator knows it: the person replaces it
    ended = end_all_sessions(session, person, now, "password set")
    record(session, actor, "user.password_set", "user", person.id,
           after={"sessions_ended": ended})
    return ended


def _other_active_admins(session: Session, person: User) -> int:
    """How many active administrators there are besides this person.

    The rows are locked (PostgreSQL), so that two administrators demoting each other at the
    same moment cannot both succeed; SQLite's write lock already serialises them.
    """
    ids = session.scalars(select(User.id).where(User.role == Role.ADMIN,
                                                User.active.is_(True), User.id != person.id)
                          .with_for_update()).all()
    return len(ids)


def _plain(value):
    """A value as the audit trail's JSON holds it."""
    return value.value if isinstance(value, Role) else value


def last_sign_ins(session: Session, user_id: int | None = None) -> dict[int, datetime]:
    """Each user's latest sign-in (or one user's), from the session records."""
    query = select(UserSession.user_id, func.max(UserSession.created_at)) \
        .group_by(UserSession.user_id)
    if user_id is not None:
        query = query.where(UserSession.user_id == user_id)
    return dict(session.execute(query).all())
