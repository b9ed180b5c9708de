"""Reviewing the engine: the uncertainty queue, and saving a coder's decisions with an audit."""

import copy
import json

import pytest
from sqlalchemy import func, select

from portal.domain.accounts import create_user
from portal.domain.codebooks import add_version, current_version
from portal.domain.invitations import create_invitation
from portal.domain.review import (
    ReviewError,
    TagInput,
    codable_answer,
    codings_of,
    machine_coding,
    queue,
    queue_size,
    save_coding,
)
from portal.domain.samples import create_sample
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import Answer, AuditEvent, Coding, Role
from tests.conftest import PASSWORD, PATIENT_TEXTS, fresh

FAULT = PATIENT_TEXTS[0]["hindered"]  # the engine proposes tech_bugs, a barrier


@pytest.fixture
def bristol(coded):
    """The coded world plus one machine-coded patient response at Bristol."""
    session = db.session
    bristol = coded.services["bristol"]
    link = create_invitation(session, service=bristol, instrument=coded.instruments["patient"],
                             created_by=coded.users["lead"], label="Bristol poster",
                             days_valid=30, max_uses=10)
    coded.bristol_response = submit_response(
        session, version=coded.instruments["patient"].current, service=bristol,
        answers={"helped": "Short videos I could watch on the bus."},
        idempotency_key=new_idempotency_key(), invitation=link)
    session.commit()
    return coded


def icbt():
    """The current implementation codebook version."""
    return current_version(db.session, "icbt-implementation")


def answer_of(text: str) -> Answer:
    """The stored answer with exactly this text."""
    return db.session.scalar(select(Answer).where(Answer.value_text == text))


def last_event(action: str) -> AuditEvent:
    """The newest audit event of an action."""
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id.desc())).first()


def proposal(answer: Answer) -> list[tuple[str, str | None]]:
    """The engine's (theme, polarity) pairs for an answer under icbt-implementation."""
    engine = machine_coding(codings_of(db.session, answer, icbt()))
    return [(t.theme, t.polarity) for t in engine.tags]


# -- the queue --------------------------------------------------------------------------------


def test_a_leeds_coder_queues_leeds_answers_only(bristol):
    """A designated coder's queue is scoped to their service, in the SQL."""
    items = queue(db.session, bristol.users["coder"], icbt())
    assert len(items) == 8
    assert {i.service_id for i in items} == {bristol.services["leeds"].id}
    assert {i.stakeholder_group for i in items} == {"patient"}


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_a_lead_queues_every_service(bristol, who):
    """Leads and admins code everywhere."""
    items = queue(db.session, bristol.users[who], icbt())
    assert len(items) == 9
    assert {i.service_id for i in items} == {s.id for s in bristol.services.values()}


@pytest.mark.parametrize("who", ["therapist", "manager", "vendor", "vendor_coder"])
def test_non_coders_and_vendors_queue_nothing(bristol, who):
    """Staff not designated, and vendors even when flagged, never see answers to code."""
    if who == "vendor_coder":
        user = create_user(db.session, email="vc@x.test", name="Val Vendor", password=PASSWORD,
                           role=Role.VENDOR, vendor=bristol.vendors["northlight"])
        user.is_coder = True
        db.session.commit()
    else:
        user = bristol.users[who]
    assert queue(db.session, user, icbt()) == []
    assert queue_size(db.session, user, icbt()) == 0
    assert codable_answer(db.session, user, answer_of(FAULT).id) is None


def test_the_queue_starts_with_the_least_certain(coded):
    """Uncertainty never rises down the queue, and matches the stored machine codings."""
    items = queue(db.session, coded.users["coder"], icbt())
    values = [i.uncertainty for i in items]
    assert values == sorted(values, reverse=True) and len(set(values)) > 1
    for item in items:
        coding = db.session.get(Coding, item.coding_id)
        assert (coding.answer_id, coding.uncertainty, coding.kind) == (item.answer_id,
                                                                       item.uncertainty,
                                                                       "machine")


