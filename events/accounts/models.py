"""Signed-in sessions, kept on the server so that they can be ended there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from events.core.types import AwareDateTime, utcnow
from events.extensions import db


class UserSession(db.Model):
    """One sign-in of one user in one browser. The browser's cookie carries a random token; this row keeps only its
    hash, so that a copy of the database opens no session. Signing out, a new password or "sign out my other
    sessions" end the row; a cookie whose row has ended, been idle too long or grown too old opens nothing."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the cookie's token, hex
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)  # updated at most once a minute
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")  # to tell the sessions apart on the list
    ip_address: Mapped[str | None] = mapped_column(String(45))
