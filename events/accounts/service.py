"""Users, passwords, roles and the signed links for password reset and invitations."""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, text

from events.accounts.errors import AccountError
from events.accounts.passwords import spend_hashing_work
from events.accounts.sessions import end_other_sessions
from events.accounts.throttling import record_failed_sign_in
from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.models import Role, User, UserRole
from events.core.outbox import queue_templated_mail
from events.core.types import utcnow
from events.extensions import db

RESET_SALT = "password-reset"
INVITE_SALT = "invitation"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None; failures are audited (a few an hour, see throttling).

    Every attempt spends the same hashing work, whether the account exists, is inactive or has no password yet."""
    user = find_user_by_email(email)
    if user is not None and user.password_hash:
        password_matches = user.check_password(password)
    else:
        spend_hashing_work(password)
        password_matches = False
    if user is not None and user.active and password_matches:
        user.last_login_at = utcnow()
        record_audit("login.success", user, actor=user.email)
        db.session.commit()
        return user
    record_failed_sign_in(normalise_email(email)[:254], user)
    db.session.commit()
    return None


def create_user(email: str, display_name: str, roles: list[str], password: str | None = None) -> User:
    if find_user_by_email(email):
        raise AccountError("exists")
    unknown = set(roles) - {r.value for r in Role}
    if unknown:
        raise AccountError(f"unknown role: {', '.join(sorted(unknown))}")
    user = User(email=normalise_email(email), display_name=display_name.strip() or normalise_email(email))
    user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_audit("user.create", user, summary=f"{user.email}: {', '.join(sorted(set(roles)))}")
    return user


ADMIN_ROLES_LOCK = 7_202_602  # PostgreSQL advisory lock key: one change to admin rights at a time


def _lock_for_admin_change(user: User) -> User:
    """Serialise changes that take admin rights away, so two admins cannot demote each other at once.

    PostgreSQL: one advisory lock, taken before any row lock (a row lock first would deadlock with the
    audit entry's foreign key to the other admin). SQLite: the database's write lock.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.commit()
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMIN_ROLES_LOCK})
        return db.session.get(User, user.id, populate_existing=True)
    return lock_row(User, user.id)


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id))
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
    )


def set_roles(user: User, roles: list[str], active: bool) -> None:
    """Give and take roles and (de)activate; refuses (AccountError "last-admin") to leave no active admin."""
    if Role.ADMIN.value in user.roles and user.active and (Role.ADMIN.value not in roles or not active):
        user = _lock_for_admin_change(user)
        if not _other_active_admins(user):
            db.session.rollback()
            raise AccountError("last-admin")
    before = sorted(user.roles)
    was_active = user.active
    wanted = set(roles)
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=role) for role in sorted(wanted - user.roles)
    ]
    user.active = active
    state = "" if active == was_active else " (reactivated)" if active else " (deactivated)"
    record_audit(
        "user.update",
        user,
        summary=f"{user.email}: {', '.join(before) or '-'} -> {', '.join(sorted(wanted)) or '-'}{state}",
    )


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_password_token(user: User, salt: str = RESET_SALT) -> str:
    # The password stamp is part of the token, so a link stops working once the password changed.
    return _serializer(salt).dumps({"id": user.id, "pw": user.password_stamp})


def user_from_password_token(token: str, salt: str = RESET_SALT) -> User:
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE" if salt == RESET_SALT else "INVITATION_MAX_AGE"]
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError("expired") from error
    except BadSignature as error:
        raise AccountError("invalid") from error
    user = db.session.get(User, data.get("id"))
    if user is None or not user.active or user.password_stamp != data.get("pw"):
        raise AccountError("invalid")
    return user


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active user; says nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    link = current_app.config["BASE_URL"] + url_for("accounts.reset_password", token=make_password_token(user))
    queue_templated_mail(user.email, "password_reset", user=user, link=link)
    record_audit("password.reset_requested", user, actor=user.email)
    db.session.commit()


def send_invitation(user: User) -> None:
    token = make_password_token(user, INVITE_SALT)
    link = current_app.config["BASE_URL"] + url_for("accounts.accept_invitation", token=token)
    queue_templated_mail(user.email, "invitation", user=user, link=link)


def send_invitation_again(user: User) -> None:
    """Mail a pending invitation again; refuses (AccountError "accepted" or "inactive") once it no longer applies.

    An accepted invitation's new link would reset the password, valid for days rather than the reset link's hour.
    """
    if user.password_hash:
        raise AccountError("accepted", name=user.display_name)
    if not user.active:
        raise AccountError("inactive", name=user.display_name)
    send_invitation(user)
    record_audit("user.invitation_resent", user, summary=user.email)


def change_password(user: User, password: str) -> None:
    """Set a new password; every session of the account ends (its other browsers sign in again). Commits."""
    user.set_password(password)
    end_other_sessions(user, keep_token=None)
    record_audit("password.changed", user, actor=user.email)
    db.session.commit()
