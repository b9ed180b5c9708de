"""Learning from people: turn reviewers' codings into corrections and retrain the engine."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.domain.coding_agreement import take_snapshot
from portal.domain.tagging import tagger_for
from portal.models import AgreementSnapshot, CodebookVersion, Coding, TaggerState
from portal.models.coding import MACHINE, RECONCILED
from portal.tagging.engine import Correction, Tagger


def corrections(session: Session, version: CodebookVersion) -> list[Correction]:
    """What people said about each answer they coded: themes that apply and ones that do not.

    A theme a person applied is a positive example (its passage when they marked one); a
    theme the engine proposed and the person left out is a negative one.
    """
    rows = session.scalars(
        select(Coding).where(Coding.codebook_version_id == version.id, Coding.current.is_(True))
        .options(selectinload(Coding.tags), selectinload(Coding.answer)).order_by(Coding.id)).all()
    machine: dict[int, set[str]] = {}
    final: dict[int, Coding] = {}
    for coding in rows:
        if coding.kind == MACHINE:
            machine[coding.answer_id] = {t.theme for t in coding.tags}
        elif coding.answer_id not in final or coding.kind == RECONCILED:
            final[coding.answer_id] = coding
    found = []
    for answer_id, coding in final.items():
        text = coding.answer.value_text or ""
        given = set()
        for tag in coding.tags:
            given.add(tag.theme)
            passage = text[tag.span_start:tag.span_end] if tag.span_start is not None \
                and tag.span_end else text
            found.append(Correction(passage or text, tag.theme, True))
        found.extend(Correction(text, theme, False)
                     for theme in sorted(machine.get(answer_id, set()) - given))
    return found


def retrain(session: Session, version: CodebookVersion) -> TaggerState | None:
    """Train the per-theme classifiers on people's corrections and store them; caller commits.

    Before the new engine takes over, the current engine's agreement with people is recorded,
    so the history shows each revision's agreement on the codings it made.
    """
    found = corrections(session, version)
    if not found:
        return None
    current = tagger_for(session, version)
    take_snapshot(session, version, current.version)
    revision = (session.scalar(select(func.max(TaggerState.revision))
                               .where(TaggerState.codebook_id == version.codebook_id)) or 0) + 1
    tagger = Tagger.for_definition(version.definition, found, revision=revision)
    state = TaggerState(codebook_id=version.codebook_id, codebook_version_id=version.id,
                        revision=revision, state=tagger.to_state(), corrections=len(found))
    session.add(state)
    session.flush()
    return state


def last_snapshot(session: Session, version: CodebookVersion) -> AgreementSnapshot | None:
    """The most recent agreement measurement for the codebook."""
    return session.scalar(select(AgreementSnapshot)
                          .where(AgreementSnapshot.codebook_id == version.codebook_id)
                          .order_by(AgreementSnapshot.id.desc()).limit(1))
