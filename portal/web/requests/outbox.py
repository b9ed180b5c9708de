"""The e-mail outbox, readable by admins and leads (in development it is the mail)."""

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage
from portal.web.requests.routes import bp


@bp.route("/outbox")
def outbox():
    """The newest messages, sent or waiting."""
    if not current_user.sees_every_service:
        abort(403)
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())
                                  .limit(200)).all()
    return render_template("requests/outbox.html", messages=messages)
