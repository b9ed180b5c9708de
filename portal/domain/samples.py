"""Blind double-coding: draw a sample, let two coders code it apart, reconcile side by side."""

import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain.audit import record
from portal.domain.scoping import codable_condition
from portal.models import Codebook, CodebookVersion, Coding, CodingSample, Response, User
from portal.models.coding import HUMAN, MACHINE, RECONCILED

MAX_SAMPLE = 500


class SampleError(ValueError):
    """A sample that cannot be drawn; the message says why."""


@dataclass(frozen=True)
class SampleProgress:
    """How far each coder, and the reconciliation, have got."""

    size: int
    first_done: int
    second_done: int
    reconciled: int

    @property
    def ready_to_reconcile(self) -> bool:
        """Both coders have finished."""
        return self.first_done == self.size and self.second_done == self.size


def create_sample(session: Session, actor: User, version: CodebookVersion, *, name: str,
                  first: User, second: User, size: int, seed: int | None = None) -> CodingSample:
    """Draw answers at random from those both coders may code; caller commits."""
    if first.id == second.id:
        raise SampleError("Choose two different coders.")
    if not (first.can_code and second.can_code):
        raise SampleError("Both people must be coders.")
    if not 1 <= size <= MAX_SAMPLE:
        raise SampleError(f"A sample holds between 1 and {MAX_SAMPLE} answers.")
    if not name.strip():
        raise SampleError("Give the sample a name.")
    taken = {a for (ids,) in session.execute(select(CodingSample.answer_ids).where(
        CodingSample.codebook_id == version.codebook_id)) for a in ids}
    candidates = session.scalars(
        select(Coding.answer_id).join(Response, Response.id == Coding.response_id)
        .where(Coding.codebook_version_id == version.id, Coding.kind == MACHINE,
               Coding.current.is_(True), codable_condition(actor), codable_condition(first),
               codable_condition(second))
        .order_by(Coding.answer_id)).all()
    candidates = [a for a in candidates if a not in taken]
    if not candidates:
        raise SampleError("There are no coded answers left that both coders may see.")
    chosen = sorted(random.Random(seed).sample(candidates, min(size, len(candidates))))
    sample = CodingSample(codebook_id=version.codebook_id, name=name.strip()[:120],
                          first_coder_id=first.id, second_coder_id=second.id,
                          created_by_id=actor.id, answer_ids=chosen)
    session.add(sample)
    session.flush()
    record(session, actor, "sample.create", "sample", sample.id,
           after={"coders": [first.id, second.id], "size": len(chosen),
                  "codebook_version": version.number})
    return sample


def visible_samples(session: Session, user: User, codebook: Codebook) -> list[CodingSample]:
    """Samples the user codes in, or (for leads) every sample of the codebook."""
    query = select(CodingSample).where(CodingSample.codebook_id == codebook.id)
    if not user.sees_every_service:
        query = query.where((CodingSample.first_coder_id == user.id)
                            | (CodingSample.second_coder_id == user.id))
    return list(session.scalars(query.order_by(CodingSample.created_at.desc())))


def find_sample(session: Session, user: User, sample_id: int) -> CodingSample | None:
    """A sample the user may open (its coders and leads), else None."""
    sample = session.get(CodingSample, sample_id)
    if sample is None or not user.can_code:
        return None
    if user.sees_every_service or user.id in sample.coders():
        return sample
    return None


def progress(session: Session, sample: CodingSample) -> SampleProgress:
    """Count the sample's answers each coder has coded, and those reconciled."""
    rows = session.execute(
        select(Coding.kind, Coding.coder_id, func.count(func.distinct(Coding.answer_id)))
        .where(Coding.sample_id == sample.id, Coding.current.is_(True))
        .group_by(Coding.kind, Coding.coder_id)).all()
    counts = {(kind, coder): n for kind, coder, n in rows}
    return SampleProgress(len(sample.answer_ids), counts.get((HUMAN, sample.first_coder_id), 0),
                          counts.get((HUMAN, sample.second_coder_id), 0),
                          sum(n for (kind, _), n in counts.items() if kind == RECONCILED))


def next_blind(session: Session, user: User, sample: CodingSample) -> int | None:
    """The next answer in the sample that this coder has not coded yet."""
    done = set(session.scalars(select(Coding.answer_id).where(
        Coding.sample_id == sample.id, Coding.coder_id == user.id, Coding.kind == HUMAN,
        Coding.current.is_(True))))
    return next((a for a in sample.answer_ids if a not in done), None)


def sample_codings(session: Session, sample: CodingSample) -> dict[str, dict[int, set[str]]]:
    """Each coder's themes per answer; the engine is one more coder ("engine")."""
    coders: dict[str, dict[int, set[str]]] = {}
    rows = session.scalars(select(Coding).where(
        Coding.answer_id.in_(sample.answer_ids), Coding.current.is_(True),
        (Coding.sample_id == sample.id)
        | ((Coding.kind == MACHINE) & Coding.codebook_version_id.in_(
            select(CodebookVersion.id).where(
                CodebookVersion.codebook_id == sample.codebook_id))))).all()
    for coding in rows:
        if coding.kind == RECONCILED:
            continue
        name = "engine" if coding.kind == MACHINE else f"user:{coding.coder_id}"
        coders.setdefault(name, {})[coding.answer_id] = {t.theme for t in coding.tags}
    return coders
