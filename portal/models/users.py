"""Staff accounts, their roles and what each role may do."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.clock import utcnow
from portal.models.organisations import Service, Vendor


class Role(enum.StrEnum):
    """Account roles; patients never have accounts."""

    ADMIN = "admin"
    LEAD = "lead"
    MANAGER = "manager"
    THERAPIST = "therapist"
    VENDOR = "vendor"

    @property
    def label(self) -> str:
        """Return the role's name as people say it."""
        return ROLE_LABELS[self]

    @property
    def stakeholder_group(self) -> str | None:
        """Return the feedback group whose instrument this role answers, if any."""
        return ROLE_GROUPS.get(self)


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.LEAD: "Implementation lead",
    Role.MANAGER: "Service manager",
    Role.THERAPIST: "Therapist",
    Role.VENDOR: "Vendor representative",
}
ROLE_GROUPS = {Role.MANAGER: "service_manager", Role.THERAPIST: "therapist", Role.VENDOR: "vendor"}


class User(UserMixin, db.Model):
    """A staff member with a login."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=20,
                                               values_callable=lambda e: [m.value for m in e]))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Leads always code; other staff code only when a lead or admin designates them.
    is_coder: Mapped[bool] = mapped_column(Boolean, default=False)
    # A designated clinician reviews risk flags for their own service (managers always do).
    is_clinician: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set with a temporary password that an administrator chose: the person picks their own
    # before the portal shows anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[Service | None] = relationship()
    vendor: Mapped[Vendor | None] = relationship()

    @property
    def is_active(self) -> bool:
        """Let Flask-Login refuse disabled accounts."""
        return self.active

    @property
    def sees_every_service(self) -> bool:
        """True for roles that oversee all services."""
        return self.role in (Role.ADMIN, Role.LEAD)

    def can_view_service(self, service: Service) -> bool:
        """May this user see the service's data? Mirrors domain.scoping.visible_services."""
        if self.sees_every_service:
            return True
        if self.role in (Role.MANAGER, Role.THERAPIST):
            return service.id == self.service_id
        if self.role is Role.VENDOR:
            return any(p.vendor_id == self.vendor_id for p in service.products)
        return False

    @property
    def can_code(self) -> bool:
        """May this user review machine tags and code answers (within services they see)?"""
        if self.role is Role.VENDOR:
            return False  # suppliers never read raw feedback text
        return self.sees_every_service or self.is_coder

    @property
    def can_edit_codebooks(self) -> bool:
        """May this user change codebooks? Leads and admins, whose changes apply everywhere."""
        return self.sees_every_service

    def can_review_risk(self, service: Service) -> bool:
        """May this user read and handle the service's risk flags? Mirrors domain.safety.

        Clinical follow-up belongs to the service: its managers and designated clinicians.
        Leads and admins oversee implementation, not patients' care; vendors never see it.
        """
        if self.role is Role.MANAGER or (self.role is Role.THERAPIST and self.is_clinician):
            return service.id == self.service_id
        return False

    @property
    def reviews_risk(self) -> bool:
        """Does this user review risk flags for some service (their own)?"""
        return self.service_id is not None and (
            self.role is Role.MANAGER or (self.role is Role.THERAPIST and self.is_clinician))

    def can_manage_invitations(self, service: Service) -> bool:
        """May this user create and revoke invitation links for the service?"""
        if self.sees_every_service:
            return True
        return self.role is Role.MANAGER and service.id == self.service_id

    def can_answer_as_staff(self, service: Service) -> bool:
        """May this user submit their own group's instrument for the service while logged in?"""
        if self.role.stakeholder_group is None:
            return False
        if self.role is Role.VENDOR:
            return self.can_view_service(service)
        return service.id == self.service_id

    def __repr__(self) -> str:
        return f"<User {self.email!r} {self.role.value}>"
