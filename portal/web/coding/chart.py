"""A small line chart of the engine's kappa over time, as numbers the SVG template draws."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from portal.models import AgreementSnapshot

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 28


@dataclass(frozen=True)
class ChartPoint:
    """One snapshot's place on the chart and what a reader is told about it."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    """The plotted points, the polyline through them and the y-axis ticks."""

    width: int
    height: int
    points: list[ChartPoint]
    line: str
    ticks: list[tuple[float, str]]
    left: int = LEFT
    right: int = WIDTH - RIGHT


def kappa_chart(snapshots: Sequence[AgreementSnapshot]) -> Chart | None:
    """Lay out each snapshot's kappa, evenly spaced; None when no kappa is defined yet."""
    measured = [s for s in snapshots if s.kappa is not None]
    if not measured:
        return None
    # Kappa runs from -1 to 1; below zero only matters when it happens.
    low = min(0.0, math.floor(min(s.kappa for s in measured) * 2) / 2)
    span_x, span_y = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = span_x / (len(measured) - 1) if len(measured) > 1 else 0

    def y_of(value: float) -> float:
        return round(TOP + (1 - (value - low) / (1 - low)) * span_y, 1)

    points = [ChartPoint(round(LEFT + (i * step if step else span_x / 2), 1), y_of(s.kappa),
                         f"{s.measured_at:%d %b %Y}, {s.tagger_version}: kappa {s.kappa:.2f}")
              for i, s in enumerate(measured)]
    ticks = [(y_of(v), f"{v:.2f}") for v in _ticks(low)]
    return Chart(WIDTH, HEIGHT, points, " ".join(f"{p.x},{p.y}" for p in points), ticks)


def _ticks(low: float) -> list[float]:
    """Tick values from low to 1 in steps of a half (quarters when the range is short)."""
    step = 0.25 if low == 0 else 0.5
    count = round((1 - low) / step)
    return [round(low + i * step, 2) for i in range(count + 1)]
