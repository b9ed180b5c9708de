"""People: administrators list staff accounts, create them, change a role, service, vendor or
whether an account may sign in, and set a temporary password. Every change is audited."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from wtforms.fields.choices import SelectChoice

from portal.database import begin_write
from portal.domain.account_admin import (
    AccountRefused,
    change_account,
    create_account,
    last_sign_ins,
    set_temporary_password,
)
from portal.extensions import db
from portal.models import AuditEvent, Role, Service, User, Vendor, clock
from portal.web.admin_only import require_admin
from portal.web.auth.throttle import throttle
from portal.web.errors import busy_page, forget_session
from portal.web.guards import form_refuses_nul
from portal.web.people.forms import (
    ChangeAccountForm,
    NewAccountForm,
    PeopleFilterForm,
    ScopeForm,
    TemporaryPasswordForm,
)

bp = Blueprint("people", __name__, url_prefix="/people")
RECENT_EVENTS = 20


# Accounts and their rights: administrators only.
bp.before_request(require_admin)


@bp.route("/")
def index():
    """Every account, filtered by role and by whether it is active."""
    form = PeopleFilterForm(request.args, meta={"csrf": False})
    query = select(User).order_by(User.name, User.id)
    status = 200
    if request.args and not form.validate():
        status = 400
    else:
        if form.role.data:
            query = query.where(User.role == Role(form.role.data))
        if form.active.data:
            query = query.where(User.active.is_(form.active.data == "yes"))
    people = db.session.scalars(query).all() if status == 200 else []
    return render_template("people/index.html", form=form, people=people,
                           signed_in=last_sign_ins(db.session)), status


@bp.route("/new", methods=["GET", "POST"])
@form_refuses_nul
def new():
    """Create an account with a temporary password."""
    form = _with_choices(NewAccountForm())
    if not form.validate_on_submit():
        return render_template("people/new.html", form=form, problem=None), \
            400 if form.errors else 200
    try:
        begin_write(db.session)
        service, vendor = _scope(form)
        person = create_account(db.session, current_user, email=form.email.data,
                                name=form.name.data, password=form.password.data,
                                role=Role(form.role.data), service=service, vendor=vendor,
                                temporary=True)
        person_id, label = person.id, f"{person.name} ({person.email})"
        db.session.commit()
    except (AccountRefused, IntegrityError) as error:
        forget_session()
        problem = str(error) if isinstance(error, AccountRefused) else \
            "There is already an account for that email address."
        return render_template("people/new.html", form=form, problem=problem), 400
    except OperationalError:
        forget_session()
        return busy_page()
    flash(f"Created an account for {label}. Give them the temporary password by a separate "
          "channel.")
    return redirect(url_for(".show", user_id=person_id))


@bp.route("/<int:user_id>", methods=["GET"])
def show(user_id: int):
    """One account: its facts, the change form, the temporary-password form, its events."""
    person = _person_or_404(user_id)
    return _render_show(person, _filled_change_form(person), TemporaryPasswordForm(formdata=None))


@bp.route("/<int:user_id>", methods=["POST"])
def change(user_id: int):
    """Change the account's role, service, vendor or active state, all or nothing."""
    person = _person_or_404(user_id)
    form = _with_choices(ChangeAccountForm())
    if not form.validate_on_submit():
        return _render_show(person, form, TemporaryPasswordForm(formdata=None), status=400)
    try:
        begin_write(db.session)
        person = _person_or_404(user_id)
        service, vendor = _scope(form)
        changes = change_account(db.session, current_user, person, role=Role(form.role.data),
                                 service=service, vendor=vendor, active=form.active.data,
                                 now=clock.utcnow())
        name = person.name
        db.session.commit()
    except AccountRefused as error:
        forget_session()
        person = _person_or_404(user_id)
        return _render_show(person, form, TemporaryPasswordForm(formdata=None),
                            problem=str(error), status=400)
    except OperationalError:
        forget_session()
        return busy_page()
    if not changes:
        flash(f"Nothing to change for {name}.")
    elif {"role", "service_id", "vendor_id", "active"} & set(changes):
        flash(f"Saved. {name} was signed out everywhere, so the change applies at once.")
    else:
        flash("Saved.")
    return redirect(url_for(".show", user_id=user_id))


@bp.route("/<int:user_id>/password", methods=["POST"])
@form_refuses_nul
def password(user_id: int):
    """Set a temporary password; the person's sessions end and a sign-in lockout lifts."""
    person = _person_or_404(user_id)
    form = TemporaryPasswordForm()
    if not form.validate_on_submit():
        return _render_show(person, _filled_change_form(person), form, status=400)
    try:
        begin_write(db.session)
        person = _person_or_404(user_id)
        ended = set_temporary_password(db.session, current_user, person, form.password.data,
                                       clock.utcnow())
        # Locked out after failed tries: the new password works at once.
        throttle().succeeded(person.email)
        name = person.name
        db.session.commit()
    except AccountRefused as error:
        forget_session()
        person = _person_or_404(user_id)
        form.password.errors = [*form.password.errors, str(error)]
        return _render_show(person, _filled_change_form(person), form, status=400)
    except (OperationalError, RedisError):
        forget_session()
        return busy_page()
    sessions = f"{ended} session{'' if ended == 1 else 's'}"
    flash(f"{name} has a temporary password; {sessions} ended. Give it to them by a separate "
          "channel.")
    return redirect(url_for(".show", user_id=user_id))


def _person_or_404(user_id: int) -> User:
    """The account with this id, looked up in the query; 404 when there is none."""
    person = db.session.scalar(select(User).where(User.id == user_id))
    if person is None:
        abort(404)
    return person


def _with_choices(form: ScopeForm) -> ScopeForm:
    """Offer every service and vendor (an administrator may place anyone anywhere)."""
    services = db.session.execute(select(Service.id, Service.name).order_by(Service.name)).all()
    vendors = db.session.execute(select(Vendor.id, Vendor.name).order_by(Vendor.name)).all()
    form.service_id.choices = [SelectChoice(None, "None")] + [
        SelectChoice(s.id, s.name) for s in services]
    form.vendor_id.choices = [SelectChoice(None, "None")] + [
        SelectChoice(v.id, v.name) for v in vendors]
    return form


def _filled_change_form(person: User) -> ChangeAccountForm:
    """The change form showing the account as it is."""
    return _with_choices(ChangeAccountForm(formdata=None, obj=person))


def _scope(form: ScopeForm) -> tuple[Service | None, Vendor | None]:
    """The chosen service and vendor (the form has checked that they exist)."""
    service = db.session.get(Service, form.service_id.data) if form.service_id.data else None
    vendor = db.session.get(Vendor, form.vendor_id.data) if form.vendor_id.data else None
    return service, vendor


def _render_show(person: User, form: ChangeAccountForm, password_form: TemporaryPasswordForm,
                 *, problem: str | None = None, status: int = 200):
    """Render one account's page with its recent audit events (about it, and by it)."""
    about = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "user",
                                 AuditEvent.subject_id == person.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(RECENT_EVENTS)).all()
    return render_template("people/show.html", person=person, form=form,
                           password_form=password_form, problem=problem, events=about,
                           signed_in=last_sign_ins(db.session, person.id).get(person.id),
                           is_self=person.id == current_user.id), status
