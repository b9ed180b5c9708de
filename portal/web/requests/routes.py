"""Request pages: the list, filing, one request with its history, saving, settings, export."""

import csv
import io
import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from portal.database import begin_write
from portal.domain import audit
from portal.domain.notifications import deliver_pending
from portal.domain.request_status import (
    FINISHED,
    KINDS,
    PRIORITIES,
    SERVICE,
    STATUSES,
    UNFILED,
    VENDOR,
    TransitionRefused,
    allowed_next,
    sides_of,
)
from portal.domain.requests import (
    EditConflict,
    RequestInvalid,
    add_comment,
    assignable_users,
    can_file,
    change_status,
    changes_since,
    edit_request,
    file_request,
    find_request,
    history,
    request_condition,
    shown,
    visible_comments,
    visible_requests,
)
from portal.domain.scoping import visible_services
from portal.domain.sla import clocks
from portal.extensions import db
from portal.models import RequestSettings, Role, SupplierRequest, User, utcnow
from portal.web.downloads import attachment
from portal.web.guards import form_refuses_nul
from portal.web.requests.forms import EditRequestForm, NewRequestForm, SettingsForm

log = logging.getLogger(__name__)
bp = Blueprint("requests", __name__, url_prefix="/requests")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@bp.before_request
@login_required
def require_login():
    """Every page here is for signed-in staff."""


@bp.app_context_processor
def request_labels():
    """Labels and helpers the request templates share."""
    return {"KINDS": KINDS, "PRIORITIES": PRIORITIES, "STATUSES": STATUSES,
            "shown": shown}


def base_url() -> str:
    """The portal's public address for links in e-mails."""
    return current_app.config["PUBLIC_BASE_URL"] or request.host_url.rstrip("/")


def send_mail() -> None:
    """Send queued e-mail after the change is committed; a mail outage never fails a save."""
    try:
        if deliver_pending(db.session, current_app.config):
            db.session.commit()
    except Exception as error:  # noqa: BLE001 - mail is best effort; the outbox keeps it
        db.session.rollback()
        log.warning("outbox delivery failed: %s", type(error).__name__)


def targets() -> dict:
    """The SLA targets in force."""
    return current_app.config["REQUEST_SLA_HOURS"]


@bp.route("/")
def index():
    """The requests the user sees, with their clocks; managers see proposals first."""
    view = request.args.get("view", "open")
    query = visible_requests(current_user)
    if view == "proposals":
        query = query.where(SupplierRequest.status == "proposed")
    elif view == "open":
        query = query.where(SupplierRequest.status.not_in(FINISHED | UNFILED))
    elif view == "finished":
        query = query.where(SupplierRequest.status.in_(FINISHED))
    elif view == "dismissed":
        query = query.where(SupplierRequest.status == "dismissed")
    rows = db.session.scalars(query.limit(500)).all()
    now = utcnow()
    proposals = 0
    if SERVICE in sides_of(current_user):
        proposals = db.session.scalar(select(func.count()).select_from(SupplierRequest).where(
            request_condition(current_user), SupplierRequest.status == "proposed"))
    settings_services = _settings_services()
    return render_template("requests/index.html", rows=[(r, *clocks(r, now, targets()))
                                                        for r in rows],
                           view=view, proposals=proposals,
                           can_file=bool(_fileable_products()),
                           settings_services=settings_services)


@bp.route("/new", methods=["GET", "POST"])
@form_refuses_nul
def new():
    """File a request directly for a product the user's service uses."""
    products = _fileable_products()
    if not products:
        abort(403)
    form = NewRequestForm()
    form.product_id.choices = [SelectChoice(p.id, f"{s.name} – {p.name}") for s, p in products]
    if form.validate_on_submit():
        service, product = next((s, p) for s, p in products if p.id == form.product_id.data)
        begin_write(db.session)
        try:
            filed = file_request(db.session, user=current_user, service=service,
                                 product=product, kind=form.kind.data, title=form.title.data,
                                 description=form.description.data or "",
                                 priority=form.priority.data, now=utcnow(),
                                 base_url=base_url())
        except RequestInvalid as error:
            db.session.rollback()
            return render_template("requests/new.html", form=form, problem=str(error)), 400
        filed_id = filed.id
        db.session.commit()
        send_mail()
        flash("The request has been filed; the vendor has been told.")
        return redirect(url_for(".show", request_id=filed_id))
    return render_template("requests/new.html", form=form, problem=None), \
        400 if form.errors else 200


@bp.route("/<int:request_id>", methods=["GET"])
def show(request_id: int):
    """One request: fields, clocks, sources, comments, history and the form to change it."""
    item = _visible_or_404(request_id)
    form = _edit_form(item, fill=True)
    return _render_show(item, form)


