"""Shared builders for request tests: requests filed and vendors made through the product's
own functions."""

from datetime import datetime

from sqlalchemy import select

from portal.domain.accounts import create_user
from portal.domain.requests import file_request
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
