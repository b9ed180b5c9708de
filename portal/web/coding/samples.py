"""Blind double-coding: draw a sample, code it blind, reconcile, and measure agreement."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from wtforms.fields.choices import SelectChoice

from portal.database import begin_write
from portal.domain.codebooks import current_version, labels
from portal.domain.coding_agreement import ENGINE, report
from portal.domain.review import codings_of, machine_coding
from portal.domain.samples import (
    SampleError,
    create_sample,
    find_sample,
    next_blind,
    progress,
    sample_codings,
)
from portal.extensions import db
from portal.models import Answer, CodebookVersion, Coding, CodingSample, Role, User
from portal.models.coding import HUMAN, RECONCILED
from portal.web.coding.blueprint import bp, coding_version, current_or_404, require_lead
from portal.web.coding.choices import Choices, agreed, from_coding
from portal.web.coding.display import excerpt
from portal.web.coding.forms import CodingForm, SampleForm
from portal.web.coding.page import CodingPage, render, save
from portal.web.coding.review import coded_answer_or_404
from portal.web.errors import busy_page, forget_session
from portal.web.guards import form_refuses_nul

BUSY = "The portal is busy and could not draw the sample yet; please send the form again."


@bp.route("/<key>/samples/new", methods=["GET", "POST"])
@form_refuses_nul
def new_sample(key: str):
    """Leads draw a sample for two coders to code blind."""
    require_lead()
    version = current_or_404(key)
    coders = db.session.scalars(select(User).where(
        User.active.is_(True), User.role != Role.VENDOR,
        User.role.in_([Role.ADMIN, Role.LEAD]) | (User.is_coder.is_(True)
                                                    & User.service_id.is_not(None)))
        .order_by(User.name)).all()
    form = SampleForm()
    choices = [SelectChoice(u.id, f"{u.name} ({u.service.name if u.service else 'all services'})")
               for u in coders]
    form.first_coder.choices = form.second_coder.choices = choices
    problem = ""
    if form.validate_on_submit():
        people = {u.id: u for u in coders}
        try:
            begin_write(db.session)
            sample = create_sample(db.session, current_user, version, name=form.name.data,
                                   first=people[form.first_coder.data],
                                   second=people[form.second_coder.data], size=form.size.data)
            sample_id = sample.id
            db.session.commit()
        except OperationalError:
            forget_session()
            flash(BUSY)
            return busy_page(render_template("coding/new_sample.html", form=form,
                                             version=version))
        except SampleError as error:
            forget_session()
            problem = str(error)
        else:
            flash("The sample is drawn. Each coder codes it without seeing the other or "
                  "the engine.")
            return redirect(url_for(".sample", sample_id=sample_id))
    failed = bool(form.errors or problem)
    return render_template("coding/new_sample.html", form=form, version=version,
                           problem=problem), 400 if failed else 200


@bp.route("/samples/<int:sample_id>")
def sample(sample_id: int):
    """Progress, the next answer to code, reconciliation, and agreement once both are done."""
    found = _sample_or_404(sample_id)
    version = _version_of(found)
    done = progress(db.session, found)
    upcoming = next_blind(db.session, current_user, found) \
        if current_user.id in found.coders() else None
    rows, agreement, coder_names = [], None, {}
    if done.ready_to_reconcile:
        # Only now: earlier, counts of the other coder's themes could prime a coder.
        agreement = report(sample_codings(db.session, found), version.theme_ids)
        coder_names = {ENGINE: "Engine", f"user:{found.first_coder_id}": found.first_coder.name,
                       f"user:{found.second_coder_id}": found.second_coder.name}
        rows = _reconciliation_rows(found)
    return render_template("coding/sample.html", sample=found, version=version, progress=done,
                           upcoming=upcoming, rows=rows, agreement=agreement,
                           coder_names=coder_names, names=labels(version.definition))


@bp.route("/samples/<int:sample_id>/answers/<int:answer_id>", methods=["GET", "POST"])
def blind(sample_id: int, answer_id: int):
    """Code one answer of the sample without the engine's proposal or the other coder's."""
    found = _sample_or_404(sample_id)
    if current_user.id not in found.coders():
        abort(403)
    form = CodingForm()
    version = coding_version(found.codebook.key, form)
    answer = _sample_answer_or_404(found, answer_id, version)
    own = db.session.scalar(select(Coding).where(
        Coding.sample_id == found.id, Coding.answer_id == answer.id, Coding.kind == HUMAN,
        Coding.coder_id == current_user.id, Coding.current.is_(True)))
    page = CodingPage("blind", answer, version, from_coding(own) if own else Choices(),
                      sample=found, back=(url_for(".sample", sample_id=found.id),
                                          f"Back to {found.name}"))
    if request.method == "POST":
        return save(page, form, lambda: _next_blind(found), message="Saved.")
    return render(page, form)


@bp.route("/samples/<int:sample_id>/reconcile/<int:answer_id>", methods=["GET", "POST"])
def reconcile(sample_id: int, answer_id: int):
    """Both coders and the engine side by side; the agreed coding is stored as reconciled."""
    found = _sample_or_404(sample_id)
    form = CodingForm()
    version = coding_version(found.codebook.key, form)
    answer = _sample_answer_or_404(found, answer_id, version)
    codings = codings_of(db.session, answer, version)
    first, second = (next((c for c in codings if c.sample_id == found.id and c.kind == HUMAN
                           and c.coder_id == coder), None) for coder in found.coders())
    if first is None or second is None:
        flash("Both coders must code this answer before it can be reconciled.")
        return redirect(url_for(".sample", sample_id=found.id))
    settled = next((c for c in codings if c.kind == RECONCILED), None)
    page = CodingPage("reconcile", answer, version,
                      from_coding(settled) if settled else agreed(first, second),
                      proposal=machine_coding(codings), others=[first, second], sample=found,
                      back=(url_for(".sample", sample_id=found.id), f"Back to {found.name}"))
    if request.method == "POST":
        return save(page, form, lambda: url_for(".sample", sample_id=found.id),
                    kind=RECONCILED, message="Reconciled.")
    return render(page, form)


def _sample_or_404(sample_id: int) -> CodingSample:
    """A sample the user may open (its coders, leads); anyone else gets 404."""
    found = find_sample(db.session, current_user, sample_id)
    if found is None:
        abort(404)
    return found


def _version_of(found: CodingSample) -> CodebookVersion:
    """The current version of the sample's codebook."""
    version = current_version(db.session, found.codebook.key)
    if version is None:
        abort(404)
    return version


def _sample_answer_or_404(found: CodingSample, answer_id: int,
                          version: CodebookVersion) -> Answer:
    """An answer of this sample, within the user's scope."""
    if answer_id not in found.answer_ids:
        abort(404)
    return coded_answer_or_404(answer_id, version)


def _next_blind(found: CodingSample) -> str:
    """The coder's next answer in the sample, or the sample's page when they are done."""
    upcoming = next_blind(db.session, current_user, found)
    if upcoming is None:
        return url_for(".sample", sample_id=found.id)
    return url_for(".blind", sample_id=found.id, answer_id=upcoming)


def _reconciliation_rows(found: CodingSample) -> list[tuple[int, str, bool]]:
    """(answer id, excerpt, reconciled?) for every answer in the sample."""
    texts = dict(db.session.execute(select(Answer.id, Answer.value_text)
                                    .where(Answer.id.in_(found.answer_ids))).all())
    settled = set(db.session.scalars(select(Coding.answer_id).where(
        Coding.sample_id == found.id, Coding.kind == RECONCILED, Coding.current.is_(True))))
    return [(a, excerpt(texts.get(a) or "", 80), a in settled) for a in found.answer_ids]
