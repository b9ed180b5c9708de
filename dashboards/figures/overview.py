"""Overview figures: activity and invitation uptake."""

import pandas as pd
import plotly.graph_objects as go

from dashboards.figures.common import GROUP_COLOURS, count_text, empty_figure, plain, styled
from portal.models.instruments import GROUP_LABELS, STAKEHOLDER_GROUPS


def responses_over_time(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars of responses per month, one colour per stakeholder group."""
    if frame.empty:
        return empty_figure("No responses yet")
    figure = go.Figure()
    for group in STAKEHOLDER_GROUPS:
        part = frame[frame["group"] == group]
        if part.empty:
            continue
        figure.add_bar(x=part["month"], y=part["responses"], name=GROUP_LABELS[group],
                       marker_color=GROUP_COLOURS[group])
    return styled(figure, "Responses per month", barmode="stack", yaxis_title="Responses",
                  xaxis_title="Month")


def responses_bars(frame: pd.DataFrame, title: str, axis: str, k: int = 10) -> go.Figure:
    """One bar per key (service, group, instrument or month); hidden bars read "fewer than k"."""
    if frame.empty:
        return empty_figure("No responses in this view")
    labels = [plain(GROUP_LABELS.get(label, label)) if isinstance(label, str) else str(label)
              for label in frame["label"]]
    figure = go.Figure(go.Bar(x=labels, y=frame["responses"].fillna(0),
                              text=[count_text(v, k) for v in frame["responses"]],
                              textposition="auto", marker_color="#1d5fa8",
                              hovertemplate="%{x}: %{y} responses<extra></extra>"))
    return styled(figure, title, yaxis_title="Responses", xaxis_title=axis)


def uptake_bars(frame: pd.DataFrame) -> go.Figure:
    """Per service, the share of allowed link uses taken up, labelled uses / max uses."""
    if frame.empty:
        return empty_figure("No invitation links in this view")
    text = [f"{u:.0f} of {m}" if u == u else f"hidden (few) of {m}"
            for u, m in zip(frame["uses"], frame["max_uses"], strict=True)]
    figure = go.Figure(go.Bar(x=frame["service"].map(plain), y=(frame["rate"] * 100).fillna(0),
                              text=text, textposition="auto", marker_color="#7a4fa3",
                              hovertemplate="%{x}: %{y:.0f}% (%{text} uses)<extra></extra>"))
    return styled(figure, "Invitation uptake (uses of the allowed maximum)",
                  yaxis={"title": "% of allowed uses", "range": [0, 100]})
