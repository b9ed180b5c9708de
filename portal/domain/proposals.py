"""Requests proposed from feedback: a response tagged with a technology, training or supplier
theme proposes a bug report, a training request or feedback to the supplier."""

import re
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.deidentify import deidentify
from portal.domain.request_status import KINDS
from portal.domain.requests import file_request
from portal.domain.safety import flagged_answer_ids
from portal.models import (
    Answer,
    Coding,
    RequestSettings,
    Service,
    SupplierRequest,
    Tag,
    User,
)

# theme -> kind of request it proposes
THEME_KINDS = {"tech_bugs": "bug", "integration_it": "bug", "usability": "bug",
               "training_needs": "training", "vendor_relationship": "feedback"}
# A facilitator mention ("it never crashes") asks nothing of the supplier, except as feedback.
ANY_POLARITY = {"feedback"}
# Vendors' own answers are about the services; they do not file requests to themselves.
PROPOSING_GROUPS = frozenset({"patient", "therapist", "service_manager"})
TITLE_CHARS = 90


def propose_requests(session: Session, *, response_id: int, service: Service, group: str,
                     user: User | None, now: datetime, base_url: str = "") -> list[int]:
    """Propose one request per kind the response's tags ask for; return their ids.

    Runs inside submit_response after tagging, in the same transaction. A service that
    switched on automatic filing gets them filed at once.
    """
    if group not in PROPOSING_GROUPS:
        return []
    rows = session.execute(
        select(Tag.theme, Tag.polarity, Coding.answer_id, Answer.value_text)
        .join(Coding, Coding.id == Tag.coding_id).join(Answer, Answer.id == Coding.answer_id)
        .where(Coding.response_id == response_id, Tag.theme.in_(list(THEME_KINDS)),
               # A risk flagged answer goes to the service's clinicians, never to a vendor.
               Coding.answer_id.not_in(flagged_answer_ids(response_id)))
        .order_by(Coding.answer_id, Tag.id)).all()
    found: dict[str, list] = defaultdict(list)
    for theme, polarity, answer_id, text in rows:
        kind = THEME_KINDS[theme]
        if polarity == "facilitator" and kind not in ANY_POLARITY:
            continue
        found[kind].append((answer_id, theme, text or ""))
    if not found or not service.products:
        return []
    base_url = base_url or _public_base_url()
    settings = session.get(RequestSettings, service.id)
    status = "new" if settings is not None and settings.auto_file else "proposed"
    made = []
    for kind, mentions in found.items():
        sources = sorted({(response_id, answer_id, theme) for answer_id, theme, _ in mentions})
        text = mentions[0][2]
        request = file_request(
            session, user=user, service=service, product=service.products[0], kind=kind,
            title=proposal_title(kind, text), description=text, priority="normal", now=now,
            base_url=base_url, status=status, origin="proposal", sources=sources)
        made.append(request.id)
    return made


def proposal_title(kind: str, text: str) -> str:
    """A title from the answer's first sentence, de-identified: it reaches the vendor's inbox."""
    sentence = re.split(r"(?<=[.!?])\s", deidentify(text).strip(), maxsplit=1)[0]
    sentence = " ".join(sentence.split())
    if len(sentence) > TITLE_CHARS:
        sentence = sentence[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    return f"{KINDS[kind]}: {sentence}" if sentence else KINDS[kind]


def open_proposals(session: Session, service_ids: list[int]) -> list[SupplierRequest]:
    """The proposals waiting for a manager in these services, oldest first."""
    return list(session.scalars(select(SupplierRequest)
                                .where(SupplierRequest.status == "proposed",
                                       SupplierRequest.service_id.in_(service_ids))
                                .order_by(SupplierRequest.created_at, SupplierRequest.id)))


def _public_base_url() -> str:
    """The configured public address for links in e-mails, when an app is running."""
    from flask import current_app, has_app_context

    return current_app.config.get("PUBLIC_BASE_URL", "") if has_app_context() else ""
