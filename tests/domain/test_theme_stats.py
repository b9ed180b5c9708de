"""Theme statistics on known data: people code every answer, so the numbers are hand-counted.

The data (icbt-implementation; every text answer coded by the lead, which outranks the engine):

    Leeds (depression)          month    tags on the answer
    T1, T2 therapists           2025-03  time_workload barrier + training_needs facilitator
    T3, T4 therapists           2025-03  time_workload barrier
    T5, T6 therapists           2025-04  time_workload barrier
    P1 patient                  2025-03  hindered: tech_bugs barrier + usability barrier
    P2 patient                  2025-03  hindered: tech_bugs barrier; helped: usability facil.
    P3 patient                  2025-03  hindered: tech_bugs barrier + time_workload barrier
    Bristol (anxiety)
    B1, B2 therapists           2025-03  time_workload barrier
    BP1 patient                 2025-03  hindered: tech_bugs neutral
"""

from datetime import date, datetime
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import event, select

from portal.domain.codebooks import current_version
from portal.domain.dashboard_filters import Filters
from portal.domain.invitations import create_invitation
from portal.domain.review import TagInput, save_coding
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.domain.theme_stats import (
    cooccurrence,
    polarity_by_theme,
    quotes,
    structure_counts,
    theme_by_group,
    theme_trend,
)
from portal.extensions import db
from portal.models import Answer

MARCH, APRIL = datetime(2025, 3, 10, 9, 30), datetime(2025, 4, 10, 9, 30)
WA = Filters(codebook="working-alliance")
NO_K = {"k": 1}  # no suppression: the raw hand-counted numbers


def tags(*pairs: tuple[str, str | None]) -> list[TagInput]:
    """TagInputs from (theme, polarity) pairs."""
    return [TagInput(theme, polarity) for theme, polarity in pairs]


def respond(world, link, group: str, programme: str, texts: dict[str, str], when: datetime,
            codes: dict[str, list[TagInput]], *,
            alliance: dict[str, list[TagInput]] | None = None) -> int:
    """Submit a response through a link, then have the lead code each text answer."""
    if group == "patient":
        answers = {"programme": programme, **texts}
    else:
        answers = {"role": "therapist", "programme": programme, "years_icbt": 3, **texts}
    submission = submit_response(db.session, version=link.instrument.current, service=link.service,
                                 answers=answers, idempotency_key=new_idempotency_key(),
                                 invitation=link, now=when)
    versions = {key: current_version(db.session, key)
                for key in ("icbt-implementation", "working-alliance", "therapist-support")}
    for item in texts:
        answer = db.session.scalar(select(Answer).where(
            Answer.response_id == submission.response_id, Answer.item_id == item))
        lead = world.users["lead"]
        save_coding(db.session, lead, answer, versions["icbt-implementation"], codes.get(item, []))
        if group == "patient":  # people's word for the patient codebooks too: no engine guesses
            save_coding(db.session, lead, answer, versions["working-alliance"],
                        (alliance or {}).get(item, []))
            save_coding(db.session, lead, answer, versions["therapist-support"], [])
    return submission.response_id


@pytest.fixture
def themed(world):
    """The world plus the responses in the module docstring."""
    session = db.session
    leeds, bristol = world.services["leeds"], world.services["bristol"]
    bristol_links = {key: create_invitation(session, service=bristol,
                                            instrument=world.instruments[key],
                                            created_by=world.users["other_manager"], label=key,
                                            days_valid=30, max_uses=100)
                     for key in ("patient", "therapist")}
    staff = world.links["therapist"]
    for n in range(1, 7):
        codes = [("time_workload", "barrier")]
        if n <= 2:
            codes.append(("training_needs", "facilitator"))
        respond(world, staff, "therapist", "depression",
                {"hinders": f"Therapist {n}: no protected time to answer messages."},
                MARCH if n <= 4 else APRIL, {"hinders": tags(*codes)})
    patient = world.links["patient"]
    respond(world, patient, "patient", "depression",
            {"hindered": "Patient 1: it crashed and the menus were confusing."}, MARCH,
            {"hindered": tags(("tech_bugs", "barrier"), ("usability", "barrier"))},
            alliance={"hindered": tags(("ease_of_use", None), ("accessibility", None))})
    respond(world, patient, "patient", "depression",
            {"hindered": "Patient 2: the app froze twice.",
             "helped": "Patient 2: the worksheets were simple to follow."}, MARCH,
            {"hindered": tags(("tech_bugs", "barrier")),
             "helped": tags(("usability", "facilitator"))},
            alliance={"helped": tags(("guidance", None))})
    respond(world, patient, "patient", "depression",
            {"hindered": "Patient 3: it crashed, and my therapist had no time for me."}, MARCH,
            {"hindered": tags(("tech_bugs", "barrier"), ("time_workload", "barrier"))},
            alliance={"hindered": tags(("ease_of_use", None))})
    for n in (1, 2):
        respond(world, bristol_links["therapist"], "therapist", "anxiety",
                {"hinders": f"Bristol therapist {n}: caseloads are too high."}, MARCH,
                {"hinders": tags(("time_workload", "barrier"))})
    respond(world, bristol_links["patient"], "patient", "anxiety",
            {"hindered": "Bristol patient: the login page changed."}, MARCH,
            {"hindered": tags(("tech_bugs", "neutral"))})
    session.commit()
    return SimpleNamespace(**vars(world), leeds=leeds, bristol=bristol)


