"""Dashboard rollups: counts kept per cell as responses and codings arrive.

A cell is a codebook version (for themes), a service, a stakeholder group, a programme and a
month: every response falls in exactly one cell, so a cell's respondent counts add up across
cells, and a dashboard sums a few thousand rows instead of counting millions of tags.
portal.domain.rollups is the only writer.
"""

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

NO_PROGRAMME = ""  # a primary key column cannot be NULL


class ThemeRollup(db.Model):
    """Mentions and respondents of one key (a theme and polarity, a pair of themes, a node,
    a CFIR domain or construct) in one cell of one codebook version."""

    __tablename__ = "theme_rollups"
    __table_args__ = (Index("ix_theme_rollups_service", "service_id"),)

    codebook_version_id: Mapped[int] = mapped_column(
        ForeignKey("codebook_versions.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    a: Mapped[str] = mapped_column(String(120), primary_key=True)
    b: Mapped[str] = mapped_column(String(120), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            primary_key=True)
    stakeholder_group: Mapped[str] = mapped_column(String(20), primary_key=True)
    programme: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    mentions: Mapped[int] = mapped_column(Integer)
    respondents: Mapped[int] = mapped_column(Integer)


class ScoreRollup(db.Model):
    """Respondent-level questionnaire scores of one construct in one cell: n, sum, sum of
    squares, from which a mean, sd and interval follow."""

    __tablename__ = "score_rollups"
    __table_args__ = (Index("ix_score_rollups_service", "service_id"),)

    construct: Mapped[str] = mapped_column(String(64), primary_key=True)  # block:construct
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"),
                                            primary_key=True)
    stakeholder_group: Mapped[str] = mapped_column(String(20), primary_key=True)
    programme: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    total_sq: Mapped[float] = mapped_column(Float)
