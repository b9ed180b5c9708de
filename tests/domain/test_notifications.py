"""Notifications: who is told, what the message carries (never patient text), SMTP delivery."""

import smtplib

from sqlalchemy import select

from portal.domain.notifications import deliver_pending
from portal.domain.requests import add_comment, change_status
from portal.extensions import db
from portal.models import OutboxMessage
from tests.requests_helpers import at, filed

URL = "http://portal.test"
PATIENT_TEXT = "Amy Smith (amy@example.org) cannot log in since her relapse"


def outbox() -> list[OutboxMessage]:
    """Every queued message, oldest first."""
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_new_status_and_comment_messages_carry_no_patient_text(app, world):
    """Filed: the vendor; status and shared comment: everyone involved but the actor."""
    request = filed(world, title="Login fails for Amy", description=PATIENT_TEXT)
    change_status(db.session, request, world.users["vendor"], "acknowledged", at(3), URL)
    add_comment(db.session, request, world.users["vendor"], "Amy's account is unlocked", True,
                at(4), URL)
    add_comment(db.session, request, world.users["vendor"], "internal only", False, at(4), URL)
    db.session.commit()
    messages = outbox()
    assert [m.recipient for m in messages] == ["vendor@x.test", "manager@x.test",
                                               "manager@x.test"]
    assert "A new request was filed." in messages[0].body
    assert "Status: Acknowledged" in messages[1].body
    assert "A new comment was shared" in messages[2].body
    for message in messages:
        text = message.subject + message.body
        assert "Amy" not in text and "amy@" not in text and "relapse" not in text
        assert "unlocked" not in text
        assert f"{URL}/requests/{request.id}" in message.body
    assert "Login fails for [name]" in messages[0].subject
    assert "Type: Bug report" in messages[0].body


def test_proposals_tell_nobody(app, world):
    """A proposal is the service's until it is filed."""
    filed(world, status="proposed")
    assert outbox() == []


class FakeSMTP:
    """Records what would go over the wire."""

    sent: list = []

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.tls = True

    def login(self, user, password):
        self.user = user

    def send_message(self, mail):
        if mail["To"] == "refused@x.test":
            raise smtplib.SMTPRecipientsRefused({mail["To"]: (550, b"no")})
        FakeSMTP.sent.append((mail["To"], mail["Subject"]))


def test_delivery_over_smtp_marks_messages_sent(app, world, monkeypatch):
    """With MAIL_SERVER set, pending messages are sent once; without it they wait."""
    filed(world)
    assert deliver_pending(db.session, {"MAIL_SERVER": ""}) == 0
    db.session.add(OutboxMessage(recipient="refused@x.test", subject="s", body="b"))
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    config = {"MAIL_SERVER": "smtp.test", "MAIL_PORT": 587, "MAIL_USE_TLS": True,
              "MAIL_USERNAME": "u", "MAIL_PASSWORD": "p", "MAIL_FROM": "uptake@x.test"}
    assert deliver_pending(db.session, config) == 1
    db.session.commit()
    assert [to for to, _ in FakeSMTP.sent] == ["vendor@x.test"]
    sent, refused = outbox()
    assert sent.sent_at is not None and refused.error == "SMTPRecipientsRefused"
    assert deliver_pending(db.session, config) == 0


def test_an_override_in_a_title_cannot_turn_the_subject_round(app, world):
    """The masked title sits in an isolate of its own in subject and body."""
    filed(world, title="Sync broken \u202eexe.fdp")
    message = outbox()[0]
    assert "\u2068Sync broken \u202eexe.fdp\u2069" in message.subject
    assert message.subject.endswith("\u2069")
    assert "\u2068Sync broken \u202eexe.fdp\u2069\n" in message.body
