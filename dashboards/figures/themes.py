"""Themes figures; every clickable mark carries customdata "theme|group" (or |polarity,
|month, |co-theme, |level): dcc.Graph passes a string on in clickData, not a list.

Suppressed cells arrive as NaN: they are drawn grey (heatmaps) or as an empty bar, and their
text and hover read "fewer than k", never 0.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards.exports import fewer_than
from dashboards.figures.common import (
    BARRIER,
    FACILITATOR,
    SUPPRESSED_COLOUR,
    count_text,
    empty_figure,
    plain,
    styled,
)
from portal.models.instruments import GROUP_LABELS, STAKEHOLDER_GROUPS


def pack(*parts) -> str:
    """customdata for a clickable mark: its ids joined by "|" (ids never hold one)."""
    return "|".join(str(part) for part in parts)


SUPPRESSED = -1.0  # a stand-in while pivoting, so "suppressed" and "none" stay apart


def _pivot(frame: pd.DataFrame, index: str, columns: str, values: str) -> pd.DataFrame:
    """Pivot a long frame; absent pairs are 0, suppressed (NaN) ones come back as NaN."""
    filled = frame.assign(**{values: frame[values].astype(float).fillna(SUPPRESSED)})
    table = filled.pivot_table(index=index, columns=columns, values=values, aggfunc="sum",
                               fill_value=0.0, sort=False)
    return table.mask(table == SUPPRESSED)


def _heatmap(table: pd.DataFrame, x_labels: list[str], y_labels: list[str],
             custom: list, k: int, title: str, colour: str) -> go.Figure:
    """A heatmap with counts written in; suppressed cells grey and labelled."""
    z = table.to_numpy(dtype=float)
    text = [[count_text(v, k) for v in row] for row in z]
    figure = go.Figure()
    mask = np.where(np.isnan(z), 1.0, np.nan)
    figure.add_heatmap(z=mask, x=x_labels, y=y_labels, showscale=False, hoverinfo="skip",
                       customdata=custom,
                       colorscale=[[0, SUPPRESSED_COLOUR], [1, SUPPRESSED_COLOUR]])
    figure.add_heatmap(z=z, x=x_labels, y=y_labels, text=text, texttemplate="%{text}",
                       customdata=custom, colorscale=[[0, "#ffffff"], [1, colour]],
                       hovertemplate="%{y} × %{x}: %{text}<extra></extra>",
                       colorbar={"title": "Mentions"})
    return styled(figure, title, yaxis={"autorange": "reversed"},
                  height=max(320, 28 * len(y_labels) + 120))


def theme_group_heatmap(frame: pd.DataFrame, k: int) -> go.Figure:
    """Mentions per theme (rows) and stakeholder group (columns)."""
    if frame.empty:
        return empty_figure("No coded mentions in this view")
    table = _pivot(frame, "theme", "group", "mentions")
    groups = [g for g in STAKEHOLDER_GROUPS if g in table.columns]
    table = table[groups]
    labels = frame.drop_duplicates("theme").set_index("theme")["label"]
    custom = [[pack(theme, group) for group in groups] for theme in table.index]
    return _heatmap(table, [GROUP_LABELS[g] for g in groups],
                    [plain(labels[t]) for t in table.index], custom, k,
                    "Mentions per theme and stakeholder group", "#1d5fa8")


def polarity_bars(frame: pd.DataFrame, k: int) -> go.Figure:
    """Barriers to the left, facilitators to the right, one row per theme."""
    if frame.empty:
        return empty_figure("No coded mentions in this view")
    frame = frame.assign(order=frame["barrier"].fillna(0) + frame["facilitator"].fillna(0)) \
        .sort_values("order")
    figure = go.Figure()
    for polarity, sign, colour in (("barrier", -1, BARRIER), ("facilitator", 1, FACILITATOR)):
        values = frame[polarity].astype(float)
        figure.add_bar(
            y=frame["label"].map(plain), x=sign * values.fillna(0), orientation="h",
            name=polarity.capitalize() + "s", marker_color=colour,
            text=[count_text(v, k) for v in values], textposition="outside",
            customdata=[pack(t, polarity) for t in frame["theme"]],
            hovertemplate="%{y}: %{text} " + polarity + " mentions<extra></extra>")
    return styled(figure, "Barriers and facilitators per theme", barmode="relative",
                  xaxis={"title": "← barrier mentions · facilitator mentions →",
                         "zeroline": True, "zerolinecolor": "#444"},
                  height=max(320, 26 * len(frame) + 120))


def trend_lines(frame: pd.DataFrame, k: int) -> go.Figure:
    """Mentions per month, one line per theme; suppressed months are gaps, labelled."""
    if frame.empty:
        return empty_figure("No coded mentions in this view")
    figure = go.Figure()
    for theme, part in frame.sort_values("month").groupby("theme", sort=False):
        values = part["mentions"].astype(float)
        figure.add_scatter(x=part["month"], y=values, mode="lines+markers",
                           name=plain(part["label"].iloc[0]), connectgaps=False,
                           text=[count_text(v, k) for v in values],
                           customdata=[pack(theme, m) for m in part["month"]],
                           hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>")
    return styled(figure, "Mentions per month", xaxis={"title": "Month", "type": "category"},
                  yaxis_title="Mentions")


def cooccurrence_heatmap(frame: pd.DataFrame, k: int, labels: dict[str, str]) -> go.Figure:
    """Answers carrying both themes; symmetric, the diagonal left empty."""
    if frame.empty:
        return empty_figure("No answer carries two themes in this view")
    both = pd.concat([frame, frame.rename(columns={"theme_a": "theme_b",
                                                   "theme_b": "theme_a"})])
    both = both[both["theme_a"] != both["theme_b"]].drop_duplicates(["theme_a", "theme_b"])
    themes = sorted(set(both["theme_a"]), key=lambda t: labels.get(t, t))
    table = _pivot(both, "theme_a", "theme_b", "answers").reindex(index=themes, columns=themes,
                                                                  fill_value=0.0)
    for theme in themes:
        table.loc[theme, theme] = 0.0
    names = [plain(labels.get(t, t)) for t in themes]
    custom = [[pack(a, b) for b in themes] for a in themes]
    return _heatmap(table, names, names, custom, k, "Themes mentioned in the same answer",
                    "#7a4fa3")


def structure_sunburst(frame: pd.DataFrame, k: int) -> go.Figure:
    """The codebook's levels (dimensions → themes) sized by answers; hover gives counts.

    Parents are sized by their children (an answer can sit under two themes of one dimension,
    so the dimension's own count is shown in text, not used as its size). Suppressed themes
    are drawn at a fixed small size, labelled "fewer than k".
    """
    if frame.empty:
        return empty_figure("This codebook has no levels, or nothing is coded yet")
    answers = frame["answers"].astype(float)
    leaves = ~frame["id"].isin(frame["parent"].dropna())
    present = answers[leaves & answers.notna()]
    stand_in = float(present.min()) if not present.empty else 1.0
    values = np.where(leaves, answers.fillna(stand_in), 0.0)
    text = [f"{count_text(v, k)} answers" for v in answers]
    figure = go.Figure(go.Sunburst(
        ids=frame["id"], labels=frame["label"].map(plain), parents=frame["parent"].fillna(""),
        values=values, branchvalues="remainder", text=text,
        # Taggable codes are marked "theme" whatever their level is called (working-alliance
        # tags subthemes), so a click on any of them opens its quotes.
        customdata=[pack(i, "theme" if taggable else level) for i, level, taggable in zip(
            frame["id"], frame["level"], frame.get("taggable", leaves), strict=True)],
        hovertemplate="%{label}: %{text}<extra></extra>", textinfo="label+text"))
    return styled(figure, "The codebook's structure", height=520)


def suppressed_note(k: int) -> str:
    """The sentence under every themes chart."""
    return (f"Cells from {fewer_than(k)} respondents are suppressed, and so is the next smallest "
            "cell where a total would reveal them.")
