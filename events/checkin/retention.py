"""What check-in holds of personal data: the check-ins stay (they carry none and every figure counts them), the
audit entries about them lose their summary once their registration is anonymised (privacy.retention)."""

from sqlalchemy import select

from events.checkin.models import CheckIn
from events.core.audit import redact_audit_entries
from events.extensions import db


def forget_registrations(registration_ids: list[int]) -> None:
    """The audit entries about these anonymised registrations' check-ins lose summary, details and IP address."""
    checkins = db.session.scalars(select(CheckIn.id).where(CheckIn.registration_id.in_(registration_ids)))
    redact_audit_entries("CheckIn", list(checkins))
