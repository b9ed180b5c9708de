"""Typed SQLAlchemy models; import from here."""

from portal.models.audit import AuditEvent
from portal.models.clock import utcnow
from portal.models.coding import (
    AgreementSnapshot,
    Codebook,
    CodebookVersion,
    Coding,
    CodingSample,
    Tag,
    TaggerState,
)
from portal.models.instruments import Instrument, InstrumentVersion
from portal.models.invitations import Invitation
from portal.models.jobs import Job
from portal.models.organisations import Product, Service, ServiceProgramme, Vendor, service_products
from portal.models.requests import (
    OutboxMessage,
    RequestComment,
    RequestReporter,
    RequestSettings,
    RequestSource,
    SupplierRequest,
    TrainingItem,
)
from portal.models.responses import Answer, Response
from portal.models.rollups import ScoreRollup, ThemeRollup
from portal.models.safety import RiskFlag
from portal.models.sessions import LoginFailure, UserSession
from portal.models.users import Role, User

__all__ = [
    "AgreementSnapshot",
    "AuditEvent",
    "Codebook",
    "CodebookVersion",
    "Coding",
    "CodingSample",
    "Job",
    "LoginFailure",
    "Tag",
    "TaggerState",
    "ThemeRollup",
    "Answer",
    "Instrument",
    "InstrumentVersion",
    "Invitation",
    "OutboxMessage",
    "Product",
    "RequestComment",
    "RequestReporter",
    "RequestSettings",
    "RequestSource",
    "Response",
    "RiskFlag",
    "Role",
    "ScoreRollup",
    "Service",
    "ServiceProgramme",
    "SupplierRequest",
    "TrainingItem",
    "User",
    "UserSession",
    "Vendor",
    "service_products",
    "utcnow",
]
