"""Queries scoped to what a user may see: the filter sits in the SQL, not after it."""

from sqlalchemy import Select, false, select, true
from sqlalchemy.sql.elements import ColumnElement

from portal.models import Invitation, Product, Response, Role, Service, User, service_products


def service_condition(user: User, service_id_column=Service.id) -> ColumnElement[bool]:
    """Return a SQL condition on a service id column that admits only the user's services."""
    if user.sees_every_service:
        return true()
    if user.role in (Role.MANAGER, Role.THERAPIST) and user.service_id is not None:
        return service_id_column == user.service_id
    if user.role is Role.VENDOR and user.vendor_id is not None:
        vendor_services = (
            select(service_products.c.service_id)
            .join(Product, Product.id == service_products.c.product_id)
            .where(Product.vendor_id == user.vendor_id)
        )
        return service_id_column.in_(vendor_services)
    return false()


def visible_services(user: User) -> Select[tuple[Service]]:
    """Services the user may see, by name."""
    return select(Service).where(service_condition(user)).order_by(Service.name)


def manageable_services(user: User) -> Select[tuple[Service]]:
    """Services whose invitation links the user may manage."""
    if user.sees_every_service:
        return select(Service).order_by(Service.name)
    if user.role is Role.MANAGER:
        return select(Service).where(Service.id == user.service_id)
    return select(Service).where(false())


def manageable_invitations(user: User) -> Select[tuple[Invitation]]:
    """Invitation links the user may see and withdraw, newest first."""
    condition = true() if user.sees_every_service else (
        Invitation.service_id == user.service_id if user.role is Role.MANAGER else false()
    )
    return select(Invitation).where(condition).order_by(Invitation.created_at.desc(),
                                                        Invitation.id.desc())


def own_responses(user: User) -> Select[tuple[Response]]:
    """The user's own submissions, newest first."""
    return (select(Response).where(Response.user_id == user.id)
            .order_by(Response.submitted_at.desc(), Response.id.desc()))


def codable_condition(user: User, service_id_column=Response.service_id) -> ColumnElement[bool]:
    """A SQL condition admitting the services whose answers the user may code."""
    if not user.can_code:
        return false()
    return service_condition(user, service_id_column)
