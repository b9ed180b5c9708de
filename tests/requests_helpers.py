"""Shared builders for request tests: requests filed and vendors made through the product's
own functions."""

from datetime import datetime, timedelta

from sqlalchemy import select

from portal.domain.accounts import create_user
from portal.domain.requests import change_status, file_request
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import Product, Role, SupplierRequest
from tests.conftest import PASSWORD

LOGIN_FAULT = "I can't log in to the platform, it keeps rejecting my password"


def product(name: str) -> Product:
    """A product of the world by name."""
    return db.session.scalar(select(Product).where(Product.name == name))


def other_vendor_user(world):
    """A representative of Thrive Digital, whose product Bristol uses."""
    if "other_vendor" not in world.users:
        world.users["other_vendor"] = create_user(
            db.session, email="vendor2@x.test", name="Val Vendor", password=PASSWORD,
            role=Role.VENDOR, vendor=world.vendors["thrive"])
        db.session.commit()
    return world.users["other_vendor"]


def filed(world, service="leeds", product_name="MindStep", by="manager", title="Login fails",
          description="Since Monday nobody can sign in.", kind="bug", priority="high",
          now=datetime(2026, 3, 2, 9, 0), status="new") -> SupplierRequest:
    """A request filed through the domain and committed."""
    db.session.rollback()  # drop a read snapshot older than the requests' writes
    request = file_request(db.session, user=world.users[by], service=world.services[service],
                           product=product(product_name), kind=kind, title=title,
                           description=description, priority=priority, now=now,
                           base_url="http://portal.test", status=status)
    db.session.commit()
    return request


def therapist_feedback(world, text: str = LOGIN_FAULT, when=datetime(2026, 3, 2, 8, 0)):
    """A therapist's response through the write path, with text in the 'hinders' item."""
    db.session.rollback()  # drop a read snapshot older than the requests' writes
    submission = submit_response(
        db.session, version=world.instruments["therapist"].current,
        service=world.services["leeds"],
        answers={"role": "therapist", "programme": "depression", "years_icbt": 2,
                 "hinders": text},
        idempotency_key=new_idempotency_key(), user=world.users["therapist"], now=when)
    db.session.commit()
    return submission


def at(day: int, hour: int = 9) -> datetime:
    """A time in March 2026."""
    return datetime(2026, 3, day, hour, 0)


def move(request, user, status, when):
    """A status change at a fixed time, committed."""
    change_status(db.session, request, user, status, when, "http://portal.test")
    db.session.commit()


def build_history(world):
    """Two Northlight requests answered (one late), two Thrive requests never answered."""
    vendor = world.users["vendor"]
    met = filed(world, priority="high", now=at(2))
    move(met, vendor, "acknowledged", at(2) + timedelta(hours=2))
    move(met, vendor, "resolved", at(2) + timedelta(hours=48))
    late = filed(world, priority="urgent", now=at(3))
    move(late, vendor, "in_progress", at(3) + timedelta(hours=6))
    move(late, vendor, "resolved", at(3) + timedelta(hours=30))
    filed(world, service="bristol", product_name="Thrive iCBT", by="other_manager",
          priority="normal", now=at(4))
    filed(world, service="bristol", product_name="Thrive iCBT", by="other_manager",
          priority="low", now=at(16))
    filed(world, status="proposed", now=at(5))  # a proposal is not the vendor's yet
    return world
