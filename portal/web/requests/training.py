"""The training plan: training requests rolled up per service; the vendor schedules and
records delivery; everyone in scope sees whether training-need mentions fell afterwards."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.database import begin_write
from portal.domain.request_status import VENDOR, sides_of
from portal.domain.requests import RequestInvalid, find_request
from portal.domain.training_plan import (
    WINDOW_DAYS,
    add_to_plan,
    find_item,
    mentions_around,
    plan,
    schedule,
    unplanned,
)
from portal.extensions import db
from portal.web.requests.forms import PlanForm, ScheduleForm
from portal.web.requests.routes import bp


@bp.route("/training")
def training():
    """The plan per service: what, for whom, how many asked, when, and mentions around it."""
    lines = plan(db.session, current_user)
    waiting = unplanned(db.session, current_user)
    effects = {line.item.id: mentions_around(db.session, line.item, config=current_app.config)
               for line in lines}
    return render_template("requests/training.html", lines=lines, waiting=waiting,
                           effects=effects, window=WINDOW_DAYS,
                           can_plan=VENDOR in sides_of(current_user),
                           plan_forms={r.id: _plan_form(r, lines) for r in waiting},
                           schedule_form=ScheduleForm())


@bp.route("/<int:request_id>/plan", methods=["POST"])
def plan_request(request_id: int):
    """Put a training request into the plan."""
    begin_write(db.session)
    item = find_request(db.session, current_user, request_id)
    if item is None:
        abort(404)
    form = _plan_form(item, plan(db.session, current_user))
    if not form.validate_on_submit():
        flash("Choose a plan item or name a new topic.")
        return redirect(url_for(".training"))
    target = find_item(db.session, current_user, form.item_id.data) if form.item_id.data \
        else None
    if form.item_id.data and target is None:
        abort(404)
    try:
        add_to_plan(db.session, current_user, item, item=target, topic=form.topic.data or "",
                    audience=form.audience.data or "")
    except RequestInvalid as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for(".training")), 303
    db.session.commit()
    flash("Added to the training plan.")
    return redirect(url_for(".training"))


@bp.route("/training/<int:item_id>", methods=["POST"])
def schedule_item(item_id: int):
    """Schedule a plan item or record its delivery."""
    begin_write(db.session)
    item = find_item(db.session, current_user, item_id)
    if item is None:
        abort(404)
    form = ScheduleForm()
    if not form.validate_on_submit():
        db.session.rollback()
        flash("Give dates as YYYY-MM-DD.")
        return redirect(url_for(".training"))
    try:
        schedule(db.session, current_user, item, scheduled_for=form.scheduled_for.data,
                 delivered_on=form.delivered_on.data)
    except RequestInvalid as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for(".training"))
    db.session.commit()
    flash("The training plan has been updated.")
    return redirect(url_for(".training"))


def _plan_form(request, lines) -> PlanForm:
    """The add-to-plan form for a request, offering its own service's items."""
    form = PlanForm(prefix=f"r{request.id}")
    form.item_id.choices = [SelectChoice("", "A new item")] + [
        SelectChoice(line.item.id, line.item.topic) for line in lines
        if line.item.service_id == request.service_id and line.item.vendor_id ==
        request.vendor_id]
    return form
