"""Services, vendors and the products services use."""

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

service_products = Table(
    "service_products",
    db.metadata,
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
)


class Service(db.Model):
    """A mental health service implementing iCBT."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    region: Mapped[str] = mapped_column(String(120))
    programmes: Mapped[list["ServiceProgramme"]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="ServiceProgramme.code"
    )
    products: Mapped[list["Product"]] = relationship(
        secondary=service_products, back_populates="services", order_by="Product.name"
    )

    @property
    def programme_codes(self) -> list[str]:
        """Return the codes of the iCBT programmes this service offers."""
        return [p.code for p in self.programmes]

    def __repr__(self) -> str:
        return f"<Service {self.name!r}>"


class ServiceProgramme(db.Model):
    """One iCBT programme (depression, anxiety, insomnia, ...) a service offers."""

    __tablename__ = "service_programmes"
    __table_args__ = (UniqueConstraint("service_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    service: Mapped[Service] = relationship(back_populates="programmes")


class Vendor(db.Model):
    """A commercial supplier of iCBT programmes."""

    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    products: Mapped[list["Product"]] = relationship(back_populates="vendor",
                                                     order_by="Product.name")


class Product(db.Model):
    """An iCBT platform or programme suite sold by a vendor."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("vendor_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    vendor: Mapped[Vendor] = relationship(back_populates="products")
    services: Mapped[list[Service]] = relationship(
        secondary=service_products, back_populates="products", order_by="Service.name"
    )
