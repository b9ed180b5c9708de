"""Readiness figures: every estimate drawn with its 95% interval, services in name order.

Services are never ranked by score: they stand side by side, alphabetically, each with its
uncertainty, so an overlap is visible and a league table cannot be read off the chart.
Service names pass through plain() and reach hover text only as data, never as a template.
"""

import pandas as pd
import plotly.graph_objects as go

from dashboards.exports import fewer_than
from dashboards.figures.common import empty_figure, plain, styled

CONSTRUCT_LABELS = {
    "change_commitment": "Change commitment", "change_efficacy": "Change efficacy",
    "overall": "Overall", "coherence": "Coherence",
    "cognitive_participation": "Cognitive participation",
    "collective_action": "Collective action", "reflexive_monitoring": "Reflexive monitoring",
    "general": "General (0–10)"}
CONSTRUCT_COLOURS = ["#1d5fa8", "#c26a00", "#444444", "#1e8a5a", "#7a4fa3", "#b2432f"]


def _errors(frame: pd.DataFrame, value: str, low: str, high: str) -> dict:
    """error_y arrays for asymmetric intervals (missing ends draw no bar)."""
    return {"type": "data", "symmetric": False,
            "array": (frame[high] - frame[value]).astype(float).tolist(),
            "arrayminus": (frame[value] - frame[low]).astype(float).tolist(),
            "thickness": 1.5, "width": 6}


def _n_text(frame: pd.DataFrame, value: str, k: int) -> list[str]:
    """n per point; a suppressed point says so."""
    return [f"n={int(n)}" if pd.notna(v) else fewer_than(k)
            for v, n in zip(frame[value], frame["n"].fillna(0), strict=True)]


def construct_estimates(frame: pd.DataFrame, k: int, title: str,
                        scale: tuple[float, float]) -> go.Figure:
    """Per service and construct: the mean with its 95% CI as error bars, n written beside."""
    if frame.empty:
        return empty_figure("No answers in this view")
    figure = go.Figure()
    frame = frame.sort_values("service")
    for i, (construct, part) in enumerate(frame.groupby("construct", sort=False)):
        figure.add_scatter(
            x=part["service"].map(plain), y=part["mean"].astype(float), mode="markers+text",
            name=CONSTRUCT_LABELS.get(construct, construct),
            marker={"size": 10, "color": CONSTRUCT_COLOURS[i % len(CONSTRUCT_COLOURS)]},
            error_y=_errors(part, "mean", "ci_low", "ci_high"),
            text=_n_text(part, "mean", k), textposition="middle right",
            customdata=part[["ci_low", "ci_high"]].astype(float).to_numpy(),
            hovertemplate=("%{x}: %{y:.2f} (95% CI %{customdata[0]:.2f}–%{customdata[1]:.2f}),"
                           " %{text}<extra>%{fullData.name}</extra>"))
    return styled(figure, title, scattermode="group",
                  yaxis={"title": "Mean score", "range": list(scale)})


def valence_bars(frame: pd.DataFrame, k: int) -> go.Figure:
    """CFIR valence per domain (−2 strong barrier … +2 strong facilitator) with n mentions."""
    if frame.empty:
        return empty_figure("No coded text in this view")
    figure = go.Figure()
    intervals = {"valence_low", "valence_high"} <= set(frame.columns)
    palette = ("#1d5fa8", "#7a4fa3", "#2a7f62", "#b5651d", "#5d6d7e", "#a83262")
    for number, (service, part) in enumerate(
            frame.sort_values(["service", "cfir_domain"]).groupby("service")):
        values = part["valence"].astype(float)
        figure.add_bar(
            x=part["cfir_domain"], y=values.fillna(0), name=plain(service),
            error_y=_errors(part, "valence", "valence_low", "valence_high") if intervals
            else None,
            text=[f"n={int(n)}" if pd.notna(v) else fewer_than(k)
                  for v, n in zip(values, part["mentions"].fillna(0), strict=True)],
            textposition="outside",
            # One colour per service, matching the legend; below zero is a barrier.
            marker_color=palette[number % len(palette)],
            marker_line={"color": "#222", "width": 1},
            hovertemplate="%{x}: valence %{y:.2f}, %{text}<extra>%{fullData.name}</extra>")
    return styled(figure, "CFIR valence per domain (−2 strong barrier to +2 strong facilitator)",
                  barmode="group", yaxis={"title": "Valence", "range": [-2.2, 2.2]})


def index_intervals(frame: pd.DataFrame, k: int) -> go.Figure:
    """Each service's readiness index (0–100) with its interval, in name order."""
    if frame.empty:
        return empty_figure("No readiness data in this view")
    frame = frame.sort_values("service")
    values = frame["index"].astype(float)
    hidden = frame["hidden"].fillna("") if "hidden" in frame else [""] * len(frame)
    text = [f"{v:.0f}" if pd.notna(v) else (f"{why}: {fewer_than(k)}" if why else "no data")
            for v, why in zip(values, hidden, strict=True)]
    figure = go.Figure(go.Scatter(
        x=values, y=frame["service"].map(plain), mode="markers+text", text=text,
        textposition="top center", marker={"size": 12, "color": "#1d5fa8"},
        error_x=_errors(frame, "index", "index_low", "index_high"),
        customdata=frame[["index_low", "index_high"]].astype(float).to_numpy(),
        hovertemplate="%{y}: %{x:.0f} (interval %{customdata[0]:.0f}–%{customdata[1]:.0f})"
                      "<extra></extra>"))
    return styled(figure, "Readiness index with its 95% interval",
                  xaxis={"title": "Readiness index (0–100)", "range": [0, 100]},
                  yaxis={"autorange": "reversed"}, height=max(260, 60 * len(frame) + 120))


def wave_lines(frame: pd.DataFrame, k: int) -> go.Figure:
    """The readiness index per wave and service, with intervals where known."""
    if frame.empty:
        return empty_figure("Not enough waves yet")
    figure = go.Figure()
    has_interval = {"index_low", "index_high"} <= set(frame.columns)
    n_column = "oric_n" if "oric_n" in frame.columns else "n"
    for service, part in frame.sort_values(["service", "wave"]).groupby("service"):
        values = part["index"].astype(float)
        figure.add_scatter(
            x=part["wave"].astype(str), y=values, mode="lines+markers", name=plain(service),
            error_y=_errors(part, "index", "index_low", "index_high") if has_interval else None,
            text=[f"n={int(n)}" if pd.notna(v) else "no index (no data, or fewer than k)"
                  for v, n in zip(values, part[n_column].fillna(0), strict=True)],
            hovertemplate="%{x}: %{y:.0f}, %{text}<extra>%{fullData.name}</extra>")
    return styled(figure, "Readiness index per wave",
                  xaxis={"title": "Wave", "type": "category"},
                  yaxis={"title": "Readiness index (0–100)", "range": [0, 100]})