def cells(frame: pd.DataFrame, keys: list[str], values: list[str]) -> dict:
    """{key tuple: value tuple} with NaN as None, for exact comparisons."""
    out = {}
    for row in frame.itertuples(index=False):
        key = tuple(getattr(row, k) for k in keys)
        out[key] = tuple(None if pd.isna(getattr(row, v)) else int(getattr(row, v))
                         for v in values)
    return out


def by_group(world, who: str, filters: Filters = Filters(), **kwargs) -> dict:
    """theme_by_group as {(theme, group): (mentions, respondents)}."""
    frame = theme_by_group(db.session, world.users[who], filters, **(kwargs or NO_K))
    return cells(frame, ["theme", "group"], ["mentions", "respondents"])


def test_theme_by_group_counts_mentions_and_respondents(themed):
    """The lead sees both services; rows follow the codebook, then the group order."""
    frame = theme_by_group(db.session, themed.users["lead"], Filters(), k=1)
    assert list(frame.columns[:5]) == ["theme", "label", "group", "mentions", "respondents"]
    assert list(zip(frame["theme"], frame["group"], strict=True)) == [
        ("tech_bugs", "patient"), ("usability", "patient"), ("time_workload", "therapist"),
        ("time_workload", "patient"), ("training_needs", "therapist")]
    assert by_group(themed, "lead") == {
        ("tech_bugs", "patient"): (4, 4), ("usability", "patient"): (2, 2),
        ("time_workload", "therapist"): (8, 8), ("time_workload", "patient"): (1, 1),
        ("training_needs", "therapist"): (2, 2)}
    labels = frame.drop_duplicates("theme").set_index("theme")["label"]
    assert labels["tech_bugs"] == "Technical faults and bugs"  # from the codebook version
    assert not frame["suppressed"].any()


def test_a_manager_sees_only_their_own_service(themed):
    """Leeds' manager none of Bristol; Bristol's none of Leeds, even when asking for it."""
    assert by_group(themed, "manager") == {
        ("tech_bugs", "patient"): (3, 3), ("usability", "patient"): (2, 2),
        ("time_workload", "therapist"): (6, 6), ("time_workload", "patient"): (1, 1),
        ("training_needs", "therapist"): (2, 2)}
    assert by_group(themed, "other_manager") == {
        ("tech_bugs", "patient"): (1, 1), ("time_workload", "therapist"): (2, 2)}
    leeds_only = Filters(services=(themed.leeds.id,))
    assert by_group(themed, "other_manager", leeds_only) == {}
    assert polarity_by_theme(db.session, themed.users["other_manager"], leeds_only, k=1).empty
    assert quotes(db.session, themed.users["other_manager"], leeds_only, "time_workload",
                  k=1) == []
    assert quotes(db.session, themed.users["other_manager"], Filters(), "training_needs",
                  k=1) == []


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(groups=("patient",)), {("tech_bugs", "patient"): (4, 4),
                                    ("usability", "patient"): (2, 2),
                                    ("time_workload", "patient"): (1, 1)}),
    (Filters(programmes=("anxiety",)), {("tech_bugs", "patient"): (1, 1),
                                        ("time_workload", "therapist"): (2, 2)}),
    (Filters(start=date(2025, 4, 1)), {("time_workload", "therapist"): (2, 2)}),
    (Filters(end=date(2025, 3, 31), groups=("therapist",)),
     {("time_workload", "therapist"): (6, 6), ("training_needs", "therapist"): (2, 2)}),
])
def test_filters_narrow_the_counts(themed, filters, expected):
    """Group, programme and period filters apply in the query."""
    assert by_group(themed, "lead", filters) == expected


def test_filtering_by_service(themed):
    """The lead narrowed to Bristol sees Bristol's numbers."""
    assert by_group(themed, "lead", Filters(services=(themed.bristol.id,))) == \
        by_group(themed, "other_manager")


