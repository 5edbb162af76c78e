"""The audit log: who did what, when, to which object."""

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import update

from events.core.models import AuditEntry
from events.extensions import db


def record_audit(
    action: str, obj=None, summary: str = "", details: dict | None = None, actor: str | None = None
) -> None:
    """Write an audit entry in the current transaction: it is committed or rolled back with the change it describes.

    A plain INSERT rather than an ORM object: entries are never changed afterwards, and on busy paths such as
    registration this keeps the unit of work small. The values go in as parameters of one fixed statement, which
    SQLAlchemy compiles once.
    """
    # Who is signed in, even when this very change deactivated their own account (is_authenticated is then False).
    user = current_user if has_request_context() and not current_user.is_anonymous else None
    db.session.execute(
        AuditEntry.__table__.insert(),
        {
            "action": action,
            "user_id": user.id if user else None,
            "actor": actor or (user.email if user else "system"),
            "object_type": type(obj).__name__ if obj is not None else None,
            "object_id": str(obj.id) if obj is not None and getattr(obj, "id", None) is not None else None,
            "summary": summary[:500],
            "details": details,
            "ip_address": request.remote_addr if has_request_context() else None,
        },
    )


REDACTED = "–"  # what the audit log shows instead of a deleted summary


def redact_audit_entries(object_type: str, object_ids) -> None:
    """Remove summary, details and IP address of the entries about these objects (their personal data is deleted);
    the action and its time stay."""
    ids = [str(object_id) for object_id in object_ids]
    if ids:
        db.session.execute(
            update(AuditEntry)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id.in_(ids))
            .values(summary=REDACTED, details=None, ip_address=None)
        )
