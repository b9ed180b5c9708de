"""The training plan: requests rolled up into items, scheduling, and mentions around delivery."""

from datetime import date, datetime

import pytest

from portal.domain.requests import RequestInvalid
from portal.domain.training_plan import (
    add_to_plan,
    find_item,
    mentions_around,
    plan,
    schedule,
    unplanned,
)
from portal.extensions import db
from tests.requests_helpers import filed, therapist_feedback

TRAINING = "We need more training on how to use the messaging for new staff"


def test_requests_roll_up_into_a_plan_the_vendor_delivers(app, world):
    """Two requests into one item; scheduled, delivered; mentions fall afterwards."""
    vendor = world.users["vendor"]
    for day in (3, 10):  # two training-need mentions before delivery
        therapist_feedback(world, TRAINING, when=datetime(2026, 2, day, 9))
    therapist_feedback(world, "Protected time each week helps.", when=datetime(2026, 4, 2, 9))
    first = filed(world, kind="training", title="Onboarding for new staff")
    second = filed(world, kind="training", title="Messaging refresher", by="therapist")
    assert {r.id for r in unplanned(db.session, vendor)} == {first.id, second.id}
    item = add_to_plan(db.session, vendor, first, topic="Messaging and onboarding",
                       audience="New therapists")
    add_to_plan(db.session, vendor, second, item=item)
    db.session.commit()
    [line] = plan(db.session, world.users["manager"])
    assert (line.item.topic, line.requests, line.responses) == ("Messaging and onboarding", 2, 0)
    assert unplanned(db.session, vendor) == []
    assert mentions_around(db.session, item) is None
    schedule(db.session, vendor, item, scheduled_for=date(2026, 3, 20), today=date(2026, 3, 1))
    with pytest.raises(RequestInvalid, match="future"):
        schedule(db.session, vendor, item, delivered_on=date(2026, 3, 20),
                 today=date(2026, 3, 1))
    schedule(db.session, vendor, item, delivered_on=date(2026, 3, 1), today=date(2026, 3, 1))
    db.session.commit()
    assert mentions_around(db.session, item, k=1) == {"before": 2, "after": 0, "k": 1}
    # Two respondents are fewer than the staff k (5): the count is hidden, the empty side not.
    assert mentions_around(db.session, item) == {"before": None, "after": 0, "k": 5}


def test_plan_scope_and_sides(app, world):
    """Only the vendor side plans; other services and vendors do not see the item."""
    request = filed(world, kind="training", title="Onboarding")
    with pytest.raises(RequestInvalid, match="vendor"):
        add_to_plan(db.session, world.users["manager"], request, topic="x")
    with pytest.raises(RequestInvalid, match="what the training"):
        add_to_plan(db.session, world.users["vendor"], request, topic=" ")
    bug = filed(world, title="Crash")
    with pytest.raises(RequestInvalid, match="Only training"):
        add_to_plan(db.session, world.users["vendor"], bug, topic="x")
    item = add_to_plan(db.session, world.users["vendor"], request, topic="Onboarding")
    db.session.commit()
    assert find_item(db.session, world.users["other_manager"], item.id) is None
    assert find_item(db.session, world.users["manager"], item.id) is item
    assert plan(db.session, world.users["other_manager"]) == []