def test_polarity_by_theme(themed):
    """Barrier, facilitator and neutral mentions per theme, with all mentions and respondents."""
    frame = polarity_by_theme(db.session, themed.users["lead"], Filters(), k=1)
    assert cells(frame, ["theme"], ["barrier", "facilitator", "neutral", "mentions",
                                    "respondents"]) == {
        ("tech_bugs",): (3, 0, 1, 4, 4), ("usability",): (1, 1, 0, 2, 2),
        ("time_workload",): (9, 0, 0, 9, 9), ("training_needs",): (0, 2, 0, 2, 2)}
    assert list(frame["theme"]) == ["tech_bugs", "usability", "time_workload", "training_needs"]


def test_polarity_cells_are_suppressed_with_their_own_respondents(themed):
    """k 2, hand-worked (respondents per cell equal the mentions here):

                        barrier  facilitator  neutral
        tech_bugs          3          0          1    ← neutral primary; row: barrier 3 hides
        usability          1          1          0    ← both primary
        time_workload      9          0          0
        training_needs     0          2          0    ← facilitator column had one hidden
                                                          cell: its next smallest (2) hides;
                                                          the row total (2 ≥ k, shown) would
                                                          then show it, so a zero hides too.
    The neutral column keeps its lone small cell: its total is 1, itself below k.
    """
    frame = polarity_by_theme(db.session, themed.users["lead"], Filters(), k=2)
    got = cells(frame, ["theme"], ["barrier", "facilitator", "neutral", "mentions",
                                   "respondents"])
    assert got == {("tech_bugs",): (None, 0, None, 4, 4), ("usability",): (None, None, 0, 2, 2),
                   ("time_workload",): (9, 0, 0, 9, 9),
                   ("training_needs",): (None, None, 0, 2, 2)}
    assert frame.set_index("theme")["suppressed"].to_dict() == {
        "tech_bugs": True, "usability": True, "time_workload": False, "training_needs": True}
    # A theme from fewer than k respondents hides its totals as well.
    small = polarity_by_theme(db.session, themed.users["lead"], Filters(), k=3)
    assert cells(small, ["theme"], ["mentions", "respondents"])[("usability",)] == (None, None)


def test_theme_trend_by_month(themed):
    """Mentions per YYYY-MM and theme, on both backends."""
    frame = theme_trend(db.session, themed.users["lead"], Filters(), k=1)
    assert cells(frame, ["month", "theme"], ["mentions", "respondents"]) == {
        ("2025-03", "tech_bugs"): (4, 4), ("2025-03", "usability"): (2, 2),
        ("2025-03", "time_workload"): (7, 7), ("2025-03", "training_needs"): (2, 2),
        ("2025-04", "time_workload"): (2, 2)}
    assert list(frame["month"]) == sorted(frame["month"])
    manager = theme_trend(db.session, themed.users["manager"], Filters(), k=1)
    assert cells(manager, ["month", "theme"], ["mentions"])[("2025-03", "time_workload")] == (5,)


def test_cooccurrence_counts_themes_on_the_same_answer(themed):
    """P1's one answer carries tech_bugs and usability; P2's two answers do not co-occur."""
    frame = cooccurrence(db.session, themed.users["lead"], Filters(), k=1)
    got = {frozenset((a, b)): (answers, people) for a, b, answers, people in
           frame[["theme_a", "theme_b", "answers", "respondents"]].itertuples(index=False)}
    assert got == {frozenset({"tech_bugs", "usability"}): (1, 1),
                   frozenset({"tech_bugs", "time_workload"}): (1, 1),
                   frozenset({"time_workload", "training_needs"}): (2, 2)}
    bristol = cooccurrence(db.session, themed.users["other_manager"], Filters(), k=1)
    assert bristol.empty and list(bristol.columns[:4]) == ["theme_a", "theme_b", "answers",
                                                           "respondents"]


def test_cooccurrence_is_suppressed_below_k(themed):
    """k 2: both single-answer pairs hide; time_workload's row then holds one hidden cell
    (with tech_bugs), so its pair with training_needs (2) hides too; training_needs' row is
    then that complement alone among zeros, so its empty pair with tech_bugs hides (listed)."""
    frame = cooccurrence(db.session, themed.users["lead"], Filters(), k=2)
    assert frame["suppressed"].all() and frame["answers"].isna().all()
    assert {frozenset(pair) for pair in zip(frame["theme_a"], frame["theme_b"], strict=True)} == {
        frozenset({"tech_bugs", "usability"}), frozenset({"tech_bugs", "time_workload"}),
        frozenset({"time_workload", "training_needs"}), frozenset({"tech_bugs", "training_needs"})}


