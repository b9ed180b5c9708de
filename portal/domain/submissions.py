"""The one write path for a response: check, store answers, tag them, count the invitation use."""

import functools
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Insert, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.domain.answers import clean_answers
from portal.domain.instruments import text_item_ids
from portal.domain.invitations import consume_invitation
from portal.domain.proposals import propose_requests
from portal.domain.rollups import cell_of, record_new
from portal.domain.safety import flag_answers
from portal.domain.tagging import TextAnswer, tag_answers
from portal.models import Answer, InstrumentVersion, Invitation, Response, Service, User, utcnow

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
REFERENCE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
# No 0/O, 1/I/L, U: a reference read aloud over the phone survives.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


@dataclass(frozen=True)
class Submission:
    """A stored response: its id and reference, and whether this call created it."""

    response_id: int
    reference: str
    created: bool
    session: Session = field(repr=False, compare=False)

    @property
    def response(self) -> Response:
        """Load the response itself (the write path does not need to)."""
        return self.session.get_one(Response, self.response_id)


def new_idempotency_key() -> str:
    """Return a fresh key to embed in a form."""
    return secrets.token_urlsafe(24)


def new_reference() -> str:
    """Return a reference code such as K7QM-4XZP-R2AB."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def submit_response(session: Session, *, version: InstrumentVersion, service: Service,
                    answers: Mapping[str, object], idempotency_key: str,
                    invitation: Invitation | None = None, user: User | None = None,
                    now: datetime | None = None) -> Submission:
    """Store one response and its answers; the caller commits once.

    Raises AnswersInvalid, InvitationUnavailable, PermissionError or ValueError and then has
    written nothing the caller's rollback would not undo.
    """
    if not IDEMPOTENCY_KEY.match(idempotency_key or ""):
        raise ValueError("The form is missing its submission key; please reload the page.")
    group = version.instrument.stakeholder_group
    cleaned = clean_answers(version.definition, answers)
    if group == "patient":
        user = None  # a staff member testing a patient link still leaves no trace of who
    _check_access(version, service, invitation, user)
    now = now or utcnow()
    submitted_at = now.replace(hour=0, minute=0, second=0, microsecond=0) if user is None \
        and group == "patient" else now.replace(microsecond=0)
    programme = cleaned.get("programme")
    row = {"idempotency_key": idempotency_key, "service_id": service.id,
           "instrument_version_id": version.id,
           "invitation_id": invitation.id if invitation else None,
           "user_id": user.id if user else None, "stakeholder_group": group,
           "programme": programme if isinstance(programme, str) else None,
           "submitted_at": submitted_at}
    for _attempt in range(3):
        reference = new_reference()
        # Core, not the unit of work: this is the hot path. ON CONFLICT lets a concurrent twin
        # with the same key wait for the first and then find it, with no savepoint.
        response_id = session.execute(_insert_response(session.get_bind().dialect.name),
                                      {"reference": reference, **row}).scalar()
        if response_id is None:
            existing = find_submission(session, idempotency_key)
            if existing is not None:
                return _same_submission(session, existing, version, service)
            continue  # the reference collided; draw another
        stored = session.execute(INSERT_ANSWERS, [_answer_row(response_id, item_id, value)
                                                  for item_id, value in cleaned.items()]).all()
        # Tagged here, in the same transaction: a stored response always has its tags.
        texts = text_item_ids(version)
        tag_answers(session, [TextAnswer(answer_id, response_id, cleaned[item_id], group)
                              for answer_id, item_id in stored if item_id in texts])
        if group == "patient":
            # Before proposals: a flagged answer must never become a request to the vendor.
            flag_answers(session, response_id=response_id, service_id=service.id,
                         now=submitted_at,  # day precision, as the patient was promised
                         answers=[(answer_id, str(cleaned[item_id]))
                                  for answer_id, item_id in stored if item_id in texts])
        record_new(session, [response_id], answers={response_id: list(cleaned.items())},
                   instruments={response_id: version.instrument.key},
                   cells={response_id: cell_of(service.id, group, row["programme"],
                                               submitted_at)})
        propose_requests(session, response_id=response_id, service=service, group=group,
                         user=user, now=now)
        if invitation is not None:
            consume_invitation(session, invitation, now)
        return Submission(response_id, reference, created=True, session=session)
    raise RuntimeError("could not draw a unique reference code")


# Built once: constructing statements is a good part of a request's cost.
INSERT_ANSWERS = insert(Answer).returning(Answer.id, Answer.item_id, sort_by_parameter_order=True)




@functools.cache
def _insert_response(dialect: str) -> Insert:
    """INSERT a response, doing nothing on a unique conflict, returning its id."""
    if dialect == "postgresql":
        return postgresql.insert(Response).on_conflict_do_nothing().returning(Response.id)
    if dialect == "sqlite":
        return sqlite.insert(Response).on_conflict_do_nothing().returning(Response.id)
    raise NotImplementedError(f"Uptake supports SQLite and PostgreSQL, not {dialect}")


def _answer_row(response_id: int, item_id: str, value: str | int) -> dict:
    """The answers row for a cleaned value: integers and text in their own columns."""
    number = isinstance(value, int) and not isinstance(value, bool)
    return {"response_id": response_id, "item_id": item_id,
            "value_int": value if number else None, "value_text": None if number else str(value)}


def find_submission(session: Session, key: str) -> Response | None:
    """Find the response an idempotency key already made; a malformed key finds nothing."""
    if not IDEMPOTENCY_KEY.match(key or ""):
        return None  # not a key's shape (NUL, say): no need to ask the database
    return session.scalar(select(Response).where(Response.idempotency_key == key))


def _same_submission(session: Session, existing: Response, version: InstrumentVersion,
                     service: Service) -> Submission:
    """Return the earlier response for a retried key, refusing a key reused elsewhere."""
    if existing.service_id != service.id or existing.instrument_version.instrument_id \
            != version.instrument_id:
        raise ValueError("This submission key belongs to another form; please reload the page.")
    return Submission(existing.id, existing.reference, created=False, session=session)


def _check_access(version: InstrumentVersion, service: Service, invitation: Invitation | None,
                  user: User | None) -> None:
    """Refuse a response that neither a valid invitation nor the user's role allows."""
    if invitation is not None:
        if invitation.service_id != service.id or \
                invitation.instrument_id != version.instrument_id:
            raise PermissionError("This invitation is for another survey.")
        return
    if user is None:
        raise PermissionError("An invitation link is needed to answer this survey.")
    if user.role.stakeholder_group != version.instrument.stakeholder_group or \
            not user.can_answer_as_staff(service):
        raise PermissionError("Your role does not answer this survey for this service.")
