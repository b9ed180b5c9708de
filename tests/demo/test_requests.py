"""The demo shows requests in several statuses, comments, a vendor login and a training plan."""

from sqlalchemy import func, select

from portal.demo.world import load_demo
from portal.domain.requests import visible_requests
from portal.extensions import db
from portal.models import RequestComment, Role, SupplierRequest, TrainingItem, User


def test_demo_requests(app):
    """Proposals, filed, acknowledged, resolved and closed requests; vendors see only theirs."""
    load_demo(db.session, password="demo password 123", responses=400, seed=3)
    statuses = set(db.session.scalars(select(SupplierRequest.status).distinct()))
    assert {"proposed", "new", "acknowledged", "resolved", "closed"} <= statuses
    assert db.session.scalar(select(func.count()).select_from(RequestComment)) > 0
    assert db.session.scalar(select(func.count()).select_from(TrainingItem)) > 0
    vendors = db.session.scalars(select(User).where(User.role == Role.VENDOR)).all()
    assert vendors
    for vendor in vendors:
        seen = db.session.scalars(visible_requests(vendor)).all()
        assert seen and all(r.vendor_id == vendor.vendor_id for r in seen)
        assert all(r.status not in ("proposed", "dismissed") for r in seen)
