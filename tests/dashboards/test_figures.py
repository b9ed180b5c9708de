"""Pure figure functions on hand-made frames of the domain modules' shapes."""

import math

import numpy as np
import pandas as pd

from dashboards.figures.overview import responses_bars, uptake_bars
from dashboards.figures.readiness import (
    construct_estimates,
    index_intervals,
    valence_bars,
    wave_lines,
)
from dashboards.figures.themes import (
    cooccurrence_heatmap,
    polarity_bars,
    structure_sunburst,
    theme_group_heatmap,
    trend_lines,
)
from tests.dashboards.helpers import values

NAN = float("nan")


def test_heatmap_keeps_zero_and_suppressed_apart():
    """Absent pairs are 0; NaN (suppressed) cells are blank and read "fewer than k"."""
    frame = pd.DataFrame({
        "theme": ["tech_bugs", "tech_bugs", "usability"],
        "label": ["Bugs", "Bugs", "Usability"],
        "group": ["therapist", "patient", "therapist"],
        "mentions": [7.0, NAN, 12.0], "respondents": [6.0, NAN, 9.0]})
    figure = theme_group_heatmap(frame, 10)
    data = figure.data[1]
    z = np.asarray(data.z, dtype=float)
    assert list(data.x) == ["Therapists", "Patients"] and list(data.y) == ["Bugs", "Usability"]
    assert z[0, 0] == 7 and math.isnan(z[0, 1]) and z[1, 0] == 12 and z[1, 1] == 0
    assert data.text[0][1] == "fewer than 10" and data.text[1][1] == "0"
    assert data.customdata[1][0] == "usability|therapist"
    mask = np.asarray(figure.data[0].z, dtype=float)  # the grey layer covers exactly that cell
    assert mask[0, 1] == 1 and np.isnan(mask[0, 0])


def test_theme_labels_reach_plotly_escaped():
    """A label with tags is drawn as typed: Plotly would read <a>, <b> and <img> as markup."""
    label = '<a href="javascript:x()">Bugs</a> <b>&</b>'
    escaped = '&lt;a href="javascript:x()"&gt;Bugs&lt;/a&gt; &lt;b&gt;&amp;&lt;/b&gt;'
    frame = pd.DataFrame({"theme": ["tech_bugs"], "label": [label], "group": ["patient"],
                          "mentions": [3.0], "respondents": [3.0], "barrier": [3.0],
                          "facilitator": [0.0], "neutral": [0.0], "month": ["2026-03"]})
    assert list(theme_group_heatmap(frame, 2).data[1].y) == [escaped]
    assert list(polarity_bars(frame, 2).data[0].y) == [escaped]
    assert trend_lines(frame, 2).data[0].name == escaped


def test_service_names_reach_plotly_escaped_and_never_as_a_template():
    """A service name with tags or %{...} is drawn as typed in every readiness and overview
    chart, and hover text takes it as data (fullData.name), not as part of its template."""
    name = '<b>Leeds</b> & %{y} <a href="javascript:x()">here</a>'
    escaped = '&lt;b&gt;Leeds&lt;/b&gt; &amp; %{y} &lt;a href="javascript:x()"&gt;here&lt;/a&gt;'
    oric = ORIC.assign(service=[name, name, "Bristol", "Bristol"])
    assert list(construct_estimates(oric, 5, "ORIC", (1, 5)).data[0].x) == [escaped, "Bristol"]
    index = pd.DataFrame({"service_id": [1], "service": [name], "index": [60.0],
                          "index_low": [50.0], "index_high": [70.0]})
    assert list(index_intervals(index, 5).data[0].y) == [escaped]
    valence = pd.DataFrame({"service_id": [1], "service": [name], "cfir_domain": ["Inner"],
                            "mentions": [8], "valence": [-1.0]})
    waves = pd.DataFrame({"service_id": [1], "service": [name], "wave": ["2026-H1"],
                          "index": [60.0], "n": [6]})
    for trace in (valence_bars(valence, 5).data[0], wave_lines(waves, 5).data[0]):
        assert trace.name == escaped and "%{y}" not in trace.hovertemplate.split("<extra>")[1]
    uptake = uptake_bars(pd.DataFrame({"service": [name], "uses": [3], "max_uses": [200],
                                       "rate": [0.015]}))
    bars = responses_bars(pd.DataFrame({"key": [1], "label": [name], "responses": [12]}),
                          "Per service", "Service")
    assert list(uptake.data[0].x) == [escaped] and list(bars.data[0].x) == [escaped]


def test_polarity_bars_diverge_and_label_suppressed_bars():
    """Barriers point left (negative), facilitators right; a hidden count is not drawn as 0."""
    frame = pd.DataFrame({"theme": ["tech_bugs", "usability"], "label": ["Bugs", "Usability"],
                          "barrier": [8.0, NAN], "facilitator": [2.0, 6.0],
                          "neutral": [0.0, 1.0], "respondents": [9.0, 7.0]})
    figure = polarity_bars(frame, 5)
    barriers, facilitators = figure.data
    bars = dict(zip(barriers.y, barriers.x, strict=True))
    assert bars == {"Bugs": -8, "Usability": 0}
    assert dict(zip(facilitators.y, facilitators.x, strict=True)) == {"Bugs": 2, "Usability": 6}
    assert "fewer than 5" in list(barriers.text)
    assert list(barriers.customdata) == ["usability|barrier", "tech_bugs|barrier"]


