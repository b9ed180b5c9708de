"""The themes page end to end: scoped numbers, suppression, quotes behind a click."""

from datetime import datetime

import numpy as np
import pytest

from portal.domain.dashboard_filters import Filters
from portal.domain.theme_stats import polarity_by_theme, theme_by_group
from portal.extensions import db
from tests.conftest import login
from tests.dashboards.helpers import add_patient_responses, chart, post_callback, texts

GRAPHS = ("theme_by_group", "polarity_by_theme", "theme_trend", "cooccurrence",
          "structure_counts")


def heat(figure) -> np.ndarray:
    """The counts layer of a heatmap figure."""
    from tests.dashboards.helpers import values

    return np.asarray(values(figure["data"][1]["z"]), dtype=float)


def click(client, graph: str, customdata: str, search: str = ""):
    """Click a mark of a themes graph; return the quotes panel's strings."""
    inputs = [(f"g-{name}", "clickData",
               {"points": [{"customdata": customdata}]} if name == graph else None)
              for name in GRAPHS] + [("url", "search", search)]
    response = post_callback(client, [("quotes", "children")], inputs,
                             changed=[f"g-{graph}.clickData"])
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return texts(response.get_json()["response"]["quotes"]["children"])


BUGS = {"programme": "depression",
        "hindered": "The app kept logging me out halfway through a module.",
        "helped": "My supporter always replied within a day and remembered what I wrote."}


@pytest.fixture
def small_k(app, coded):
    """k = 2 for patients, and six more Leeds and three Bristol answers about logging out."""
    app.config["SUPPRESSION_K_PATIENT"] = 2
    add_patient_responses(coded, "leeds", datetime(2026, 3, 5), 6, BUGS)
    add_patient_responses(coded, "bristol", datetime(2026, 3, 5), 3, BUGS)
    return app


def test_heatmap_numbers_match_the_database(client, small_k, coded):
    """The figure's cells are the GROUP BY's mentions, for the lead."""
    expected = theme_by_group(db.session, coded.users["lead"], Filters(), config=small_k.config)
    login(client, "lead@x.test")
    client.get("/dash/themes")
    figure, table = chart(client, "theme_by_group")
    z = heat(figure)
    assert np.nansum(z) == expected["mentions"].sum() > 0
    assert len(figure["data"][1]["y"]) == expected["theme"].nunique()
    assert "Patients" in figure["data"][1]["x"]


@pytest.mark.parametrize("who", ["manager", "vendor"])
def test_a_manager_naming_another_service_gets_nothing(client, small_k, coded, who):
    """Leeds staff with a URL naming Bristol: no numbers and no quotes of Bristol."""
    bristol = coded.services["bristol"].id
    login(client, coded.users[who].email)
    client.get("/dash/themes")
    search = f"?service={bristol}"
    for name in GRAPHS[:4]:
        figure, _ = chart(client, name, search)
        assert "No coded mentions" in str(figure) or "No answer carries" in str(figure), name
    lines = click(client, "theme_by_group", "tech_bugs|patient", search)
    assert not any("Bristol" in line for line in lines)
    assert any("No quotes" in line for line in lines)


def test_bristols_manager_sees_only_bristol(client, small_k, coded):
    """Without filters, Bristol's manager gets Bristol's numbers and quotes, nothing of Leeds."""
    lead_view = theme_by_group(db.session, coded.users["lead"],
                               Filters(services=(coded.services["bristol"].id,)),
                               config=small_k.config)
    login(client, "manager2@x.test")
    client.get("/dash/themes")
    figure, _ = chart(client, "theme_by_group")
    assert np.nansum(heat(figure)) == lead_view["mentions"].sum() == 6  # two themes × 3
    lines = click(client, "theme_by_group", "tech_bugs|patient")
    assert any("Bristol Wellbeing" in line for line in lines)
    assert not any("Leeds" in line for line in lines)
    leeds = coded.services["leeds"].id
    figure, _ = chart(client, "theme_by_group", f"?service={leeds}")
    assert "No coded mentions" in str(figure)


def test_small_cells_read_fewer_than_k(client, coded):
    """With the default patient k (10), four respondents are "fewer than 10", never 0."""
    login(client, "lead@x.test")
    client.get("/dash/themes")
    figure, table = chart(client, "theme_by_group")
    z = heat(figure)
    assert np.isnan(z).any() and np.nansum(z) == 0
    assert "fewer than 10" in str(figure["data"][1]["text"])
    assert "fewer than 10" in " ".join(texts(table))
    lines = click(client, "theme_by_group", figure["data"][1]["customdata"][0][0])
    assert any("fewer than 10" in line for line in lines)


def test_clicking_a_bar_shows_its_quotes_with_machine_marks(client, small_k, coded):
    """A barrier bar's quotes: the text, where it comes from, each tag marked machine."""
    frame = polarity_by_theme(db.session, coded.users["lead"], Filters(), config=small_k.config)
    row = frame.set_index("theme").loc["tech_bugs"]
    assert row["barrier"] >= 6
    login(client, "manager@x.test")
    client.get("/dash/themes")
    lines = click(client, "polarity_by_theme", "tech_bugs|barrier")
    assert any(row["label"] in line for line in lines)
    assert "machine" in lines and "person" not in lines
    assert any("Leeds Talking Therapies" in line for line in lines)
    # The trend's month narrows the quotes to that month.
    month = db.session.execute(db.text("select min(submitted_at) from responses")).scalar()
    month = str(month)[:7]
    assert "machine" in click(client, "theme_trend", f"tech_bugs|{month}")
    assert "machine" not in click(client, "theme_trend", "tech_bugs|1999-01")



def test_an_override_in_a_quote_is_isolated(client, small_k, coded):
    """Quote text with a right-to-left override reaches the panel inside FSI...PDI."""
    answers = {**BUGS, "hindered": "The app kept logging me out \u202eeludom a fo yawflah."}
    add_patient_responses(coded, "leeds", datetime(2026, 3, 6), 2, answers)
    login(client, "lead@x.test")
    client.get("/dash/themes")
    lines = click(client, "polarity_by_theme", "tech_bugs|barrier")
    isolated = [line for line in lines if "\u202e" in line]
    assert isolated, lines
    assert all(line.startswith("\u2068") and line.endswith("\u2069") for line in isolated)

def test_structure_view_for_a_patient_codebook(client, small_k, coded):
    """The therapist-support codebook's dimensions and themes as a sunburst."""
    login(client, "lead@x.test")
    client.get("/dash/themes?codebook=therapist-support")
    figure, table = chart(client, "structure_counts", "?codebook=therapist-support")
    [sunburst] = figure["data"]
    assert "individual_autonomy" in sunburst["ids"] and "empowerment" in sunburst["ids"]
    assert sunburst["parents"][sunburst["ids"].index("empowerment")] == "individual_autonomy"
    assert "Individual autonomy" in " ".join(texts(table))
    lines = click(client, "structure_counts", "individual_autonomy|dimension")
    assert any("not a dimension" in line for line in lines)
