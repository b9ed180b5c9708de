"""Create accounts and check passwords."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from portal.domain.audit import record
from portal.models import Role, Service, User, Vendor

MIN_PASSWORD_LENGTH = 10
# Compared against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0123456789")
# werkzeug's default today ("scrypt:32768:8:1"); older hashes are upgraded at sign-in.
_CURRENT_METHOD = _DUMMY_HASH.split("$", 1)[0]


class WrongPassword(ValueError):
    """The current password given to confirm a change was wrong."""


def create_user(session: Session, *, email: str, name: str, password: str, role: Role,
                service: Service | None = None, vendor: Vendor | None = None) -> User:
    """Add an account, checking that its role has the organisation it needs; caller commits."""
    email = email.strip().lower()
    if "@" not in email:
        raise ValueError("An email address needs an @.")
    check_new_password(password, email=email)
    if role in (Role.MANAGER, Role.THERAPIST) and service is None:
        raise ValueError(f"A {role.label.lower()} belongs to a service.")
    if role is Role.VENDOR and vendor is None:
        raise ValueError("A vendor representative belongs to a vendor.")
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise ValueError(f"There is already an account for {email}.")
    user = User(email=email, name=name.strip(), password_hash=generate_password_hash(password),
                role=role,
                service=service if role in (Role.MANAGER, Role.THERAPIST) else None,
                vendor=vendor if role is Role.VENDOR else None)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        # The only moment we hold the plain password: move the hash to today's scheme.
        user.password_hash = generate_password_hash(password)
    return user


def needs_rehash(password_hash: str) -> bool:
    """True when a stored hash uses another method or cost than werkzeug's current default."""
    return password_hash.split("$", 1)[0] != _CURRENT_METHOD


def check_new_password(password: str, *, email: str = "") -> None:
    """Raise ValueError when a new password is too short or is the email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if email and password.strip().lower() == email.strip().lower():
        raise ValueError("A password must not be the email address.")


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Replace the user's password after checking the current one; caller ends sessions, commits.

    Raises ValueError naming the problem; the caller shows it beside the field.
    """
    if not check_password_hash(user.password_hash, current):
        raise WrongPassword("That is not your current password.")
    check_new_password(new, email=user.email)
    if check_password_hash(user.password_hash, new):
        raise ValueError("The new password must differ from the current one.")
    user.password_hash = generate_password_hash(new)
    user.must_change_password = False


def set_coder(session: Session, actor: User, person: User, designate: bool) -> bool:
    """Designate or undesignate a member of staff as a coder; audit a change."""
    return set_designation(session, actor, person, "is_coder", designate)


def set_designation(session: Session, actor: User, person: User, flag: str,
                    designate: bool) -> bool:
    """Set one of a user's designations (is_coder, is_clinician); audit a change, say if one
    happened. Callers check who may designate whom."""
    before = getattr(person, flag)
    setattr(person, flag, designate)
    if before != designate:
        record(session, actor, "user." + flag.removeprefix("is_"), "user", person.id,
               before={flag: before}, after={flag: designate})
    return before != designate
