"""Scoped queries: who sees which services, links and responses."""

import pytest

from portal.domain.scoping import manageable_invitations, manageable_services, visible_services
from portal.extensions import db


@pytest.mark.parametrize(("who", "expected"), [
    ("admin", {"leeds", "bristol"}), ("lead", {"leeds", "bristol"}), ("manager", {"leeds"}),
    ("other_manager", {"bristol"}), ("therapist", {"leeds"}), ("vendor", {"leeds"})])
def test_visible_services(world, who, expected):
    """Leads see all; staff their own; a vendor the services using its products."""
    user = world.users[who]
    names = {s.name for s in db.session.scalars(visible_services(user))}
    assert names == {world.services[k].name for k in expected}
    for key, service in world.services.items():
        assert user.can_view_service(service) is (key in expected)


@pytest.mark.parametrize(("who", "count"), [("lead", 2), ("manager", 2), ("other_manager", 0),
                                            ("therapist", 0), ("vendor", 0)])
def test_manageable_links(world, who, count):
    """Only leads and the service's manager manage its links."""
    user = world.users[who]
    assert len(db.session.scalars(manageable_invitations(user)).all()) == count
    services = db.session.scalars(manageable_services(user)).all()
    assert all(user.can_manage_invitations(s) for s in services)
