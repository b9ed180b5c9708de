"""Readiness on known data: chosen ORIC/NoMAD answers and people's codings, counted by hand.

ORIC: c = every commitment item (oric_02/04/06/09/11), e = every efficacy item (the other 7);
a respondent's overall score is the mean of the items they answered, (5c + 7e) / 12.

    Leeds therapists, 2025-03-10     c  e     overall   coded "hinders" (lead)
      L1                             4  4     4         time_workload B, training_needs B
      L2                             5  3     46/12     time_workload B, usability F
      L3                             3  -     3         tech_bugs F, work_structures F
    Leeds service manager, 2025-09-10
      M1                             5  5     5         leadership_management F
    Bristol therapists, 2025-03-10
      B1                             2  2     2         time_workload F, patient_fit F
      B2                             1  1     1         clinician_attitudes F, data_protection B,
                                                        tech_bugs neutral
NoMAD: L1 nomad_01 = 4, nomad_02 = not relevant, nomad_g1 = 8; L2 nomad_01 = 2, nomad_02 = 5.
"""

import math
from datetime import date, datetime
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import select

from portal.domain.codebooks import current_version
from portal.domain.dashboard_filters import Filters
from portal.domain.invitations import create_invitation
from portal.domain.readiness import READINESS_FORMULA, cfir_valence, nomad, oric, readiness, waves
from portal.domain.review import TagInput, save_coding
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import Answer

MARCH, SEPTEMBER = datetime(2025, 3, 10, 9, 30), datetime(2025, 9, 10, 9, 30)
FIRST_HALF = Filters(end=date(2025, 6, 30))
T2 = 4.302652729749464  # t(0.975, 2)
T1 = 12.706204736174707  # t(0.975, 1)
COMMITMENT = ("oric_02", "oric_04", "oric_06", "oric_09", "oric_11")
EFFICACY = ("oric_01", "oric_03", "oric_05", "oric_07", "oric_08", "oric_10", "oric_12")
NO_K = {"k": 1}


def oric_answers(c: int | None, e: int | None) -> dict:
    """Every commitment item c and every efficacy item e (None: skipped)."""
    answers = {item: c for item in COMMITMENT if c is not None}
    answers.update({item: e for item in EFFICACY if e is not None})
    return answers


def respond(world, link, role: str, when: datetime, scores: dict, codes: list[tuple]) -> int:
    """Submit a staff response with one "hinders" text, then have the lead code it."""
    answers = {"role": role, "programme": "depression", "years_icbt": 2,
               "hinders": "Some feedback about iCBT in our service.", **scores}
    submission = submit_response(db.session, version=link.instrument.current,
                                 service=link.service, answers=answers,
                                 idempotency_key=new_idempotency_key(), invitation=link, now=when)
    answer = db.session.scalar(select(Answer).where(
        Answer.response_id == submission.response_id, Answer.item_id == "hinders"))
    save_coding(db.session, world.users["lead"], answer,
                current_version(db.session, "icbt-implementation"),
                [TagInput(theme, polarity) for theme, polarity in codes])
    return submission.response_id


@pytest.fixture
def ready(world):
    """The world plus the responses in the module docstring."""
    session = db.session
    leeds, bristol = world.services["leeds"], world.services["bristol"]
    manager_link = create_invitation(session, service=leeds,
                                     instrument=world.instruments["service-manager"],
                                     created_by=world.users["manager"], label="Managers",
                                     days_valid=30, max_uses=10)
    bristol_link = create_invitation(session, service=bristol,
                                     instrument=world.instruments["therapist"],
                                     created_by=world.users["other_manager"], label="Team",
                                     days_valid=30, max_uses=10)
    staff = world.links["therapist"]
    respond(world, staff, "therapist", MARCH,
            {**oric_answers(4, 4), "nomad_01": 4, "nomad_02": "nr_role", "nomad_g1": 8},
            [("time_workload", "barrier"), ("training_needs", "barrier")])
    respond(world, staff, "therapist", MARCH,
            {**oric_answers(5, 3), "nomad_01": 2, "nomad_02": 5},
            [("time_workload", "barrier"), ("usability", "facilitator")])
    respond(world, staff, "therapist", MARCH, oric_answers(3, None),
            [("tech_bugs", "facilitator"), ("work_structures", "facilitator")])
    respond(world, manager_link, "service_manager", SEPTEMBER, oric_answers(5, 5),
            [("leadership_management", "facilitator")])
    respond(world, bristol_link, "therapist", MARCH, oric_answers(2, 2),
            [("time_workload", "facilitator"), ("patient_fit", "facilitator")])
    respond(world, bristol_link, "therapist", MARCH, oric_answers(1, 1),
            [("clinician_attitudes", "facilitator"), ("data_protection", "barrier"),
             ("tech_bugs", "neutral")])
    session.commit()
    return SimpleNamespace(**vars(world), leeds=leeds, bristol=bristol)


