"""Server-side sessions: opened at sign-in, checked on every request, ended by signing out, by a new password, by
"sign out my other sessions", after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after sign-in."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request, session
from sqlalchemy import select, update

from events.accounts.models import UserSession
from events.core.audit import record_audit
from events.core.database import begin_write
from events.core.models import User
from events.core.types import utcnow
from events.extensions import db

SESSION_KEY = "sid"  # the key in the signed session cookie that holds the session's token
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often, not on every request


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User) -> str:
    """Start a session for a user who just proved who they are; returns the token for the cookie. Commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash(token),
            user_agent=(request.user_agent.string if has_request_context() else "")[:200],
            ip_address=request.remote_addr if has_request_context() else None,
        )
    )
    db.session.commit()
    return token


def session_is_current(row: UserSession, now: datetime) -> bool:
    config = current_app.config
    return (
        row.ended_at is None
        and now - row.last_seen_at < timedelta(minutes=config["SESSION_IDLE_MINUTES"])
        and now - row.created_at < timedelta(hours=config["SESSION_MAX_HOURS"])
    )


def user_of_session(token: str | None) -> User | None:
    """The user a session token belongs to while the session is current; None once it ended, idled or aged out.

    Called on every request of a signed-in browser; writes last_seen_at at most once a minute."""
    if not token:
        return None
    row = db.session.scalars(select(UserSession).where(UserSession.token_hash == _hash(token))).first()
    now = utcnow()
    if row is None or not session_is_current(row, now):
        return None
    session_id, user_id = row.id, row.user_id
    if now - row.last_seen_at >= TOUCH_EVERY:
        # A write after a read: begin_write ends the read's transaction and takes the write lock first (SQLite:
        # BEGIN IMMEDIATE, waiting for the busy timeout), as upgrading a read transaction fails at once with
        # "database is locked" when another connection wrote in between.
        begin_write()
        db.session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))
        db.session.commit()
    return db.session.get(User, user_id)


def current_session_token() -> str | None:
    return session.get(SESSION_KEY)


def end_session(token: str | None) -> None:
    """Sign out this browser: its session row ends, so a copy of the cookie opens nothing either. Commits."""
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
        db.session.commit()


def end_other_sessions(user: User, keep_token: str | None) -> int:
    """End every open session of a user but the one with keep_token (None: all of them); returns how many.

    Does not commit: the caller commits it with the change that asked for it (a new password, say)."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep_token:
        query = query.where(UserSession.token_hash != _hash(keep_token))
    return db.session.execute(query.values(ended_at=utcnow())).rowcount


def sign_out_other_sessions(user: User, keep_token: str | None) -> int:
    """What the "sign out my other sessions" button does; audited; commits."""
    ended = end_other_sessions(user, keep_token)
    record_audit("session.others_ended", user, summary=f"{user.email}: {ended}")
    db.session.commit()
    return ended


def open_sessions_of(user: User) -> list[tuple[UserSession, bool]]:
    """The user's current sessions, newest first, each with whether it is the one asking."""
    mine = current_session_token()
    now = utcnow()
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    return [(row, bool(mine) and row.token_hash == _hash(mine)) for row in rows if session_is_current(row, now)]
