"""Every scan at the door, and the devices that scan."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.core.models import User
from events.core.types import AwareDateTime, utcnow
from events.extensions import db
from events.registration.models import Registration


class Device(db.Model):
    """A scanning device with its own API token (shown once, stored hashed)."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # e.g. "Door 2 tablet"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class CheckIn(db.Model):
    """One scan, good or bad. A successful, not undone scan admits the person for its scope."""

    __tablename__ = "checkins"
    __table_args__ = (
        # at most one standing admission per registration, day and scope, on every database
        Index(
            "uq_checkins_admitted",
            "registration_id",
            "day",
            "scope",
            unique=True,
            sqlite_where=text("result = 'welcome' AND undone_at IS NULL"),
            postgresql_where=text("result = 'welcome' AND undone_at IS NULL"),
        ),
        UniqueConstraint("device_id", "nonce"),
        Index("ix_checkins_event_at", "event_id", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # the event day (Europe/Berlin) the scan counts for
    scope: Mapped[str] = mapped_column(String(30), default="day")  # "day" or "session:<id>"
    scanned_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    result: Mapped[str] = mapped_column(String(20))  # a ScanResult value
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    device_name: Mapped[str | None] = mapped_column(String(100))
    nonce: Mapped[str | None] = mapped_column(String(64))  # client nonce, makes API retries idempotent
    # SHA-256 of what the request with the nonce asked (ticket or registration, scope): a retry must ask the same
    request_hash: Mapped[str | None] = mapped_column(String(64))
    undone_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    registration: Mapped[Registration | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    device: Mapped[Device | None] = relationship()