def row(frame: pd.DataFrame, **keys) -> dict:
    """The one row matching keys, as a dict with NaN as None."""
    match = frame
    for key, value in keys.items():
        match = match[match[key] == value]
    assert len(match) == 1, f"{len(match)} rows match {keys}"
    return {k: (None if not isinstance(v, str) and v is not None and pd.isna(v) else v)
            for k, v in match.iloc[0].to_dict().items()}


def test_oric_two_level_means_and_t_intervals(ready):
    """Respondent means first, then the service: n, mean, sd and the 95% t-interval."""
    frame = oric(db.session, ready.users["lead"], FIRST_HALF, **NO_K)
    assert list(frame.columns) == ["service_id", "service", "construct", "mean", "n", "sd",
                                   "ci_low", "ci_high", "suppressed"]
    assert list(zip(frame["service"], frame["construct"], strict=True)) == [
        ("Bristol Wellbeing", "change_commitment"), ("Bristol Wellbeing", "change_efficacy"),
        ("Bristol Wellbeing", "overall"), ("Leeds Talking Therapies", "change_commitment"),
        ("Leeds Talking Therapies", "change_efficacy"), ("Leeds Talking Therapies", "overall")]
    commitment = row(frame, service="Leeds Talking Therapies", construct="change_commitment")
    assert commitment["n"] == 3 and commitment["mean"] == pytest.approx(4.0)
    assert commitment["sd"] == pytest.approx(1.0)
    assert commitment["ci_low"] == pytest.approx(4 - T2 / math.sqrt(3))
    assert commitment["ci_high"] == pytest.approx(4 + T2 / math.sqrt(3))
    efficacy = row(frame, service="Leeds Talking Therapies", construct="change_efficacy")
    assert efficacy["n"] == 2 and efficacy["mean"] == pytest.approx(3.5)  # L3 skipped them
    assert efficacy["sd"] == pytest.approx(math.sqrt(0.5))
    assert efficacy["ci_high"] == pytest.approx(3.5 + T1 * math.sqrt(0.5) / math.sqrt(2))
    overall = row(frame, service="Leeds Talking Therapies", construct="overall")
    scores = [4, 46 / 12, 3]
    mean = sum(scores) / 3
    sd = math.sqrt(sum((x - mean) ** 2 for x in scores) / 2)
    assert overall["n"] == 3 and overall["mean"] == pytest.approx(mean)  # 3.6111
    assert overall["sd"] == pytest.approx(sd)
    assert overall["ci_low"] == pytest.approx(mean - T2 * sd / math.sqrt(3))
    bristol = row(frame, service="Bristol Wellbeing", construct="overall")
    assert (bristol["n"], bristol["mean"]) == (2, pytest.approx(1.5))
    assert bristol["sd"] == pytest.approx(math.sqrt(0.5))


def test_oric_single_respondent_has_no_interval(ready):
    """The group filter leaves one manager: a mean, but no sd and no CI (n < 2)."""
    frame = oric(db.session, ready.users["lead"], Filters(groups=("service_manager",)), **NO_K)
    assert set(frame["service"]) == {"Leeds Talking Therapies"}
    overall = row(frame, construct="overall")
    assert (overall["n"], overall["mean"], overall["sd"], overall["ci_low"]) == (1, 5.0, None,
                                                                                 None)


def test_oric_suppresses_means_from_fewer_than_k(ready):
    """The staff k (5 by default) hides every service here; a config k of 3 shows Leeds."""
    hidden = oric(db.session, ready.users["lead"], FIRST_HALF)
    assert hidden["suppressed"].all() and hidden["mean"].isna().all()
    assert list(hidden["n"]) == [2, 2, 2, 3, 2, 3]  # counts stay: they reveal no answers
    shown = oric(db.session, ready.users["lead"], Filters(), config={"SUPPRESSION_K_STAFF": 3})
    leeds = row(shown, service="Leeds Talking Therapies", construct="overall")
    assert not leeds["suppressed"] and leeds["mean"] == pytest.approx(3.9583, abs=1e-4)
    assert row(shown, service="Bristol Wellbeing", construct="overall")["suppressed"]


