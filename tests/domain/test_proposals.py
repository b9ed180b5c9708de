"""Proposals in the write path: which themes propose what, titles de-identified."""

from sqlalchemy import select

from portal.domain.proposals import proposal_title
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import RequestSettings, SupplierRequest
from tests.requests_helpers import LOGIN_FAULT, therapist_feedback


def requests() -> list[SupplierRequest]:
    """Every request, oldest first."""
    return list(db.session.scalars(select(SupplierRequest).order_by(SupplierRequest.id)))


def test_a_login_fault_proposes_one_bug_report(app, world):
    """Two technology themes on one answer make one proposal with both as sources."""
    therapist_feedback(world, LOGIN_FAULT)
    [proposal] = requests()
    assert (proposal.kind, proposal.status, proposal.origin) == ("bug", "proposed", "proposal")
    assert proposal.title == f"Bug report: {LOGIN_FAULT}"
    assert proposal.product.name == "MindStep" and proposal.filed_at is None
    assert {s.theme for s in proposal.sources} == {"tech_bugs", "integration_it"}
    assert [r.user_id for r in proposal.reporters] == [world.users["therapist"].id]


def test_training_and_supplier_feedback(app, world):
    """training_needs proposes a training request; vendor_relationship feedback."""
    therapist_feedback(world, "We need more training on how to use the messaging for new "
                              "staff. The supplier never answers our emails.")
    kinds = [r.kind for r in requests()]
    assert {"training", "feedback"} <= set(kinds) and len(kinds) == len(set(kinds))


def test_patient_text_in_titles_is_masked(app, world):
    """A patient's words name nobody in the title the vendor will read."""
    submit_response(db.session, version=world.instruments["patient"].current,
                    service=world.services["leeds"],
                    answers={"programme": "depression",
                             "hindered": "My name is Olivia and the app keeps crashing when I "
                                         "log in, call me on 07700 900123."},
                    idempotency_key=new_idempotency_key(), invitation=world.links["patient"])
    db.session.commit()
    titles = [r.title for r in requests()]
    assert titles and all("Olivia" not in t and "07700" not in t for t in titles)


def test_automatic_filing_and_quiet_answers(app, world):
    """Auto-filing files at once; an answer with no such theme proposes nothing."""
    therapist_feedback(world, "Protected time each week helps a lot.")
    assert requests() == []
    db.session.add(RequestSettings(service_id=world.services["leeds"].id, auto_file=True))
    db.session.commit()
    therapist_feedback(world, LOGIN_FAULT)
    [filed] = requests()
    assert filed.status == "new" and filed.filed_at is not None


def test_titles_are_short():
    """Long answers are cut at a word, first sentence only."""
    title = proposal_title("training", "Training " + "very " * 40 + "long. Second sentence.")
    assert title.startswith("Training request: Training very") and title.endswith("…")
    assert len(title) < 120
