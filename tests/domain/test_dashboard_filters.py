"""Dashboard filters round-trip through the URL and always stay inside the user's scope."""

from datetime import date

from sqlalchemy import func, select

from portal.domain.dashboard_filters import (
    Filters,
    codebook_version,
    data_version,
    response_conditions,
)
from portal.extensions import db
from portal.models import Response


def test_a_view_round_trips_through_its_query_string():
    """Every filter survives to_query and from_query."""
    view = Filters(services=(2, 5), groups=("patient", "therapist"), programmes=("anxiety",),
                   start=date(2026, 1, 1), end=date(2026, 6, 30), codebook="working-alliance",
                   version=3)
    again = Filters.from_query(view.to_query())
    assert again == Filters(services=(2, 5), groups=("therapist", "patient"),
                            programmes=("anxiety",), start=date(2026, 1, 1),
                            end=date(2026, 6, 30), codebook="working-alliance", version=3)


def test_malformed_values_are_dropped_not_fatal():
    """Junk in a shared link gives the default view, never an error."""
    view = Filters.from_query("service=abc&service=99999999999999999999&group=surgeon"
                              "&from=yesterday&codebook=../etc&version=-1&programme=%3Cb%3E"
                              "&service=%C2%B2&version=%C2%B2")
    assert view == Filters()


def count(user, view: Filters) -> int:
    """Responses the user sees through the filters."""
    return db.session.scalar(select(func.count()).select_from(Response)
                             .where(*response_conditions(user, view)))


def test_a_manager_asking_for_another_service_sees_nothing(coded):
    """Scope first: the Bristol manager naming Leeds in the URL gets zero rows."""
    leeds = coded.services["leeds"].id
    assert count(coded.users["manager"], Filters(services=(leeds,))) == 4
    assert count(coded.users["other_manager"], Filters(services=(leeds,))) == 0
    assert count(coded.users["lead"], Filters(groups=("therapist",))) == 0


def test_the_codebook_version_and_the_data_version(coded):
    """The named version resolves; new data moves the cache key."""
    assert codebook_version(db.session, Filters()).number == 1
    assert codebook_version(db.session, Filters(version=7)) is None
    before = data_version(db.session)
    from portal.domain.submissions import new_idempotency_key, submit_response

    submit_response(db.session, version=coded.instruments["patient"].current,
                    service=coded.services["leeds"], answers={"helped": "The reminders."},
                    idempotency_key=new_idempotency_key(), invitation=coded.links["patient"])
    db.session.commit()
    assert data_version(db.session) > before
