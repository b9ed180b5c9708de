"""Responsiveness figures: the open backlog over time."""

import pandas as pd
import plotly.graph_objects as go

from dashboards.figures.common import empty_figure, styled


def backlog_figure(frame: pd.DataFrame) -> go.Figure:
    """Open requests at the end of each week, with filed and finished as bars."""
    if frame.empty:
        return empty_figure("No requests filed in this view")
    figure = go.Figure()
    figure.add_bar(x=frame["week"], y=frame["filed"], name="Filed", marker_color="#1d5fa8")
    figure.add_bar(x=frame["week"], y=frame["finished"], name="Resolved or closed",
                   marker_color="#2e8540")
    figure.add_scatter(x=frame["week"], y=frame["open"], name="Open backlog",
                       mode="lines+markers", line={"color": "#a4000f"})
    return styled(figure, "Backlog by week", barmode="group", yaxis_title="Requests",
                  xaxis_title="Week starting")
