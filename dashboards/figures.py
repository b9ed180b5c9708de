"""Pure functions from DataFrames to Plotly figures."""

import pandas as pd
import plotly.graph_objects as go

from portal.models.instruments import GROUP_LABELS, STAKEHOLDER_GROUPS

GROUP_COLOURS = {"therapist": "#1d5fa8", "service_manager": "#7a4fa3", "vendor": "#c26a00",
                 "patient": "#1e8a5a"}


def responses_over_time(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars of responses per month, one colour per stakeholder group."""
    figure = go.Figure()
    for group in STAKEHOLDER_GROUPS:
        part = frame[frame["group"] == group]
        if part.empty:
            continue
        figure.add_bar(x=part["month"], y=part["responses"], name=GROUP_LABELS[group],
                       marker_color=GROUP_COLOURS[group])
    figure.update_layout(barmode="stack", margin={"l": 40, "r": 10, "t": 30, "b": 40},
                         legend={"orientation": "h", "y": -0.2}, yaxis_title="Responses",
                         xaxis_title="Month", template="plotly_white")
    if frame.empty:
        figure.add_annotation(text="No responses yet", showarrow=False, x=0.5, y=0.5,
                              xref="paper", yref="paper")
    return figure
