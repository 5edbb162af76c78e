"""Every model of the application, imported in one place so Alembic and create_app see them all."""

from events.awards.models import (
    AwardCategory,
    AwardProgramme,
    ConflictDeclaration,
    Criterion,
    DocumentRequest,
    JuryMember,
    JuryReview,
    Nomination,
    NominationDocument,
    Round,
    Score,
)
from events.certificates.models import Certificate, CertificateBatch
from events.checkin.models import CheckIn, Device
from events.core.models import (
    AuditEntry,
    District,
    Organisation,
    OutgoingMail,
    OutgoingMailAttachment,
    Person,
    Region,
    User,
    UserRole,
)
from events.meetings.models import Event, EventSeries, EventSession, EventStaff, Question
from events.registration.models import Invitation, Registration, WorkshopChoice

__all__ = [
    "AwardCategory",
    "AwardProgramme",
    "ConflictDeclaration",
    "Criterion",
    "DocumentRequest",
    "JuryMember",
    "JuryReview",
    "Nomination",
    "NominationDocument",
    "Round",
    "Score",
    "AuditEntry",
    "Certificate",
    "CertificateBatch",
    "CheckIn",
    "Device",
    "District",
    "Event",
    "EventSeries",
    "EventSession",
    "EventStaff",
    "Invitation",
    "Organisation",
    "OutgoingMail",
    "OutgoingMailAttachment",
    "Person",
    "Question",
    "Region",
    "Registration",
    "User",
    "UserRole",
    "WorkshopChoice",
]