def test_the_queue_pages(coded):
    """limit and offset walk the same order."""
    everything = queue(db.session, coded.users["coder"], icbt())
    pages = [queue(db.session, coded.users["coder"], icbt(), limit=3, offset=n)
             for n in (0, 3, 6)]
    assert [i for page in pages for i in page] == everything
    assert queue_size(db.session, coded.users["coder"], icbt()) == 8


def test_an_answer_a_person_coded_leaves_every_queue(coded):
    """Once anyone has coded an answer, nobody's queue offers it again."""
    answer = answer_of(FAULT)
    save_coding(db.session, coded.users["coder"], answer, icbt(), [TagInput("tech_bugs",
                                                                            "barrier")])
    db.session.commit()
    for who in ("coder", "lead"):
        ids = [i.answer_id for i in queue(db.session, coded.users[who], icbt())]
        assert answer.id not in ids and len(ids) == 7


def test_a_coding_under_another_codebook_does_not_take_the_answer_out(coded):
    """Coding the answer for working-alliance leaves it waiting for icbt-implementation."""
    answer = answer_of(FAULT)
    save_coding(db.session, coded.users["coder"], answer,
                current_version(db.session, "working-alliance"), [TagInput("ease_of_use")])
    db.session.commit()
    assert answer.id in [i.answer_id for i in queue(db.session, coded.users["coder"], icbt())]


def test_answers_in_a_blind_sample_are_not_queued(coded):
    """Sampled answers wait for their blind coders, unprimed by the engine."""
    sample = create_sample(db.session, coded.users["lead"], icbt(), name="Pilot",
                           first=coded.users["coder"], second=coded.users["lead"], size=3,
                           seed=7)
    db.session.commit()
    ids = {i.answer_id for i in queue(db.session, coded.users["lead"], icbt())}
    assert len(ids) == 5 and not ids & set(sample.answer_ids)


def test_codable_answer_hides_what_the_user_may_not_code(bristol):
    """A coder opens answers in their scope; elsewhere, and unknown ids, look the same."""
    leeds_answer = answer_of(FAULT)
    bristol_answer = answer_of("Short videos I could watch on the bus.")
    coder, lead = bristol.users["coder"], bristol.users["lead"]
    assert codable_answer(db.session, coder, leeds_answer.id) == leeds_answer
    assert codable_answer(db.session, coder, bristol_answer.id) is None
    assert codable_answer(db.session, lead, bristol_answer.id) == bristol_answer
    assert codable_answer(db.session, lead, 10**6) is None


def test_codable_answer_refuses_a_choice_answer(coded):
    """A programme choice is not free text and has nothing to code."""
    choice = db.session.scalar(select(Answer).where(Answer.item_id == "programme"))
    assert codable_answer(db.session, coded.users["coder"], choice.id) is None


# -- saving a coding --------------------------------------------------------------------------

OTHER = ("usability", "facilitator")


@pytest.mark.parametrize(("change", "expected"), [
    ("accept", {"accepted": ["tech_bugs"], "polarity_changed": [], "rejected": [],
                "added": []}),
    ("accept_and_add", {"accepted": ["tech_bugs"], "polarity_changed": [], "rejected": [],
                        "added": ["usability"]}),
    ("repole", {"accepted": [], "polarity_changed": ["tech_bugs"], "rejected": [],
                "added": []}),
    ("reject", {"accepted": [], "polarity_changed": [], "rejected": ["tech_bugs"],
                "added": []}),
    ("replace", {"accepted": [], "polarity_changed": [], "rejected": ["tech_bugs"],
                 "added": ["usability"]}),
])
def test_each_decision_on_the_proposal_is_audited(coded, change, expected):
    """Accepting, adding, changing polarity and rejecting are written with the coding."""
    answer = answer_of(FAULT)
    assert proposal(answer) == [("tech_bugs", "barrier")]
    tags = {"accept": [TagInput("tech_bugs", "barrier")],
            "accept_and_add": [TagInput("tech_bugs", "barrier"), TagInput(*OTHER)],
            "repole": [TagInput("tech_bugs", "neutral")],
            "reject": [],
            "replace": [TagInput(*OTHER)]}[change]
    coding = save_coding(db.session, coded.users["coder"], answer, icbt(), tags)
    db.session.commit()
    event = last_event("coding.human")
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        coded.users["coder"].id, "answer", answer.id)
    assert event.before is None
    assert event.after == {"coding": coding.id, "kind": "human",
                           "tags": [{"theme": t.theme, "polarity": t.polarity} for t in tags],
                           **expected}