def test_cooccurrence_uses_the_staff_k_for_staff_only_pairs(themed):
    """Staff k 3, patient k 1. The therapists' pair (2 < 3) is the only primary cell; its
    row (time_workload) takes tech_bugs × time_workload (1), whose row (tech_bugs) takes
    tech_bugs × usability (1); usability's row is then that complement alone among zeros,
    so the empty time_workload × usability pair is hidden as well (and listed)."""
    config = {"SUPPRESSION_K_STAFF": 3, "SUPPRESSION_K_PATIENT": 1}
    frame = cooccurrence(db.session, themed.users["lead"], Filters(), config=config)
    got = {frozenset((a, b)): (None if pd.isna(n) else int(n), hidden) for a, b, n, hidden in
           frame[["theme_a", "theme_b", "answers", "suppressed"]].itertuples(index=False)}
    assert got == {frozenset({"tech_bugs", "usability"}): (None, True),
                   frozenset({"tech_bugs", "time_workload"}): (None, True),
                   frozenset({"time_workload", "training_needs"}): (None, True),
                   frozenset({"time_workload", "usability"}): (None, True)}
    patients_only = cooccurrence(db.session, themed.users["lead"], Filters(groups=("patient",)),
                                 config=config)
    assert cells(patients_only, ["theme_a", "theme_b"], ["answers"]) == {
        ("tech_bugs", "usability"): (1,), ("tech_bugs", "time_workload"): (1,)}


def test_theme_by_group_suppression_cascades_with_per_cell_k(themed):
    """Staff k 2, patient k 3. Hand-worked (lead, all data):

                     therapist  patient
        tech_bugs        0         4
        usability        0         2   ← primary (2 < 3)
        time_workload    8         1   ← primary (1 < 3); the row total 9 would reveal it,
        training_needs   2         0      so 8 hides; the therapist column then has one
                                          hidden cell, so its next smallest (2) hides; that
                                          row's total (2 ≥ 2) would show it, so its empty
                                          patient cell hides too (and is listed).
    """
    config = {"SUPPRESSION_K_STAFF": 2, "SUPPRESSION_K_PATIENT": 3}
    got = by_group(themed, "lead", config=config)
    assert got == {("tech_bugs", "patient"): (4, 4), ("usability", "patient"): (None, None),
                   ("time_workload", "therapist"): (None, None),
                   ("time_workload", "patient"): (None, None),
                   ("training_needs", "therapist"): (None, None),
                   ("training_needs", "patient"): (None, None)}


def test_default_k_hides_everything_small(themed):
    """With the defaults (patients 10, staff 5) only the 8 therapists' time_workload would
    pass, and it is the complement of the patients' 1 in its row."""
    frame = theme_by_group(db.session, themed.users["lead"], Filters())
    assert frame["mentions"].isna().all() and frame["suppressed"].all()


def test_structure_counts_follow_the_codebook_levels(themed):
    """working-alliance: a theme level of nodes over subthemes; a node counts distinct
    answers beneath it (P1's answer carries two usability heuristics but counts once)."""
    frame = structure_counts(db.session, themed.users["lead"], WA, k=1)
    assert list(frame.columns[:6]) == ["level", "id", "label", "parent", "answers",
                                       "respondents"]
    rows = frame.set_index("id")
    assert rows.loc["usability_heuristics", ["level", "parent", "label"]].tolist() == [
        "theme", "", "Usability heuristics"]
    assert rows.loc["ease_of_use", ["level", "parent"]].tolist() == ["subtheme",
                                                                     "usability_heuristics"]
    assert rows.loc["ease_of_use", "taggable"] and not rows.loc["task", "taggable"]
    got = cells(frame, ["id"], ["answers", "respondents"])
    assert got[("usability_heuristics",)] == (2, 2)
    assert got[("ease_of_use",)] == (2, 2) and got[("accessibility",)] == (1, 1)
    assert got[("task",)] == (1, 1) and got[("guidance",)] == (1, 1)
    assert got[("bond",)] == (0, 0) and got[("feeling_understood",)] == (0, 0)
    assert list(frame["id"][:4]) == ["bond", "feeling_understood", "genuineness", "partnership"]
    assert sum(v != (0, 0) for v in got.values()) == 5


