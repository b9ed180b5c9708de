"""Reviewing the engine: one answer with its proposal, the coding form and the history."""

from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.domain.codebooks import labels
from portal.domain.review import codable_answer, codings_of, machine_coding, queue
from portal.extensions import db
from portal.models import Answer, CodebookVersion, Coding, CodingSample
from portal.models.coding import HUMAN
from portal.web.coding.blueprint import bp, coding_version
from portal.web.coding.choices import from_coding
from portal.web.coding.forms import CodingForm
from portal.web.coding.history import coding_history
from portal.web.coding.page import CodingPage, render, save


@bp.route("/<key>/answers/<int:answer_id>", methods=["GET", "POST"])
def answer(key: str, answer_id: int):
    """Show the engine's proposal pre-ticked; saving records accept, reject, add, re-pole."""
    form = CodingForm()
    version = coding_version(key, form)
    found = coded_answer_or_404(answer_id, version)
    sample = _blind_sample(found, version)
    if sample is not None:
        # Its coders must not see the engine's proposal before they have coded it themselves.
        return redirect(url_for(".blind", sample_id=sample.id, answer_id=found.id))
    codings = codings_of(db.session, found, version)
    engine = machine_coding(codings)
    mine = next((c for c in reversed(codings) if c.coder_id == current_user.id
                 and c.kind == HUMAN), None)
    page = CodingPage("review", found, version, from_coding(mine or engine), proposal=engine,
                      others=[c for c in codings if not c.is_machine],
                      history=coding_history(db.session, found, version.codebook,
                                             labels(version.definition)),
                      back=(url_for(".review_queue", key=key), "Back to the queue"))
    if request.method == "POST":
        return save(page, form, lambda: _next(key, version),
                    message="Saved. Here is the next answer in your queue.")
    return render(page, form)


def coded_answer_or_404(answer_id: int, version: CodebookVersion) -> Answer:
    """An answer the user may code that this codebook version covers; else 404.

    The scope is in codable_answer's query, so an answer outside it looks like no answer.
    """
    found = codable_answer(db.session, current_user, answer_id)
    if found is None or found.response.stakeholder_group not in version.definition["groups"]:
        abort(404)
    covered = db.session.scalar(select(Coding.id).where(
        Coding.answer_id == found.id, Coding.codebook_version_id == version.id,
        Coding.current.is_(True)).limit(1))
    if covered is None:
        abort(404)
    return found


def _blind_sample(answer: Answer, version: CodebookVersion) -> CodingSample | None:
    """A sample of this codebook holding the answer that the user codes blind, if any."""
    samples = db.session.scalars(select(CodingSample).where(
        CodingSample.codebook_id == version.codebook_id,
        (CodingSample.first_coder_id == current_user.id)
        | (CodingSample.second_coder_id == current_user.id)))
    return next((s for s in samples if answer.id in s.answer_ids), None)


def _next(key: str, version: CodebookVersion) -> str:
    """The next answer in the user's queue, or the queue itself when it is empty."""
    waiting = queue(db.session, current_user, version, limit=1)
    if not waiting:
        return url_for(".review_queue", key=key, done=1)
    return url_for(".answer", key=key, answer_id=waiting[0].answer_id)

