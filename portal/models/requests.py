"""Requests to the supplier (bugs, training, features, questions), their sources, comments,
the training plan, per-service request settings and the e-mail outbox."""

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.clock import utcnow
from portal.models.organisations import Product, Service, Vendor
from portal.models.responses import Answer, Response
from portal.models.users import User


class TrainingItem(db.Model):
    """One entry of a service's training plan: what, for whom, when it was delivered."""

    __tablename__ = "training_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(200), default="")
    scheduled_for: Mapped[date | None]
    delivered_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[Service] = relationship()
    vendor: Mapped[Vendor] = relationship()
    requests: Mapped[list["SupplierRequest"]] = relationship(back_populates="training_item")


class SupplierRequest(db.Model):
    """A tracked request to the supplier about one product used by one service.

    ``version`` is SQLAlchemy's version counter: a save made from a stale form fails instead
    of overwriting a colleague's change.
    """

    __tablename__ = "supplier_requests"
    __table_args__ = (Index("ix_supplier_requests_vendor_status", "vendor_id", "status"),
                      Index("ix_supplier_requests_service_status", "service_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    # May hold patient text; vendors, e-mails and exports only ever see it de-identified.
    description: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    # Copied from the product, so that a vendor's scope is one indexed comparison.
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    status: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16))  # proposal or direct
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_requests.id"),
                                                        index=True)
    training_item_id: Mapped[int | None] = mapped_column(ForeignKey("training_items.id"),
                                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The SLA clocks run from filing (a proposal is not yet the vendor's to answer).
    filed_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    service: Mapped[Service] = relationship()
    product: Mapped[Product] = relationship()
    vendor: Mapped[Vendor] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    duplicate_of: Mapped["SupplierRequest | None"] = relationship(remote_side=[id])
    training_item: Mapped[TrainingItem | None] = relationship(back_populates="requests")
    sources: Mapped[list["RequestSource"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestSource.id")
    reporters: Mapped[list["RequestReporter"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestReporter.id")
    comments: Mapped[list["RequestComment"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestComment.id")

    __mapper_args__ = {"version_id_col": version}


class RequestSource(db.Model):
    """A response answer and theme a request came from."""

    __tablename__ = "request_sources"
    __table_args__ = (UniqueConstraint("request_id", "answer_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("supplier_requests.id",
                                                       ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"),
                                             index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(64))

    request: Mapped[SupplierRequest] = relationship(back_populates="sources")
    response: Mapped[Response] = relationship()
    answer: Mapped[Answer] = relationship()


class RequestReporter(db.Model):
    """A staff member who reported (or was merged into) a request; they hear of its progress."""

    __tablename__ = "request_reporters"
    __table_args__ = (UniqueConstraint("request_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("supplier_requests.id",
                                                       ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    request: Mapped[SupplierRequest] = relationship(back_populates="reporters")
    user: Mapped[User] = relationship()


class RequestComment(db.Model):
    """A comment on a request: shared with the service, or internal to the vendor."""

    __tablename__ = "request_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("supplier_requests.id",
                                                       ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[SupplierRequest] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


class RequestSettings(db.Model):
    """A service's choices for requests: file proposals automatically or wait for a manager."""

    __tablename__ = "request_settings"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    auto_file: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxMessage(db.Model):
    """An e-mail the portal sent or will send; in development the outbox is the mail."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_requests.id",
                                                              ondelete="SET NULL"), index=True)
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(300))