def test_a_period_that_would_give_away_one_answer_by_subtraction_is_hidden(ready):
    """Leeds's first half (3 therapists) minus all time (4 staff) is September's one manager:
    with k = 3 the all-time mean shows, the first half's is hidden, its n kept."""
    config = {"SUPPRESSION_K_STAFF": 3}
    first_half = row(oric(db.session, ready.users["lead"], FIRST_HALF, config=config),
                     service="Leeds Talking Therapies", construct="overall")
    assert first_half["suppressed"] and first_half["n"] == 3
    assert pd.isna(first_half["mean"])
    unnarrowed = readiness(db.session, ready.users["lead"], Filters(), config=config)
    narrowed = readiness(db.session, ready.users["lead"], FIRST_HALF, config=config)
    assert unnarrowed.set_index("service").loc["Leeds Talking Therapies", "oric_mean"] \
        == pytest.approx(3.9583, abs=1e-4)
    assert "questionnaire" in narrowed.set_index("service").loc["Leeds Talking Therapies",
                                                                 "hidden"]


@pytest.mark.parametrize(("who", "services"), [
    ("lead", {"Leeds Talking Therapies", "Bristol Wellbeing"}),
    ("manager", {"Leeds Talking Therapies"}),
    ("other_manager", {"Bristol Wellbeing"}),
    ("vendor", {"Leeds Talking Therapies"}),  # the vendor's product runs at Leeds only
])
def test_every_view_is_scoped_to_the_users_services(ready, who, services):
    """A Bristol manager sees no Leeds number anywhere, and vice versa."""
    user = ready.users[who]
    for frame in (oric(db.session, user, Filters(), **NO_K),
                  nomad(db.session, user, Filters(), **NO_K),
                  cfir_valence(db.session, user, Filters(), **NO_K),
                  readiness(db.session, user, Filters(), **NO_K),
                  waves(db.session, user, Filters(), **NO_K)):
        assert set(frame["service"]) <= services
    assert set(readiness(db.session, user, Filters(), **NO_K)["service"]) == services


def test_a_service_filter_outside_the_scope_matches_nothing(ready):
    """Asking for Leeds as the Bristol manager gives an empty table, not Leeds."""
    filters = Filters(services=(ready.leeds.id,))
    assert readiness(db.session, ready.users["other_manager"], filters, **NO_K).empty
    assert set(readiness(db.session, ready.users["lead"], filters, **NO_K)["service"]) == {
        "Leeds Talking Therapies"}


def test_nomad_excludes_not_relevant_answers(ready):
    """Coherence: L1 4 (nomad_02 not relevant), L2 (2 + 5) / 2; general: L1's 8 alone."""
    frame = nomad(db.session, ready.users["lead"], Filters(), **NO_K)
    assert list(frame["construct"]) == ["coherence", "general"]
    coherence = row(frame, construct="coherence")
    assert (coherence["n"], coherence["mean"]) == (2, pytest.approx(3.75))
    assert coherence["sd"] == pytest.approx(math.sqrt((4 - 3.75) ** 2 + (3.5 - 3.75) ** 2))
    general = row(frame, construct="general")
    assert (general["n"], general["mean"], general["ci_low"]) == (1, 8.0, None)


def test_cfir_valence_counts_mentions_per_domain(ready):
    """Leeds, first half: Inner setting 2 B + 1 F, Individuals 1 B, Innovation 2 F."""
    frame = cfir_valence(db.session, ready.users["lead"], FIRST_HALF, **NO_K)
    leeds = frame[frame["service"] == "Leeds Talking Therapies"]
    assert list(leeds["cfir_domain"]) == ["Innovation", "Inner setting", "Individuals"]
    inner = row(leeds, cfir_domain="Inner setting")
    assert (inner["barrier"], inner["facilitator"], inner["mentions"], inner["respondents"]) \
        == (2, 1, 3, 3)
    assert inner["valence"] == pytest.approx(2 * (1 - 2) / (3 + 2))  # -0.4
    innovation = row(leeds, cfir_domain="Innovation")
    assert innovation["valence"] == pytest.approx(1.0)  # 2 * 2 / 4
    assert innovation["valence_low"] == pytest.approx(4 * 0.025 ** (1 / 3) - 2)  # Beta(3, 1)
    assert innovation["valence_high"] == pytest.approx(4 * 0.975 ** (1 / 3) - 2)
    individuals = row(leeds, cfir_domain="Individuals")
    assert individuals["valence"] == pytest.approx(-2 / 3)
    # Neutral mentions do not count: Bristol's tech_bugs neutral leaves no Innovation row.
    bristol = frame[frame["service"] == "Bristol Wellbeing"]
    assert "Innovation" in set(bristol["cfir_domain"])  # patient_fit F is Innovation
    assert row(bristol, cfir_domain="Innovation")["mentions"] == 1


