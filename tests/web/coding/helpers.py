"""Helpers for the coding tests: more answers, posting the coding form, reading what it stored."""

import re

from sqlalchemy import select

from portal.domain.codebooks import current_version
from portal.domain.invitations import create_invitation
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import Answer, AuditEvent, Coding
from tests.conftest import csrf_from, fresh, login

KEY = "icbt-implementation"
ANSWER_LINK = re.compile(r'/coding/[a-z-]+/answers/(\d+)"')


def add_patient_response(world, service: str, texts: dict[str, str]) -> list[Answer]:
    """Store (and so machine-code) one patient response at a service; returns its text answers."""
    session = db.session
    link = world.links["patient"] if service == "leeds" else create_invitation(
        session, service=world.services[service], instrument=world.instruments["patient"],
        created_by=world.users["lead"], label="Poster", days_valid=30, max_uses=100)
    submission = submit_response(
        session, version=world.instruments["patient"].current, service=world.services[service],
        answers={"programme": "depression", **texts}, idempotency_key=new_idempotency_key(),
        invitation=link)
    session.commit()
    return list(session.scalars(select(Answer).where(
        Answer.response_id == submission.response_id, Answer.item_id.in_(list(texts)))
        .order_by(Answer.id)))


def post_coding(client, url: str, themes: dict[str, str | None], **extra):
    """Open the coding page, then send it with these themes ticked (theme: polarity)."""
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    data = {"csrf_token": csrf_from(page), "version": version.group(1) if version else "",
            "theme": list(themes)}
    data.update({f"polarity-{theme}": p for theme, p in themes.items() if p})
    data.update(extra)
    return client.post(url, data=data)


def answer_links(html: str) -> list[int]:
    """The answer ids the page links to for coding, in order."""
    return [int(i) for i in ANSWER_LINK.findall(html)]


def human_codings(answer_id: int) -> list[Coding]:
    """The current human and reconciled codings of an answer, as stored now."""
    return list(fresh().scalars(select(Coding).where(
        Coding.answer_id == answer_id, Coding.kind != "machine", Coding.current.is_(True))
        .order_by(Coding.id)))


def coding_events(answer_id: int) -> list[AuditEvent]:
    """The audit trail of coding decisions on an answer, oldest first."""
    return list(fresh().scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "answer", AuditEvent.subject_id == answer_id)
        .order_by(AuditEvent.id)))


def machine_tags(answer_id: int, key: str = KEY) -> dict[str, tuple]:
    """The engine's current tags on an answer: theme -> (polarity, span_start, span_end)."""
    version = current_version(fresh(), key)
    coding = db.session.scalar(select(Coding).where(
        Coding.answer_id == answer_id, Coding.kind == "machine", Coding.current.is_(True),
        Coding.codebook_version_id == version.id))
    return {t.theme: (t.polarity, t.span_start, t.span_end) for t in coding.tags}


def signed_in(app, email: str):
    """A new test client signed in as someone else (a signed-in client cannot sign in again)."""
    client = app.test_client()
    login(client, email)
    return client