def test_the_coding_is_stored_as_the_coder_s(coded):
    """Kind, coder, version and passages are kept; the engine's coding stays current."""
    answer = answer_of(FAULT)
    coding = save_coding(db.session, coded.users["coder"], answer, icbt(),
                         [TagInput("tech_bugs", "barrier", 8, 30)])
    db.session.commit()
    stored = fresh().get(Coding, coding.id)
    assert (stored.kind, stored.coder_id, stored.codebook_version_id,
            stored.made_against_version_id, stored.current, stored.sample_id) == (
        "human", coded.users["coder"].id, icbt().id, icbt().id, True, None)
    assert [(t.theme, t.polarity, t.span_start, t.span_end) for t in stored.tags] == [
        ("tech_bugs", "barrier", 8, 30)]
    assert stored.made_by == "Cora Coder"
    kinds = [c.kind for c in codings_of(db.session, answer, icbt())]
    assert kinds == ["machine", "human"]


def test_saving_again_replaces_the_coder_s_earlier_coding(coded):
    """The earlier coding is kept for the record, no longer current; the audit shows both."""
    answer = answer_of(FAULT)
    first = save_coding(db.session, coded.users["coder"], answer, icbt(),
                        [TagInput("tech_bugs", "barrier")])
    db.session.commit()
    second = save_coding(db.session, coded.users["coder"], answer, icbt(),
                         [TagInput("usability", "barrier")])
    db.session.commit()
    fresh()
    assert not db.session.get(Coding, first.id).current
    assert db.session.get(Coding, second.id).current
    event = last_event("coding.human")
    assert event.before == {"coding": first.id, "kind": "human",
                            "tags": [{"theme": "tech_bugs", "polarity": "barrier"}]}
    assert event.after["coding"] == second.id


def test_another_coder_s_coding_is_not_replaced(coded):
    """Each person has their own current coding of an answer."""
    answer = answer_of(FAULT)
    mine = save_coding(db.session, coded.users["coder"], answer, icbt(),
                       [TagInput("tech_bugs", "barrier")])
    theirs = save_coding(db.session, coded.users["lead"], answer, icbt(),
                         [TagInput("usability", "barrier")])
    db.session.commit()
    assert fresh().get(Coding, mine.id).current and db.session.get(Coding, theirs.id).current


def test_a_theme_given_twice_is_stored_once(coded):
    """The first of repeated themes wins."""
    coding = save_coding(db.session, coded.users["coder"], answer_of(FAULT), icbt(),
                         [TagInput("tech_bugs", "barrier"), TagInput("tech_bugs", "neutral")])
    assert [(t.theme, t.polarity) for t in coding.tags] == [("tech_bugs", "barrier")]


def test_a_codebook_without_polarity_takes_themes_alone(coded):
    """Working-alliance tags carry no polarity."""
    version = current_version(db.session, "working-alliance")
    coding = save_coding(db.session, coded.users["coder"], answer_of(FAULT), version,
                         [TagInput("ease_of_use")])
    assert [(t.theme, t.polarity) for t in coding.tags] == [("ease_of_use", None)]


LENGTH = len(FAULT)