def test_trend_lines_leave_gaps_for_suppressed_months():
    """One line per theme; a hidden month is a gap, with its hover saying why."""
    frame = pd.DataFrame({"month": ["2026-01", "2026-02", "2026-03"],
                          "theme": ["tech_bugs"] * 3, "label": ["Bugs"] * 3,
                          "mentions": [3.0, NAN, 5.0], "respondents": [3.0, NAN, 5.0]})
    [line] = trend_lines(frame, 5).data
    assert list(line.x) == ["2026-01", "2026-02", "2026-03"]
    assert math.isnan(line.y[1]) and line.text[1] == "fewer than 5"
    assert line.customdata[2] == "tech_bugs|2026-03"


def test_cooccurrence_is_symmetric():
    """theme_a < theme_b pairs become a symmetric matrix with an empty diagonal."""
    frame = pd.DataFrame({"theme_a": ["a", "a"], "theme_b": ["b", "c"],
                          "answers": [4.0, NAN], "respondents": [4.0, NAN]})
    heat = cooccurrence_heatmap(frame, 10, {"a": "A", "b": "B", "c": "C"}).data[1]
    z = np.asarray(heat.z, dtype=float)
    assert list(heat.x) == ["A", "B", "C"]
    assert z[0, 1] == z[1, 0] == 4 and z[0, 0] == 0
    assert math.isnan(z[0, 2]) and math.isnan(z[2, 0]) and z[1, 2] == 0
    assert heat.text[2][0] == "fewer than 10"


def test_structure_sunburst_sizes_leaves_and_labels_counts():
    """Dimensions get their size from their themes; hidden themes say "fewer than k"."""
    frame = pd.DataFrame({
        "level": ["dimension", "theme", "theme"], "id": ["dim", "t1", "t2"],
        "label": ["Dim", "T1", "T2"], "parent": ["", "dim", "dim"],
        "answers": [14.0, 12.0, NAN], "respondents": [13.0, 11.0, NAN]})
    [sunburst] = structure_sunburst(frame, 10).data
    assert list(sunburst.values) == [0, 12, 12]
    assert list(sunburst.text) == ["14 answers", "12 answers", "fewer than 10 answers"]
    assert list(sunburst.parents) == ["", "dim", "dim"]


def test_overview_bars():
    """Bars carry the counts; uptake is a percentage labelled with uses of the maximum."""
    bars = responses_bars(pd.DataFrame({"key": ["patient", "therapist"],
                                        "label": ["patient", "therapist"],
                                        "responses": [5, 2]}), "Per group", "Group")
    assert list(bars.data[0].x) == ["Patients", "Therapists"]
    assert list(values(bars.to_plotly_json()["data"][0]["y"])) == [5, 2]
    uptake = uptake_bars(pd.DataFrame({"service": ["Leeds"], "uses": [3], "max_uses": [200],
                                       "rate": [0.015]}))
    assert list(uptake.data[0].y) == [1.5] and list(uptake.data[0].text) == ["3 of 200"]


ORIC = pd.DataFrame({
    "service_id": [2, 2, 1, 1], "service": ["Leeds", "Leeds", "Bristol", "Bristol"],
    "construct": ["change_commitment", "change_efficacy", "change_commitment",
                  "change_efficacy"],
    "mean": [4.0, 3.5, NAN, 2.0], "n": [6, 6, 3, 5], "sd": [0.5, 0.4, NAN, 0.3],
    "ci_low": [3.5, 3.1, NAN, 1.6], "ci_high": [4.5, 3.9, NAN, 2.4]})


def test_construct_estimates_draw_intervals_in_name_order():
    """Error bars are the CI around the mean; services alphabetical; hidden points said so."""
    figure = construct_estimates(ORIC, 5, "ORIC", (1, 5))
    commitment, efficacy = figure.data
    assert list(efficacy.x) == ["Bristol", "Leeds"]
    assert list(efficacy.y) == [2.0, 3.5]
    assert efficacy.error_y.array == (0.3999999999999999, 0.3999999999999999) or \
        np.allclose(efficacy.error_y.array, [0.4, 0.4])
    assert np.allclose(efficacy.error_y.arrayminus, [0.4, 0.4])
    assert list(commitment.text) == ["fewer than 5", "n=6"]
    assert list(figure.layout.yaxis.range) == [1, 5]


def test_readiness_index_with_interval_and_no_ranking():
    """Services stay in name order whatever their index; the interval is the error bar."""
    frame = pd.DataFrame({"service_id": [1, 2], "service": ["Zeta", "Alpha"],
                          "index": [80.0, 40.0], "index_low": [70.0, 25.0],
                          "index_high": [90.0, 55.0]})
    [points] = index_intervals(frame, 5).data
    assert list(points.y) == ["Alpha", "Zeta"]
    assert list(points.x) == [40.0, 80.0]
    assert np.allclose(points.error_x.arrayminus, [15, 10])
    assert list(index_intervals(frame, 5).layout.xaxis.range) == [0, 100]


def test_valence_and_waves():
    """Valence bars carry n; waves draw one line per service."""
    valence = pd.DataFrame({"service_id": [1, 1], "service": ["Leeds", "Leeds"],
                            "cfir_domain": ["Inner setting", "Innovation"],
                            "barrier": [6, 1], "facilitator": [2, 5], "mentions": [8, 6],
                            "valence": [-1.0, 1.33]})
    [bars] = valence_bars(valence, 5).data
    assert list(bars.y) == [-1.0, 1.33] and list(bars.text) == ["n=8", "n=6"]
    waves = pd.DataFrame({"service_id": [1, 1], "service": ["Leeds", "Leeds"],
                          "wave": ["2025-H2", "2026-H1"], "index": [50.0, 62.0], "n": [6, 7]})
    [line] = wave_lines(waves, 5).data
    assert list(line.y) == [50.0, 62.0]
