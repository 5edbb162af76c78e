"""Every model of the application, imported in one place so Alembic and create_app see them all."""

from events.accounts.models import UserSession
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
from events.registration.day_models import DayPlace, EventDay, RegistrationDay
from events.registration.models import Invitation, Registration, WorkshopChoice
from events.tandems.models import (
    BlockComment,
    BlockSuggestion,
    BlockVersion,
    GroupMember,
    GuidelineBlock,
    GuidelineChapter,
    TandemGroup,
    TandemMeeting,
    TandemPair,
    TandemProgramme,
)

__all__ = [
    "AuditEntry",
    "BlockComment",
    "BlockSuggestion",
    "BlockVersion",
    "Certificate",
    "CertificateBatch",
    "CheckIn",
    "DayPlace",
    "Device",
    "District",
    "Event",
    "EventSeries",
    "EventSession",
    "EventDay",
    "EventStaff",
    "GroupMember",
    "GuidelineBlock",
    "GuidelineChapter",
    "Invitation",
    "Organisation",
    "OutgoingMail",
    "OutgoingMailAttachment",
    "Person",
    "Question",
    "Region",
    "Registration",
    "RegistrationDay",
    "TandemGroup",
    "TandemMeeting",
    "TandemPair",
    "TandemProgramme",
    "User",
    "UserRole",
    "UserSession",
    "WorkshopChoice",
]
