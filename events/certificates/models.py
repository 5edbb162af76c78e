"""Certificates of attendance, appreciation and prizes, and the batches that issue them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.core.enums import LabelledEnum
from events.core.types import AwareDateTime, utcnow
from events.extensions import db


class BatchStatus(LabelledEnum):
    DRAFT = "draft", _l("Entwurf")
    RENDERING = "rendering", _l("Wird erstellt")
    PACKING = "packing", _l("PDF-Datei fertig, ZIP-Datei wird gepackt")
    DONE = "done", _l("Fertig")
    FAILED = "failed", _l("Fehlgeschlagen")

    ACTIVE = enum.nonmember(frozenset({"rendering", "packing"}))  # a worker is (or should be) at it


class CertificateBatch(db.Model):
    """The settings an organiser chose for one issue of certificates."""

    __tablename__ = "certificate_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # a key of kinds.KINDS
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    design: Mapped[str] = mapped_column(String(20), default="classic")
    title: Mapped[str] = mapped_column(String(200))
    body_template: Mapped[str] = mapped_column(Text)  # with {name}, {event}, {date} ... placeholders
    signatories: Mapped[list] = mapped_column(JSON, default=list)  # [{"name": ..., "office": ...}], at most 3
    place: Mapped[str | None] = mapped_column(String(100))
    issue_date: Mapped[date | None] = mapped_column(Date)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(40))  # image/png or image/svg+xml
    # draft, rendering, packing (the merged PDF is ready, the ZIP is being made), done, failed
    status: Mapped[str] = mapped_column(String(12), default=BatchStatus.DRAFT)
    progress: Mapped[int] = mapped_column(default=0)
    progress_at: Mapped[datetime | None] = mapped_column(AwareDateTime)  # when the rendering last moved
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    send_mail: Mapped[bool] = mapped_column(default=False)  # mail each recipient theirs once rendered
    # attendance: each certificate lists the workshops and hours attended (certificates.attendance)
    list_workshops: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # The worker rendering the batch holds it until lease_until and renews the lease as it goes; a lapsed lease
    # means the worker died, and the next worker takes the batch up (certificates.batches).
    lease_owner: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(AwareDateTime)
    runs: Mapped[int] = mapped_column(default=0)  # how often a worker has taken the batch up
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class Certificate(db.Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), unique=True)  # printed, e.g. "TP-2026-00042"
    code: Mapped[str] = mapped_column(String(20), unique=True)  # random; the short verification URL uses it
    kind: Mapped[str] = mapped_column(String(20))  # a key of kinds.KINDS
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_batches.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recipient_name: Mapped[str] = mapped_column(String(250))
    recipient_email: Mapped[str | None] = mapped_column(String(254))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # the body text with placeholders filled in
    reason: Mapped[str] = mapped_column(String(300))  # what it is for, shown on the verification page
    details: Mapped[dict | None] = mapped_column(JSON)  # prize: place, category, amount; attendance: days
    issuer: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(300))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))

    batch: Mapped[CertificateBatch | None] = relationship()
