"""The coding page shared by review, blind coding and reconciliation: render it, save it."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from portal.database import begin_write
from portal.domain.codebooks import labels
from portal.domain.instruments import items
from portal.domain.review import ReviewError, save_coding
from portal.extensions import db
from portal.models import Answer, CodebookVersion, Coding, CodingSample
from portal.models.coding import HUMAN, POLARITIES
from portal.models.instruments import GROUP_LABELS
from portal.web.coding.choices import Choices, from_form, machine_spans, problems, to_tags
from portal.web.coding.display import segments, theme_groups
from portal.web.coding.forms import CodingForm
from portal.web.coding.history import HistoryEntry
from portal.web.errors import busy_page, forget_session

BUSY = "The portal is busy and could not save your coding yet; please save again."


@dataclass
class CodingPage:
    """Everything the coding template shows for one answer in one mode.

    mode is "review" (the engine's proposal is shown and pre-ticked), "blind" (nothing of
    the engine's or the other coder's) or "reconcile" (both coders and the engine side by side).
    """

    mode: str
    answer: Answer
    version: CodebookVersion
    choices: Choices
    proposal: Coding | None = None
    others: Sequence[Coding] = ()
    history: Sequence[HistoryEntry] = ()
    sample: CodingSample | None = None
    back: tuple[str, str] = ("", "")
    errors: list[tuple[str, str]] = field(default_factory=list)

    def context(self) -> dict:
        """The template's variables."""
        names = labels(self.version.definition)
        evidence = self.proposal.tags if self.proposal and self.mode != "blind" else []
        chosen_by: dict[str, list[str]] = {}
        if self.mode == "reconcile":
            for coding in self.others:
                for tag in coding.tags:
                    chosen_by.setdefault(tag.theme, []).append(coding.made_by)
        return {"page": self, "names": names, "groups": theme_groups(self.version.definition),
                "segments": segments(self.answer.value_text or "", evidence, names),
                "scores": {t.theme: t.score for t in evidence},
                "question": question(self.answer),
                "group": GROUP_LABELS.get(self.answer.response.stakeholder_group, ""),
                "polarities": POLARITIES, "chosen_by": chosen_by,
                "summary": [message for anchor, message in self.errors if not anchor],
                "links": [(anchor, message) for anchor, message in self.errors if anchor],
                "error_for": {anchor.removeprefix("polarity-").rsplit("-", 1)[0]: message
                              for anchor, message in self.errors if anchor}}


def question(answer: Answer) -> str:
    """The prompt of the item this answer replies to ('' when the instrument lacks it)."""
    definition = answer.response.instrument_version.definition
    return next((i["prompt"] for i in items(definition) if i["id"] == answer.item_id), "")


def render(page: CodingPage, form: CodingForm, status: int = 200) -> tuple[str, int]:
    """Render the coding page."""
    form.version.data = str(page.version.number)
    return render_template("coding/answer.html", form=form, **page.context()), status


def save(page: CodingPage, form: CodingForm, next_url: Callable[[], str], *,
         kind: str = HUMAN, message: str = "Saved.") -> ResponseReturnValue:
    """Store the submitted coding and go to next_url(); on a problem, 400 with choices kept."""
    page.choices = from_form(request.form)
    page.errors = problems(page.choices, page.version)
    if page.errors:
        return render(page, form, 400)
    spans = machine_spans(page.proposal) if page.mode == "review" else {}
    try:
        begin_write(db.session)
        save_coding(db.session, current_user, page.answer, page.version,
                    to_tags(page.choices, page.version, spans), sample=page.sample, kind=kind)
        db.session.commit()
    except OperationalError:
        forget_session()
        flash(BUSY)
        return busy_page(render(page, form)[0])
    except (ReviewError, PermissionError) as error:
        forget_session()  # nothing of the refused coding may stay in the session
        page.errors = [("", str(error))]
        return render(page, form, 400)
    flash(message)
    return redirect(next_url())

