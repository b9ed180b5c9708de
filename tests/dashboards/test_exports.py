"""CSV exports and the aggregate cache."""

import io
from datetime import datetime

import pandas as pd

from dashboards.cache import LRU, app_cache
from dashboards.exports import cell, filename, to_csv
from portal.domain.dashboard_filters import Filters
from tests.adversarial_payloads import FORMULAS, MARKUP, TEMPLATES
from tests.conftest import login
from tests.dashboards.helpers import add_patient_responses, chart, post_callback, values


def test_csv_spells_out_suppressed_cells_and_defuses_formulas():
    """NaN in a suppressible column reads "fewer than k"; = + - @ cells get a quote."""
    frame = pd.DataFrame({"label": ["=HYPERLINK(\"x\")", "+1", "-2", "@sum", "plain"],
                          "mentions": [3.0, float("nan"), 0.0, 5.0, 6.0],
                          "valence": [-1.5, 0.5, 1.0, 2.0, -2.0]})
    text = to_csv(frame, ["mentions"], 10)
    rows = list(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
                .itertuples(index=False))
    assert [r.label for r in rows] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@sum", "plain"]
    assert [r.mentions for r in rows] == ["3.0", "fewer than 10", "0.0", "5.0", "6.0"]
    assert rows[0].valence == "-1.5"  # numbers are numbers, not defused text


def test_csv_keeps_markup_literal_and_defuses_every_formula_payload():
    """Hostile labels: the formulas get a quote, markup and templates come out as typed."""
    labels = [*FORMULAS, *MARKUP, TEMPLATES]
    text = to_csv(pd.DataFrame({"label": labels, "mentions": [1.0] * len(labels)}), [], 2)
    shown = list(pd.read_csv(io.StringIO(text), dtype=str)["label"])
    assert shown == ["'" + f for f in FORMULAS] + [*MARKUP, TEMPLATES]


def test_the_domain_suppressed_flag_decides_what_reads_fewer_than_k():
    """With a "suppressed" column, only flagged rows' gaps are "fewer than k"."""
    frame = pd.DataFrame({"mean": [float("nan"), float("nan")], "suppressed": [True, False]})
    text = to_csv(frame, ["mean"], 5)
    assert text.splitlines()[1:] == ["fewer than 5,True", ",False"]


def test_cells_and_filenames():
    """Table cells and download names."""
    assert cell(float("nan")) == "–" and cell(0) == "0"
    assert cell(3.0) == "3" and cell(3.456) == "3.46"
    assert filename("Theme by group!").startswith("uptake-theme-by-group-")


def test_lru_evicts_the_oldest_and_returns_copies():
    """At most size entries; a caller mutating a result does not change the cache."""
    cache, calls = LRU(2), []
    for key in ("a", "b", "a", "c"):
        cache.get_or_compute(key, lambda key=key: calls.append(key) or [key])
    assert calls == ["a", "b", "c"] and len(cache) == 2
    cache.get_or_compute("b", lambda: calls.append("b") or ["b"])
    assert calls[-1] == "b"  # b was the least recently used and went first
    got = cache.get_or_compute("c", list)
    got.append("x")
    assert cache.get_or_compute("c", list) == ["c"]


def test_new_responses_invalidate_the_cache(client, app, world):
    """The key holds data_version: a new response shows at once; a repeat is a hit."""
    app.config.update(SUPPRESSION_K_PATIENT=1, SUPPRESSION_K_STAFF=1)  # about the cache
    add_patient_responses(world, "leeds", datetime(2026, 3, 5), 2)
    login(client, "lead@x.test")
    client.get("/dash/")
    first, _ = chart(client, "responses_service")
    hits = app_cache().hits
    again, _ = chart(client, "responses_service")
    assert app_cache().hits == hits + 1 and again == first
    add_patient_responses(world, "leeds", datetime(2026, 3, 6), 1)
    third, _ = chart(client, "responses_service")
    assert values(third["data"][0]["y"]).sum() == 3


def test_cache_is_per_scope(client, app, world):
    """A manager's cached numbers are never served to a lead or another manager."""
    add_patient_responses(world, "leeds", datetime(2026, 3, 5), 2)
    add_patient_responses(world, "bristol", datetime(2026, 3, 5), 5)
    for who, expected in (("manager@x.test", {"Leeds Talking Therapies"}),
                          ("manager2@x.test", {"Bristol Wellbeing"}),
                          ("lead@x.test", {"Leeds Talking Therapies", "Bristol Wellbeing"})):
        other = app.test_client()
        login(other, who)
        other.get("/dash/")
        figure, _ = chart(other, "responses_service")
        assert set(figure["data"][0]["x"]) == expected


def test_csv_download_through_the_callback(client, app, world):
    """The download callback answers with a CSV of the scoped data."""
    app.config.update(SUPPRESSION_K_PATIENT=1, SUPPRESSION_K_STAFF=1)  # about the download
    add_patient_responses(world, "leeds", datetime(2026, 3, 5), 2)
    add_patient_responses(world, "bristol", datetime(2026, 3, 5), 5)
    login(client, "manager@x.test")
    client.get("/dash/")
    button = '{"chart":"responses_service","type":"csv"}'
    response = post_callback(client, [("download", "data")],
                             [[({"type": "csv", "chart": "responses_service"}, "n_clicks", 1)]],
                             state=[("url", "search", f"?service={world.services['bristol'].id}")],
                             changed=[f"{button}.n_clicks"])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    download = response.get_json()["response"]["download"]["data"]
    assert download["filename"].endswith(".csv")
    assert "Bristol" not in download["content"]
    assert download["content"].strip() == "key,label,responses,suppressed"


def test_filters_are_part_of_the_key(app, world):
    """Different filters are different entries."""
    from dashboards.cache import cached
    from portal.extensions import db

    calls = []
    lead = world.users["lead"]
    for filters in (Filters(), Filters(groups=("patient",)), Filters()):
        cached("x", db.session, lead, filters, lambda f=filters: calls.append(f) or 1)
    assert len(calls) == 2