@pytest.mark.parametrize(("key", "tag", "message"), [
    ("icbt-implementation", TagInput("no_such_theme", "barrier"), "not a theme of this codebook"),
    ("icbt-implementation", TagInput("technology", "barrier"), "not a theme of this codebook"),
    ("working-alliance", TagInput("tech_bugs"), "not a theme of this codebook"),
    ("icbt-implementation", TagInput("tech_bugs", None), "Choose barrier, facilitator"),
    ("icbt-implementation", TagInput("tech_bugs", "positive"), "Choose barrier, facilitator"),
    ("working-alliance", TagInput("ease_of_use", "barrier"), "does not code polarity"),
    ("icbt-implementation", TagInput("tech_bugs", "barrier", 0, LENGTH + 1), "not in the answer"),
    ("icbt-implementation", TagInput("tech_bugs", "barrier", -1, 5), "not in the answer"),
    ("icbt-implementation", TagInput("tech_bugs", "barrier", 5, 5), "not in the answer"),
    ("icbt-implementation", TagInput("tech_bugs", "barrier", 9, 4), "not in the answer"),
    ("icbt-implementation", TagInput("tech_bugs", "barrier", 3, None), "not in the answer"),
    ("icbt-implementation", TagInput("tech_bugs", "barrier", None, 3), "not in the answer"),
])
def test_a_bad_tag_is_refused_and_nothing_is_stored(coded, key, tag, message):
    """Unknown themes, wrong polarities and passages outside the text are refused."""
    count = db.session.scalar(select(func.count()).select_from(Coding))
    with pytest.raises(ReviewError, match=message):
        save_coding(db.session, coded.users["coder"], answer_of(FAULT),
                    current_version(db.session, key), [TagInput("tech_bugs", "barrier"), tag]
                    if key == "icbt-implementation" else [tag])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Coding)) == count
    assert not db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "coding.human"))


def test_the_whole_answer_is_a_valid_passage(coded):
    """A span from 0 to the answer's length is inside it."""
    coding = save_coding(db.session, coded.users["coder"], answer_of(FAULT), icbt(),
                         [TagInput("tech_bugs", "barrier", 0, LENGTH)])
    assert (coding.tags[0].span_start, coding.tags[0].span_end) == (0, LENGTH)


def test_a_stale_codebook_version_is_refused(coded):
    """A page opened before a codebook change cannot save against the old version."""
    old = icbt()
    definition = copy.deepcopy(old.definition)
    definition["themes"][0]["label"] = "Faults and outages"
    add_version(db.session, old.codebook, definition, actor=coded.users["lead"], note="Rename")
    db.session.commit()
    with pytest.raises(ReviewError, match="codebook has changed"):
        save_coding(db.session, coded.users["coder"], answer_of(FAULT), old,
                    [TagInput("tech_bugs", "barrier")])


@pytest.mark.parametrize("who", ["therapist", "manager", "vendor"])
def test_only_coders_save(coded, who):
    """A person who is not a coder is refused before anything is checked."""
    with pytest.raises(PermissionError, match="not a coder"):
        save_coding(db.session, coded.users[who], answer_of(FAULT), icbt(),
                    [TagInput("tech_bugs", "barrier")])


def test_only_a_sample_s_coders_code_in_it(coded):
    """Inside a sample, only its two coders code, unless reconciling."""
    other = create_user(db.session, email="coder2@x.test", name="Cy Coder", password=PASSWORD,
                        role=Role.THERAPIST, service=coded.services["leeds"])
    other.is_coder = True
    sample = create_sample(db.session, coded.users["lead"], icbt(), name="Pilot",
                           first=coded.users["coder"], second=coded.users["lead"], size=2, seed=1)
    db.session.commit()
    answer = db.session.get(Answer, sample.answer_ids[0])
    with pytest.raises(PermissionError, match="not one of this sample's coders"):
        save_coding(db.session, other, answer, icbt(), [], sample=sample)
    reconciled = save_coding(db.session, other, answer, icbt(), [], sample=sample,
                             kind="reconciled")
    assert reconciled.kind == "reconciled" and reconciled.sample_id == sample.id


def test_the_audit_never_holds_the_answer_text(coded):
    """Before and after name ids, themes and polarities; never a word of the answer."""
    answer = answer_of(FAULT)
    for tags in ([TagInput("tech_bugs", "barrier", 0, LENGTH)],
                 [TagInput("usability", "neutral", 4, 30)]):
        save_coding(db.session, coded.users["coder"], answer, icbt(), tags)
        db.session.commit()
    events = db.session.scalars(select(AuditEvent)).all()
    assert events
    stored = json.dumps([[e.before, e.after] for e in events])
    for fragment in ("logging me out", "halfway", "module", FAULT[4:30]):
        assert fragment not in stored
