"""The one write path: validation, idempotency, invitation use, anonymity."""

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from portal.database import begin_write
from portal.domain.answers import AnswersInvalid
from portal.domain.invitations import InvitationUnavailable
from portal.domain.submissions import new_idempotency_key, new_reference, submit_response
from portal.extensions import db
from portal.models import Answer, Invitation, Response
from tests.conftest import fresh

ANSWERS = {"programme": "anxiety", "helped": "Knowing someone would read my worksheet."}


def submit(world, key=None, answers=ANSWERS, **kwargs):
    """Submit a patient response through the Leeds poster link."""
    instrument = world.instruments["patient"]
    defaults = {"version": instrument.current, "service": world.services["leeds"],
                "answers": answers, "idempotency_key": key or new_idempotency_key(),
                "invitation": world.links["patient"]}
    return submit_response(db.session, **{**defaults, **kwargs})


def test_stores_answers_typed_and_counts_the_use(world):
    """Text goes to value_text, the programme is kept on the response, the link counts one."""
    submission = submit(world)
    db.session.commit()
    assert submission.created
    stored = fresh().get(Response, submission.response.id)
    assert stored.answer_map() == ANSWERS
    assert stored.programme == "anxiety"
    assert fresh().get(Invitation, world.links["patient"].id).uses == 1


def test_patient_time_is_coarsened_to_the_day_and_no_user_kept(world):
    """Even a signed-in staff member answering a patient link leaves no trace."""
    submission = submit(world, user=world.users["therapist"], now=datetime(2026, 5, 4, 17, 23, 9))
    assert submission.response.submitted_at == datetime(2026, 5, 4)
    assert submission.response.user_id is None


def test_staff_time_is_kept_to_the_second(world):
    """Staff responses keep their time."""
    instrument = world.instruments["therapist"]
    submission = submit(world, version=instrument.current, invitation=None,
                        user=world.users["therapist"],
                        answers={"role": "therapist", "programme": "depression",
                                 "years_icbt": "2", "helps": "Protected time."},
                        now=datetime(2026, 5, 4, 17, 23, 9, 555))
    assert submission.response.submitted_at == datetime(2026, 5, 4, 17, 23, 9)
    assert submission.response.user_id == world.users["therapist"].id
    assert submission.response.answer_map()["years_icbt"] == 2


def test_the_same_key_twice_returns_the_first_response(world):
    """Idempotency: the second call finds the first."""
    key = new_idempotency_key()
    first = submit(world, key)
    db.session.commit()
    second = submit(world, key, answers={"helped": "something else"})
    assert not second.created and second.response.id == first.response.id
    assert fresh().scalar(select(func.count()).select_from(Response)) == 1


def test_a_key_reused_on_another_form_is_refused(world):
    """A key belongs to one service and instrument."""
    key = new_idempotency_key()
    submit(world, key)
    db.session.commit()
    with pytest.raises(ValueError, match="another form"):
        submit(world, key, version=world.instruments["therapist"].current, invitation=None,
               user=world.users["therapist"],
               answers={"role": "therapist", "programme": "depression", "years_icbt": "1",
                        "helps": "Protected time."})


def test_invalid_answers_raise_with_every_problem(world):
    """All problems are reported at once and nothing is written."""
    with pytest.raises(AnswersInvalid) as error:
        submit(world, answers={"programme": "astrology", "helped": "x" * 10_001,
                               "is_admin": "1"})
    assert set(error.value.item_errors) == {"programme", "helped"}
    assert "is_admin" in error.value.form_errors[0]
    db.session.rollback()
    assert fresh().scalar(select(func.count()).select_from(Answer)) == 0


@pytest.mark.parametrize("who", ["manager", "vendor", "lead"])
def test_staff_cannot_answer_another_groups_survey_without_a_link(world, who):
    """Without an invitation, the role decides."""
    with pytest.raises(PermissionError):
        submit(world, version=world.instruments["therapist"].current, invitation=None,
               user=world.users[who], answers={"role": "therapist", "programme": "depression",
                                               "years_icbt": "1", "helps": "x"})


def test_a_link_is_only_for_its_own_service(world):
    """A Leeds link cannot store a Bristol response."""
    with pytest.raises(PermissionError):
        submit(world, service=world.services["bristol"])


def test_references_are_readable_and_distinct():
    """Reference codes avoid look-alike characters."""
    codes = {new_reference() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 14 and not set(c) & set("01ILOU") for c in codes)


def race(app, world, keys: list[str]) -> list[object]:
    """Submit concurrently from separate sessions, one thread per key; return outcomes."""
    barrier = threading.Barrier(len(keys))
    outcomes: list[object] = [None] * len(keys)
    version_id, service_id = world.instruments["patient"].current.id, world.services["leeds"].id
    link_id = world.links["patient"].id

    def worker(index: int, key: str) -> None:
        """One client: its own app context, session and transaction."""
        from portal.models import InstrumentVersion, Service

        with app.app_context():
            barrier.wait()
            try:
                begin_write(db.session)
                outcome = submit_response(
                    db.session, version=db.session.get(InstrumentVersion, version_id),
                    service=db.session.get(Service, service_id), answers=ANSWERS,
                    idempotency_key=key, invitation=db.session.get(Invitation, link_id))
                reference = outcome.reference
                db.session.commit()
                outcomes[index] = reference
            except Exception as error:  # noqa: BLE001 - the outcome is what we assert on
                db.session.rollback()
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, k)) for i, k in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_concurrent_twins_store_one_response(app, world):
    """Two requests with the same key at the same moment: one response, both see it."""
    key = new_idempotency_key()
    db.session.commit()
    outcomes = race(app, world, [key] * 4)
    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert len(set(outcomes)) == 1
    assert fresh().scalar(select(func.count()).select_from(Response)) == 1
    assert fresh().get(Invitation, world.links["patient"].id).uses == 1


def test_the_last_use_goes_to_exactly_one_of_concurrent_submissions(app, world):
    """The use limit holds under concurrency."""
    world.links["patient"].max_uses = 1
    db.session.commit()
    outcomes = race(app, world, [new_idempotency_key() for _ in range(4)])
    stored = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, InvitationUnavailable)]
    assert len(stored) == 1 and len(refused) == 3, outcomes
    assert fresh().scalar(select(func.count()).select_from(Response)) == 1
