"""Codebooks, their versions, and the codings (machine or human) of text answers."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.clock import utcnow
from portal.models.responses import Answer
from portal.models.users import User

POLARITIES = ("barrier", "facilitator", "neutral")
MACHINE, HUMAN, RECONCILED = "machine", "human", "reconciled"


class Codebook(db.Model):
    """A thematic codebook, identified by its stable key (icbt-implementation, ...)."""

    __tablename__ = "codebooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    versions: Mapped[list["CodebookVersion"]] = relationship(
        back_populates="codebook", order_by="CodebookVersion.number"
    )


class CodebookVersion(db.Model):
    """One frozen definition of a codebook; every coding names the version it was made against."""

    __tablename__ = "codebook_versions"
    __table_args__ = (UniqueConstraint("codebook_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    codebook_id: Mapped[int] = mapped_column(ForeignKey("codebooks.id"), index=True)
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    codebook: Mapped[Codebook] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    @property
    def theme_ids(self) -> list[str]:
        """The taggable theme ids, in codebook order."""
        return [theme["id"] for theme in self.definition["themes"]]

    @property
    def has_polarity(self) -> bool:
        """True when every coded mention also carries barrier, facilitator or neutral."""
        return bool(self.definition.get("polarity"))


class Coding(db.Model):
    """One coder's (or the tagger's) coding of one text answer against one codebook.

    ``codebook_version_id`` is the version the coding now belongs to; it moves when a merge or
    split carries tags into a new version. ``made_against_version_id`` never moves.
    """

    __tablename__ = "codings"
    __table_args__ = (
        Index("ix_codings_answer_version", "answer_id", "codebook_version_id"),
        Index("ix_codings_queue", "codebook_version_id", "kind", "uncertainty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"),
                                             index=True)
    codebook_version_id: Mapped[int] = mapped_column(ForeignKey("codebook_versions.id"))
    made_against_version_id: Mapped[int] = mapped_column(ForeignKey("codebook_versions.id"))
    kind: Mapped[str] = mapped_column(String(16))  # machine, human or reconciled
    # Machine codings name their engine; human ones their coder.
    tagger: Mapped[str | None] = mapped_column(String(64))
    tagger_version: Mapped[str | None] = mapped_column(String(64))
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Within a blind double-coding sample the coder saw neither the machine nor the other coder.
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("coding_samples.id"), index=True)
    # 0 = the engine is sure, 1 = a coin toss; the review queue starts at the top.
    uncertainty: Mapped[float | None] = mapped_column(Float)
    # A superseded coding is kept for the audit trail and agreement, never shown as current.
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    answer: Mapped[Answer] = relationship()
    codebook_version: Mapped[CodebookVersion] = relationship(foreign_keys=[codebook_version_id])
    coder: Mapped[User | None] = relationship()
    tags: Mapped[list["Tag"]] = relationship(back_populates="coding", cascade="all, delete-orphan",
                                             order_by="Tag.id")

    @property
    def is_machine(self) -> bool:
        """True for the auto-tagger's codings."""
        return self.kind == MACHINE

    @property
    def made_by(self) -> str:
        """Who made it, as shown beside every tag."""
        if self.kind == MACHINE:
            return f"{self.tagger} {self.tagger_version}"
        return self.coder.name if self.coder else "a former coder"


class Tag(db.Model):
    """One theme applied to a passage of a text answer."""

    __tablename__ = "tags"
    __table_args__ = (Index("ix_tags_theme", "theme", "polarity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"),
                                           index=True)
    theme: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    polarity: Mapped[str | None] = mapped_column(String(16))
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    # Set when a merge or split carried this tag from another theme.
    carried_from: Mapped[str | None] = mapped_column(String(64))
    coding: Mapped[Coding] = relationship(back_populates="tags")


class CodingSample(db.Model):
    """A sample of answers that two coders code blind, then reconcile side by side."""

    __tablename__ = "coding_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    codebook_id: Mapped[int] = mapped_column(ForeignKey("codebooks.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    first_coder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    second_coder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer_ids: Mapped[list] = mapped_column(JSON)

    codebook: Mapped[Codebook] = relationship()
    first_coder: Mapped[User] = relationship(foreign_keys=[first_coder_id])
    second_coder: Mapped[User] = relationship(foreign_keys=[second_coder_id])

    def coders(self) -> tuple[int, int]:
        """The two coders' user ids."""
        return self.first_coder_id, self.second_coder_id


class TaggerState(db.Model):
    """Per-theme classifiers retrained from reviewers' decisions, one row per revision."""

    __tablename__ = "tagger_states"
    __table_args__ = (UniqueConstraint("codebook_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    codebook_id: Mapped[int] = mapped_column(ForeignKey("codebooks.id"))
    codebook_version_id: Mapped[int] = mapped_column(ForeignKey("codebook_versions.id"))
    revision: Mapped[int]
    state: Mapped[dict] = mapped_column(JSON)
    corrections: Mapped[int]
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgreementSnapshot(db.Model):
    """The engine's agreement with people at one moment, so its progress can be charted."""

    __tablename__ = "agreement_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    codebook_id: Mapped[int] = mapped_column(ForeignKey("codebooks.id"), index=True)
    measured_at: Mapped[datetime] = mapped_column(default=utcnow)
    tagger_version: Mapped[str] = mapped_column(String(64))
    units: Mapped[int]
    kappa: Mapped[float | None] = mapped_column(Float)
    alpha: Mapped[float | None] = mapped_column(Float)
    per_theme: Mapped[dict] = mapped_column(JSON)