@bp.route("/<int:request_id>", methods=["POST"])
@form_refuses_nul
def save(request_id: int):
    """Save changes, a status change and a comment together, refusing stale forms."""
    item = _visible_or_404(request_id)
    form = _edit_form(item, fill=False)
    if not form.validate_on_submit():
        return _render_show(item, form, status=400)
    try:
        expected = int(form.version.data)
    except (TypeError, ValueError):
        return _render_show(item, form, problem="The form lost its version; reload the page.",
                            status=400)
    begin_write(db.session)
    item = _visible_or_404(request_id)
    try:
        _apply(item, form, expected)
        db.session.commit()
    except (EditConflict, StaleDataError):
        # StaleDataError: a save committed between our read and our write.
        db.session.rollback()
        return _conflict(request_id, form)
    except (RequestInvalid, TransitionRefused) as error:
        db.session.rollback()
        item = _visible_or_404(request_id)
        return _render_show(item, form, problem=str(error), status=400)
    send_mail()
    flash("Saved.")
    return redirect(url_for(".show", request_id=request_id))


@bp.route("/<int:request_id>/export.csv")
def export_one(request_id: int):
    """One request and its history as CSV, de-identified for vendors."""
    item = _visible_or_404(request_id)
    rows = [["request", "type", "title", "status", "priority", "service", "product"],
            [item.id, KINDS[item.kind], shown(item.title, current_user), STATUSES[item.status],
             PRIORITIES[item.priority], item.service.name, item.product.name], [],
            ["when", "who", "what", "status", "priority"]]
    for event in history(db.session, item):
        after = event.after or {}
        rows.append([event.at.isoformat(timespec="minutes"), _who(event.actor), event.action,
                     STATUSES.get(after.get("status"), ""),
                     PRIORITIES.get(after.get("priority"), "")])
    return _csv(rows, f"uptake-request-{item.id}.csv")


@bp.route("/export.csv")
def export_all():
    """Every request the user sees as CSV with its clocks, de-identified for vendors."""
    now = utcnow()
    rows = [["request", "type", "title", "status", "priority", "service", "product", "vendor",
             "filed", "first response", "resolved", "first response SLA", "resolution SLA"]]
    for item in db.session.scalars(visible_requests(current_user)):
        first, resolve = clocks(item, now, targets())
        rows.append([item.id, KINDS[item.kind], shown(item.title, current_user),
                     STATUSES[item.status], PRIORITIES[item.priority], item.service.name,
                     item.product.name, item.vendor.name, _iso(item.filed_at),
                     _iso(item.first_response_at), _iso(item.resolved_at), first.text,
                     resolve.text])
    return _csv(rows, "uptake-requests.csv")


@bp.route("/settings/<int:service_id>", methods=["POST"])
def settings(service_id: int):
    """Switch automatic filing of proposals on or off for a service the user manages."""
    service = next((s for s, _auto in _settings_services() if s.id == service_id), None)
    if service is None:
        abort(404)
    form = SettingsForm()
    if not form.validate_on_submit():
        abort(400)
    begin_write(db.session)
    row = db.session.get(RequestSettings, service_id) or RequestSettings(service_id=service_id)
    before = bool(row.auto_file)
    row.auto_file = bool(form.auto_file.data)
    db.session.add(row)
    audit.record(db.session, current_user, "request.settings", "service", service_id,
                 before={"auto_file": before}, after={"auto_file": row.auto_file})
    db.session.commit()
    flash("Proposals are now filed automatically." if row.auto_file
          else "Proposals now wait for a manager's review.")
    return redirect(url_for(".index", view="proposals"))


def _visible_or_404(request_id: int) -> SupplierRequest:
    """The request if the user may see it; otherwise 404, never a hint that it exists."""
    item = find_request(db.session, current_user, request_id)
    if item is None:
        abort(404)
    return item


def _fileable_products() -> list:
    """(service, product) pairs the user may file requests about."""
    services = db.session.scalars(visible_services(current_user)).all()
    return [(s, p) for s in services if can_file(current_user, s) for p in s.products]


def _settings_services() -> list:
    """Services whose request settings the user may change: managers' own, leads' all."""
    if SERVICE not in sides_of(current_user):
        return []
    services = db.session.scalars(visible_services(current_user)).all()
    settings = {s.service_id: s.auto_file for s in db.session.scalars(select(RequestSettings))}
    return [(s, settings.get(s.id, False)) for s in services]


def _edit_form(item: SupplierRequest, fill: bool) -> EditRequestForm:
    """The save form with the fields this user's side may change."""
    sides = sides_of(current_user)
    form = EditRequestForm() if not fill else EditRequestForm(formdata=None)
    if fill:
        form.version.data = str(item.version)
        form.kind.data, form.title.data = item.kind, item.title
        form.description.data, form.priority.data = item.description, item.priority
        form.product_id.data, form.assignee_id.data = item.product_id, item.assignee_id
        form.status.data = ""
    form.status.choices = [SelectChoice("", "Keep as it is")] + [
        SelectChoice(s, STATUSES[s]) for s in allowed_next(item.status, sides)]
    form.product_id.choices = [SelectChoice(p.id, p.name) for p in item.service.products]
    form.assignee_id.choices = [SelectChoice("", "Nobody yet")] + [
        SelectChoice(u.id, u.name) for u in assignable_users(db.session, item)]
    vendor_only = VENDOR in sides and not current_user.sees_every_service
    if vendor_only or SERVICE not in sides:
        del form.kind, form.title, form.description, form.product_id
    elif item.status not in UNFILED:
        del form.product_id
    if VENDOR not in sides:
        del form.assignee_id
    if not sides:
        del form.priority
    if current_user.role is not Role.VENDOR:
        del form.internal
    return form


