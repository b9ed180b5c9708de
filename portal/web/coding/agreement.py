"""How well the engine agrees with people, over time; leads can retrain it from their work."""

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import jobs
from portal.domain.codebooks import labels
from portal.domain.coding_agreement import ENGINE, PEOPLE, engine_and_people, history, report
from portal.extensions import db
from portal.web.coding.blueprint import bp, current_or_404, require_lead
from portal.web.coding.chart import kappa_chart


@bp.route("/<key>/agreement")
def agreement(key: str):
    """Kappa and alpha per theme and overall, the history chart, and the retrain button."""
    version = current_or_404(key)
    found = report(engine_and_people(db.session, version), version.theme_ids)
    snapshots = history(db.session, version)
    return render_template("coding/agreement.html", version=version, report=found,
                           names=labels(version.definition), snapshots=snapshots,
                           chart=kappa_chart(snapshots), engine=ENGINE, people=PEOPLE,
                           retrain_form=FlaskForm())


@bp.route("/<key>/retrain", methods=["POST"])
def retrain(key: str):
    """Start retraining the engine from reviewers' decisions, then follow the job."""
    require_lead()
    current_or_404(key)
    if not FlaskForm().validate_on_submit():
        abort(400)
    job = jobs.enqueue("retrain", {"codebook": key}, actor=current_user)
    return redirect(url_for("codebooks.job", job_id=job.id))