def test_structure_counts_suppress_siblings_together(themed):
    """k 2: accessibility (1) hides with its sibling ease_of_use (2); at the top, task (1)
    hides with usability_heuristics (2); guidance (1) is task's only child, and task hidden."""
    frame = structure_counts(db.session, themed.users["lead"], WA, k=2)
    got = cells(frame, ["id"], ["answers"])
    for node in ("accessibility", "ease_of_use", "task", "usability_heuristics", "guidance"):
        assert got[(node,)] == (None,), node
    assert got[("bond",)] == (0,)


def test_quotes_need_k_respondents(themed):
    """9 respondents mention time_workload, one a patient: the patient k (10) applies."""
    lead = themed.users["lead"]
    assert quotes(db.session, lead, Filters(), "time_workload") == []
    assert len(quotes(db.session, lead, Filters(), "time_workload", k=9)) == 9
    therapists = quotes(db.session, lead, Filters(), "time_workload", group="therapist")
    assert len(therapists) == 8  # staff only: k 5
    assert quotes(db.session, lead, Filters(), "training_needs") == []  # 2 therapists < 5


def test_quotes_are_de_identified_and_carry_their_tags(themed):
    """Text, theme, polarity, group, service and month; every tag marked person or machine."""
    found = quotes(db.session, themed.users["manager"], Filters(), "time_workload",
                   group="therapist", polarity="barrier", k=1)
    assert len(found) == 6
    assert found[0].text.startswith("Therapist 6") and found[0].month == "2025-04"
    first = next(q for q in found if q.text.startswith("Therapist 1"))
    assert (first.theme, first.polarity, first.group, first.service_name, first.month) == (
        "time_workload", "barrier", "therapist", "Leeds Talking Therapies", "2025-03")
    assert list(first.tags) == [("time_workload", "barrier", False),
                                ("training_needs", "facilitator", False)]
    assert not hasattr(first, "reference") and not hasattr(first, "submitted_at")
    assert quotes(db.session, themed.users["manager"], Filters(), "time_workload",
                  polarity="facilitator", k=1) == []
    assert len(quotes(db.session, themed.users["manager"], Filters(), "time_workload",
                      limit=2, k=1)) == 2


def test_quotes_mask_personal_details(themed):
    """A quote naming someone or giving an address reaches the dashboard masked."""
    respond(themed, themed.links["therapist"], "therapist", "depression",
            {"hinders": "Dr Jane Okafor said email me at jane.okafor@nhs.net or call "
                        "07700 900123 about the waiting list."},
            MARCH, {"hinders": tags(("time_workload", "barrier"))})
    found = quotes(db.session, themed.users["lead"], Filters(), "time_workload",
                   group="therapist", k=1)
    masked = next(q.text for q in found if "waiting list" in q.text)
    assert "Okafor" not in masked and "jane" not in masked.lower() and "07700" not in masked
    assert "[name]" in masked and "[email]" in masked and "[phone]" in masked


def test_quotes_for_a_pair_of_themes(themed):
    """with_theme keeps answers carrying both, and applies k to those respondents."""
    lead = themed.users["lead"]
    pair = quotes(db.session, lead, Filters(), "time_workload", with_theme="training_needs",
                  k=2)
    assert sorted(q.text[:11] for q in pair) == ["Therapist 1", "Therapist 2"]
    assert quotes(db.session, lead, Filters(), "time_workload", with_theme="training_needs",
                  k=3) == []


def test_an_unknown_codebook_version_gives_empty_results(themed):
    """A version number that does not exist: empty frames with their columns, no quotes."""
    filters = Filters(version=99)
    lead = themed.users["lead"]
    for function in (theme_by_group, polarity_by_theme, theme_trend, cooccurrence,
                     structure_counts):
        frame = function(db.session, lead, filters)
        assert frame.empty and "suppressed" in frame.columns, function.__name__
    assert quotes(db.session, lead, filters, "time_workload", k=1) == []


@pytest.mark.parametrize("function", [theme_by_group, polarity_by_theme, theme_trend,
                                      cooccurrence, structure_counts])
def test_each_aggregate_is_one_group_by_query(themed, function):
    """Counting happens in the database: one GROUP BY statement, and tags are never fetched
    row by row (besides it, only the codebook version is read)."""
    statements = []

    def log(conn, cursor, statement, parameters, context, executemany):
        """Record every statement sent."""
        statements.append(statement)

    lead = themed.users["lead"]
    assert lead.role  # load the user now, not inside the logged call
    event.listen(db.engine, "before_cursor_execute", log)
    try:
        filters = WA if function is structure_counts else Filters()
        function(db.session, lead, filters, k=1)
    finally:
        event.remove(db.engine, "before_cursor_execute", log)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2 and "FROM codebook_versions" in selects[0]
    assert "GROUP BY" in selects[1] and "FROM theme_rollups" in selects[1]
