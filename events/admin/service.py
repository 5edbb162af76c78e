"""Lists for the admin pages."""

from sqlalchemy import select

from events.core.models import AuditEntry, User
from events.core.search import LIKE_ESCAPE, contains_pattern
from events.extensions import db

AUDIT_PAGE_SIZE = 50


def list_users():
    return db.session.scalars(select(User).order_by(User.display_name)).all()


def audit_page(page: int, action: str = "", actor: str = ""):
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if actor:
        query = query.where(AuditEntry.actor.ilike(contains_pattern(actor), escape=LIKE_ESCAPE))
    return db.paginate(query, page=page, per_page=AUDIT_PAGE_SIZE, error_out=False)
