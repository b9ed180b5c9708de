"""E-mail about requests: queued in the outbox with the change, sent after the commit.

Messages carry the request's type, status, de-identified title and a link; never its
description, comments or any answer text.
"""

import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.domain.bidi import isolate
from portal.domain.deidentify import deidentify
from portal.domain.request_status import KINDS, STATUSES, UNFILED
from portal.models import OutboxMessage, Role, SupplierRequest, User, utcnow

log = logging.getLogger(__name__)

EVENTS = {"filed": "A new request was filed.", "status": "Its status changed.",
          "comment": "A new comment was shared on it."}


def recipients(session: Session, request: SupplierRequest, event: str,
               actor: User | None) -> list[User]:
    """Who hears of an event: the vendor's staff of a new request; for later events everyone
    involved (vendor staff, the service's managers, reporters, the assignee) but the actor."""
    vendor_staff = User.vendor_id == request.vendor_id
    if event == "filed":
        condition = vendor_staff
    else:
        reporters = [r.user_id for r in request.reporters]
        condition = or_(vendor_staff,
                        (User.role == Role.MANAGER) & (User.service_id == request.service_id),
                        User.id.in_(reporters + [request.assignee_id or 0]))
    users = session.scalars(select(User).where(condition, User.active.is_(True))
                            .order_by(User.id)).all()
    return [u for u in users if actor is None or u.id != actor.id]


def message_for(request: SupplierRequest, event: str, base_url: str) -> tuple[str, str]:
    """Subject and body of a notification: type, status, masked title and a link only."""
    title = isolate(deidentify(request.title))  # an override must not turn the subject round
    kind, status = KINDS[request.kind], STATUSES[request.status]
    subject = f"[Uptake] {kind} #{request.id} ({status}): {title}"[:300]
    link = f"{base_url}/requests/{request.id}"
    body = (f"{EVENTS[event]}\n\nRequest: #{request.id} {title}\nType: {kind}\n"
            f"Status: {status}\n\nOpen it in Uptake: {link}\n")
    return subject, body


def notify(session: Session, request: SupplierRequest, event: str, actor: User | None,
           base_url: str) -> list[OutboxMessage]:
    """Queue one message per recipient; the caller commits them with the change."""
    if request.status in UNFILED:
        return []  # the vendor has not been told of a proposal, nor anyone else
    subject, body = message_for(request, event, base_url)
    messages = [OutboxMessage(recipient=user.email, subject=subject, body=body,
                              request_id=request.id)
                for user in recipients(session, request, event, actor)]
    session.add_all(messages)
    return messages


def deliver_pending(session: Session, config: Mapping, limit: int = 100) -> int:
    """Send unsent outbox messages over SMTP when MAIL_SERVER is set; return how many went.

    Without a server the outbox is the record (development and tests). The caller commits.
    """
    if not config.get("MAIL_SERVER"):
        return 0
    pending = session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                                          OutboxMessage.error.is_(None))
                              .order_by(OutboxMessage.id).limit(limit)).all()
    if not pending:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 587)),
                          timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            for message in pending:
                mail = EmailMessage()
                mail["From"], mail["To"] = config.get("MAIL_FROM", "uptake@localhost"), \
                    message.recipient
                mail["Subject"] = message.subject
                mail.set_content(message.body)
                try:
                    smtp.send_message(mail)
                except smtplib.SMTPRecipientsRefused as error:
                    message.error = type(error).__name__
                    continue
                message.sent_at = utcnow()
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        # The message ids and the error's kind only: subjects carry request titles.
        log.warning("mail delivery failed after %d of %d messages: %s", sent, len(pending),
                    type(error).__name__)
    return sent
