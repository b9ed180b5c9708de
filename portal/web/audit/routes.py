"""The audit trail, filtered and paginated, for administrators only."""

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from sqlalchemy import select

from portal.domain import audit
from portal.extensions import db
from portal.models import User
from portal.web.admin_only import require_admin
from portal.web.audit.forms import AuditFilterForm

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50


# Sign-ins, client addresses and every change: administrators only.
bp.before_request(require_admin)


@bp.route("/")
def index():
    """List events newest first, filtered by who, what and when."""
    form = AuditFilterForm(request.args, meta={"csrf": False})
    people = db.session.execute(select(User.id, User.name, User.email)
                                .order_by(User.name, User.id)).all()
    form.actor.choices = [("", "Anyone"), ("none", "No one signed in")] + \
        [(str(p.id), f"{p.name} ({p.email})") for p in people]
    form.action.choices = [("", "Any action")] + \
        [(a, a) for a in audit.actions(db.session)]
    if request.args and not form.validate():
        return render_template("audit/index.html", form=form, page=None), 400
    actor = form.actor.data
    query = audit.events(
        actor_id=int(actor) if actor.isdigit() else None, no_actor=actor == "none",
        action=form.action.data or None,
        since=datetime.combine(form.since.data, time()) if form.since.data else None,
        until=datetime.combine(form.until.data + timedelta(days=1), time())
        if form.until.data else None)
    page = db.paginate(query, page=form.page.data or 1, per_page=PER_PAGE, error_out=False,
                       count=True)
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/index.html", form=form, page=page, filters=filters)
