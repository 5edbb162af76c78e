"""Lists for the admin pages."""

from sqlalchemy import select

from events.accounts.service import create_user, send_invitation, send_invitation_again, set_roles
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


def create_and_invite_user(email: str, display_name: str, roles: list[str]) -> User:
    """Create an account and mail its invitation link; refused (AccountError "exists") for a known address."""
    user = create_user(email, display_name, roles)
    send_invitation(user)
    db.session.commit()
    return user


def change_roles(user: User, roles: list[str], active: bool) -> None:
    """Give the account these roles and this state; refused (AccountError "last-admin") when no active admin
    would be left."""
    set_roles(user, roles, active)
    db.session.commit()


def invite_again(user: User) -> None:
    """Mail a pending invitation again; refused (AccountError "accepted", "inactive") once it no longer applies."""
    send_invitation_again(user)
    db.session.commit()