def test_cfir_valence_suppresses_with_complements(ready):
    """k = 2 hides Leeds' one-respondent Individuals cell and, as its lone hidden neighbour,
    the smallest other cell of the row (Innovation, 2 respondents)."""
    frame = cfir_valence(db.session, ready.users["manager"], FIRST_HALF, k=2)
    assert row(frame, cfir_domain="Individuals")["suppressed"]
    assert row(frame, cfir_domain="Individuals")["valence"] is None
    assert row(frame, cfir_domain="Innovation")["suppressed"]
    inner = row(frame, cfir_domain="Inner setting")
    assert not inner["suppressed"] and inner["mentions"] == 3


def test_readiness_index_by_hand(ready):
    """Leeds: Q = (3.6111 - 1) / 4 * 100 = 65.28; 3 B, 3 F: v = 0, T = 50; index 57.64.
    Bristol: Q = 12.5; 1 B, 3 F: v = 2/3, T = 66.67; index 39.58, flagged."""
    frame = readiness(db.session, ready.users["lead"], FIRST_HALF, **NO_K)
    assert list(frame["service"]) == ["Bristol Wellbeing", "Leeds Talking Therapies"]
    leeds = row(frame, service="Leeds Talking Therapies")
    mean = (4 + 46 / 12 + 3) / 3
    q = (mean - 1) / 4 * 100
    assert leeds["questionnaire"] == pytest.approx(q)
    assert (leeds["barrier"], leeds["facilitator"], leeds["mentions"]) == (3, 3, 6)
    assert leeds["valence"] == pytest.approx(0.0) and leeds["text"] == pytest.approx(50.0)
    assert leeds["index"] == pytest.approx(0.5 * q + 25)
    assert leeds["index_low"] < leeds["index"] < leeds["index_high"]
    assert leeds["basis"] == "questionnaire and text" and leeds["flag"] is None
    assert leeds["oric_n"] == 3 and leeds["text_respondents"] == 3
    bristol = row(frame, service="Bristol Wellbeing")
    assert bristol["questionnaire"] == pytest.approx(12.5)
    assert bristol["valence"] == pytest.approx(2 / 3)
    assert bristol["text"] == pytest.approx(100 * (2 / 3 + 2) / 4)
    assert bristol["index"] == pytest.approx(0.5 * 12.5 + 0.5 * 100 * (8 / 3) / 4)
    assert "questionnaire points negative" in bristol["flag"]
    assert "coded text points positive" in bristol["flag"]
    assert "0.5" in READINESS_FORMULA and "62.5" in READINESS_FORMULA


def test_readiness_hides_small_components(ready):
    """With the default k (staff 5), neither component of any service may be shown."""
    frame = readiness(db.session, ready.users["lead"], FIRST_HALF)
    leeds = row(frame, service="Leeds Talking Therapies")
    assert leeds["index"] is None and leeds["basis"] == "no data"
    assert leeds["hidden"] == "questionnaire, text" and leeds["oric_mean"] is None


def test_waves_and_change_from_the_previous_wave(ready):
    """Leeds: 2025-01..06 index 57.64; 2025-07..12 (M1 only) Q = 100, v = 2/3, index 83.33."""
    frame = waves(db.session, ready.users["manager"], Filters(), **NO_K)
    assert list(zip(frame["wave"], frame["wave_end"], strict=True)) == [
        ("2025-01", "2025-06"), ("2025-07", "2025-12")]
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["oric_n"] == 3 and pd.isna(first["index_change"])
    assert second["oric_mean"] == pytest.approx(5.0) and second["oric_n"] == 1
    assert pd.isna(second["oric_ci_low"])  # one respondent: no interval
    assert second["valence"] == pytest.approx(2 / 3)
    index = 0.5 * 100 + 0.5 * 100 * (2 / 3 + 2) / 4
    assert second["index"] == pytest.approx(index)
    assert second["index_change"] == pytest.approx(index - first["index"])
    assert second["oric_change"] == pytest.approx(5 - (4 + 46 / 12 + 3) / 3)
    assert second["valence_change"] == pytest.approx(2 / 3)


def test_waves_of_three_months(ready):
    """Quarters: March falls in 2025-01..03, September in 2025-07..09."""
    frame = waves(db.session, ready.users["manager"], Filters(), months=3, **NO_K)
    assert list(frame["wave"]) == ["2025-01", "2025-07"]
    assert list(frame["wave_end"]) == ["2025-03", "2025-09"]
    with pytest.raises(ValueError):
        waves(db.session, ready.users["manager"], Filters(), months=0)


def test_other_codebook_in_filters_still_uses_icbt_tags(ready):
    """Text valence always comes from icbt-implementation (its current version here)."""
    frame = readiness(db.session, ready.users["lead"],
                      FIRST_HALF.with_(codebook="working-alliance"), **NO_K)
    assert row(frame, service="Leeds Talking Therapies")["mentions"] == 6
