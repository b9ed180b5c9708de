"""Agreement between coders, and between the engine and people, from stored codings."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.domain.agreement import (
    ThemeAgreement,
    agreement_by_theme,
    overall_agreement,
    pairwise_kappa,
)
from portal.models import AgreementSnapshot, CodebookVersion, Coding
from portal.models.coding import MACHINE, RECONCILED

ENGINE = "engine"
PEOPLE = "people"


@dataclass(frozen=True)
class AgreementReport:
    """Agreement per theme and overall, plus every pair of coders' kappa."""

    coders: list[str]
    units: int
    kappa: float | None
    alpha: float | None
    themes: list[ThemeAgreement]
    pairs: dict[tuple[str, str], float | None]


def report(codings: dict[str, dict[int, set[str]]], themes: list[str]) -> AgreementReport:
    """Compute the report for coders' theme sets per unit."""
    shared = [u for u in {u for c in codings.values() for u in c}
              if sum(u in c for c in codings.values()) >= 2]
    kappa, alpha = overall_agreement(codings, themes)
    return AgreementReport(sorted(codings), len(shared), kappa, alpha,
                           agreement_by_theme(codings, themes), pairwise_kappa(codings, themes))


def engine_and_people(session: Session, version: CodebookVersion) -> dict[str, dict[int, set]]:
    """The engine's themes and people's final themes for every answer a person has coded.

    People's final word on an answer is its reconciled coding when there is one, otherwise
    the latest human coding.
    """
    rows = session.scalars(
        select(Coding).where(Coding.codebook_version_id == version.id, Coding.current.is_(True))
        .options(selectinload(Coding.tags)).order_by(Coding.id)).all()
    engine: dict[int, set[str]] = {}
    people: dict[int, tuple[int, set[str]]] = {}
    for coding in rows:
        themes = {t.theme for t in coding.tags}
        if coding.kind == MACHINE:
            engine[coding.answer_id] = themes
            continue
        rank = 2 if coding.kind == RECONCILED else 1
        if coding.answer_id not in people or rank >= people[coding.answer_id][0]:
            people[coding.answer_id] = (rank, themes)
    return {ENGINE: {a: engine[a] for a in people if a in engine},
            PEOPLE: {a: themes for a, (_, themes) in people.items() if a in engine}}


def take_snapshot(session: Session, version: CodebookVersion,
                  tagger_version: str) -> AgreementSnapshot:
    """Record how well the engine agrees with people now; caller commits."""
    found = report(engine_and_people(session, version), version.theme_ids)
    snapshot = AgreementSnapshot(
        codebook_id=version.codebook_id, tagger_version=tagger_version, units=found.units,
        kappa=found.kappa, alpha=found.alpha,
        per_theme={t.theme: {"kappa": t.kappa, "alpha": t.alpha, "units": t.units}
                   for t in found.themes})
    session.add(snapshot)
    session.flush()
    return snapshot


def history(session: Session, version: CodebookVersion) -> list[AgreementSnapshot]:
    """The engine's agreement with people over time, oldest first."""
    return list(session.scalars(select(AgreementSnapshot)
                                .where(AgreementSnapshot.codebook_id == version.codebook_id)
                                .order_by(AgreementSnapshot.measured_at, AgreementSnapshot.id)))