def _apply(item: SupplierRequest, form: EditRequestForm, expected: int) -> None:
    """Apply the form in the domain: fields, then the status, then the comment."""
    now, url = utcnow(), base_url()
    stale = expected != item.version
    changes = {name: getattr(form, name).data for name in
               ("kind", "title", "description", "product_id", "priority", "assignee_id")
               if name in form}
    if "description" in changes:
        changes["description"] = changes["description"] or ""
    edit_request(db.session, item, current_user, expected_version=expected, changes=changes,
                 now=now)
    if form.status.data:
        if stale:
            raise EditConflict(item.version, changes_since(db.session, item, expected))
        original = None
        if form.status.data == "duplicate":
            if not form.duplicate_of.data:
                raise TransitionRefused("Give the number of the request this one duplicates.")
            original = find_request(db.session, current_user, form.duplicate_of.data)
            if original is None:
                raise TransitionRefused(f"There is no request #{form.duplicate_of.data} "
                                        "that you can see.")
        change_status(db.session, item, current_user, form.status.data, now, url,
                      duplicate_of=original)
    if (form.comment.data or "").strip():
        internal = "internal" in form and form.internal.data
        add_comment(db.session, item, current_user, form.comment.data, not internal, now, url)


def _conflict(request_id: int, form: EditRequestForm):
    """Re-show the form with the person's text, the current request and what changed."""
    item = _visible_or_404(request_id)
    try:
        expected = int(form.version.data)
    except (TypeError, ValueError):
        expected = 0
    changes = changes_since(db.session, item, expected)
    # Saving again from this page applies the person's text over the newer version.
    form.version.data = str(item.version)
    form.status.choices = [SelectChoice("", "Keep as it is")] + [
        SelectChoice(s, STATUSES[s]) for s in allowed_next(item.status, sides_of(current_user))]
    return _render_show(item, form, conflict=changes, status=409)


def _render_show(item: SupplierRequest, form: EditRequestForm, *, problem: str | None = None,
                 conflict=None, status: int = 200):
    """Render one request's page."""
    first, resolve = clocks(item, utcnow(), targets())
    return render_template(
        "requests/show.html", item=item, form=form, problem=problem, conflict=conflict,
        first=first, resolve=resolve, events=history(db.session, item),
        comments=visible_comments(item, current_user),
        vendor_view=current_user.role is Role.VENDOR, sides=sides_of(current_user),
        sources=_sources(item), who=_who, event_text=event_text), status


def _sources(item: SupplierRequest) -> list[tuple[str, str]]:
    """(theme, excerpt) per source; vendors get the themes only, never answer text."""
    if current_user.role is Role.VENDOR:
        return [(s.theme, "") for s in item.sources]
    return [(s.theme, shown(s.answer.value_text, current_user)[:300]) for s in item.sources]


def _who(user: User | None) -> str:
    """A person as the history names them."""
    if user is None:
        return "Uptake (from feedback)"
    side = " (vendor)" if user.role is Role.VENDOR else ""
    return user.name + side


def event_text(event) -> str:
    """One history line: what changed, by labels, never text."""
    before, after = event.before or {}, event.after or {}
    if event.action == "request.status":
        return (f"Status {STATUSES.get(before.get('status'), '?')} → "
                f"{STATUSES.get(after.get('status'), '?')}")
    if event.action in ("request.filed", "request.proposed"):
        return ("Filed" if event.action == "request.filed" else "Proposed from feedback") + \
            f" as {STATUSES.get(after.get('status'), '?').lower()}"
    if event.action == "request.comment":
        return "Shared a comment" if after.get("shared") else "Added an internal note"
    if event.action == "request.edited":
        changed = [name.replace("_id", "") for name in ("kind", "priority", "assignee_id",
                                                        "product_id")
                   if before.get(name) != after.get(name)]
        if before.get("priority") != after.get("priority"):
            changed = [c if c != "priority" else
                       f"priority {before.get('priority')} → {after.get('priority')}"
                       for c in changed]
        return "Edited " + (", ".join(changed) if changed else "the wording")
    return event.action


def _iso(value) -> str:
    """A timestamp for CSV, or empty."""
    return value.isoformat(timespec="minutes") if value else ""


def _csv(rows: list[list], filename: str) -> Response:
    """A CSV download with cells that a spreadsheet would run as formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["'" + c if isinstance(c, str) and c.startswith(FORMULA_START) else c
                         for c in row])
    return attachment(buffer.getvalue(), "text/csv", filename)



# The plan and the outbox add their routes to this blueprint.
from portal.web.requests import outbox, training  # noqa: E402,F401
