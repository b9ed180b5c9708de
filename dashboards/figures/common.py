"""What every figure shares: colours, an empty state, the modebar's PNG export."""

import html

import plotly.graph_objects as go

from dashboards.exports import fewer_than

GROUP_COLOURS = {"therapist": "#1d5fa8", "service_manager": "#7a4fa3", "vendor": "#c26a00",
                 "patient": "#1e8a5a"}
BARRIER, FACILITATOR, NEUTRAL = "#b2432f", "#1e8a5a", "#8a8a8a"
SUPPRESSED_COLOUR = "#d9d9d9"
MARGIN = {"l": 40, "r": 10, "t": 40, "b": 40}


def graph_config(name: str) -> dict:
    """dcc.Graph config: no logo, and the camera button saves uptake-<name>.png."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": f"uptake-{name}",
                                     "scale": 2}}


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says why it is blank."""
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper",
                          yref="paper", font={"size": 14})
    figure.update_layout(template="plotly_white", xaxis={"visible": False},
                         yaxis={"visible": False}, margin=MARGIN)
    return figure


def styled(figure: go.Figure, title: str, **layout) -> go.Figure:
    """The house style: white template, a title, a horizontal legend below."""
    figure.update_layout(template="plotly_white", title={"text": title, "x": 0},
                         margin=MARGIN, legend={"orientation": "h", "y": -0.2}, **layout)
    return figure


def count_text(value, k: int) -> str:
    """A count as shown on a chart: suppressed (missing) reads "fewer than k"."""
    if value is None or value != value:  # NaN
        return fewer_than(k)
    return f"{value:g}"


def plain(text) -> str:
    """Text people typed (a theme's label), shown by Plotly as written.

    Plotly reads <b>, <br>, <a href> and entities in labels and hover text as markup: a label
    with a tag would be drawn as a link or lose its words, and breaks hover and clicks.
    """
    return html.escape(str(text), quote=False)
