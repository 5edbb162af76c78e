"""Regions, districts, organisations, people, users, the audit log and the mail outbox."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from events.core.enums import LabelledEnum
from events.core.types import AwareDateTime, utcnow
from events.extensions import db


class Region(db.Model):
    """A Regierungsbezirk (Bavaria, Hessen)."""

    __tablename__ = "regions"
    __table_args__ = (UniqueConstraint("state", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(40))  # Bundesland, e.g. "Bayern"

    districts: Mapped[list[District]] = relationship(back_populates="region", order_by="District.name")

    def __str__(self) -> str:
        return self.name


def district_label(name: str, kind: str) -> str:
    """How a district is named on pages and in exports: a kreisfreie Stadt says so, in the reader's language."""
    return gettext("%(name)s (Stadt)", name=name) if kind == "Kreisfreie Stadt" else name


class District(db.Model):
    """A Landkreis or kreisfreie Stadt."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(5), unique=True)  # official 5-digit Kreisschlüssel
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))  # "Landkreis" or "Kreisfreie Stadt"
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="districts")

    @property
    def label(self) -> str:
        return district_label(self.name, self.kind)

    def __str__(self) -> str:
        return self.label


class OrganisationKind(LabelledEnum):
    MINISTRY = "ministry", _l("Ministerium")
    REGIERUNG = "regierung", _l("Regierung (Bezirksregierung)")
    MUNICIPALITY = "municipality", _l("Kommune / Landratsamt")
    FREIWILLIGENAGENTUR = "freiwilligenagentur", _l("Freiwilligenagentur")
    FREIWILLIGEN_ZENTRUM = "freiwilligen_zentrum", _l("Freiwilligen-Zentrum")
    KOBE = "kobe", _l("Koordinierungszentrum Bürgerschaftliches Engagement (KoBE)")
    ASSOCIATION = "association", _l("Verein / Verband")
    INITIATIVE = "initiative", _l("Initiative")
    WELFARE = "welfare", _l("Wohlfahrtsverband")
    OTHER = "other", _l("Sonstige")


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # an OrganisationKind value
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    district: Mapped[District | None] = relationship()
    people: Mapped[list[Person]] = relationship(back_populates="organisation", order_by="Person.last_name")

    def __str__(self) -> str:
        return self.name


# The registration form matches a typed organisation name against the directory in any case (registration.registering).
Index("ix_organisations_name_lower", func.lower(Organisation.name))


class Person(db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    function: Mapped[str | None] = mapped_column(String(120))  # e.g. "Integrationslotsin"
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __str__(self) -> str:
        return self.full_name


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administration")
    ORGANISER = "organiser", _l("Organisation (Ministerium)")
    JURY = "jury", _l("Jury")
    CHECKIN = "checkin", _l("Einlass")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None until the invitation is accepted
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    person: Mapped[Person | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def password_stamp(self) -> str:
        """Changes with the password: mailed links and signed-in sessions that carry it end when it changes."""
        return (self.password_hash or "")[-12:]

    def get_id(self) -> str:  # Flask-Login: what the session keeps; see events.load_user
        return f"{self.id}:{self.password_stamp}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def __str__(self) -> str:
        return self.display_name


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))  # a Role value


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))  # who, as text: survives a deleted user; "system", "participant"
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "organisation.create"
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User | None] = relationship()


class MailStatus(LabelledEnum):
    QUEUED = "queued", _l("in der Warteschlange")  # also while it waits for its next try
    SENT = "sent", _l("versandt")
    FAILED = "failed", _l("endgültig fehlgeschlagen")  # the sender gave up (MAX_ATTEMPTS)
    SUPERSEDED = "superseded", _l("nicht versandt, weil nicht mehr zutreffend")  # see outbox.mail_renderer


class OutgoingMail(db.Model):
    """A mail in the outbox. Delivered by the mail service; retried with back-off."""

    __tablename__ = "outgoing_mails"
    __table_args__ = (Index("ix_outgoing_mails_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    recipient: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str | None] = mapped_column(String(254))  # e.g. the contact address of the event it is about
    subject: Mapped[str | None] = mapped_column(String(300))  # None until a deferred mail is rendered
    body_text: Mapped[str | None] = mapped_column(Text)  # None until a deferred mail is rendered
    body_html: Mapped[str | None] = mapped_column(Text)
    # Deferred mails are rendered by the sender, not by the request that queued them: the name of a
    # registered renderer and its arguments (plain values). Keeps QR codes and calendar files off the hot path.
    renderer: Mapped[str | None] = mapped_column(String(60))
    render_args: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    message_id: Mapped[str | None] = mapped_column(String(200))
    eml_path: Mapped[str | None] = mapped_column(String(300))  # file name under MAIL_FOLDER when no SMTP is set
    topic: Mapped[str | None] = mapped_column(String(60))  # e.g. "registration.confirmation"
    # what the mail is about, as "kind:id" ("registration:42", "nomination:7"; see outbox.about): it is deleted
    # with that object's personal data, and a task that queues it twice finds it already there
    about: Mapped[str | None] = mapped_column(String(60), index=True)

    attachments: Mapped[list[OutgoingMailAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="OutgoingMailAttachment.id"
    )


class OutgoingMailAttachment(db.Model):
    __tablename__ = "outgoing_mail_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("outgoing_mails.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))  # e.g. "text/calendar; method=REQUEST"
    data: Mapped[bytes] = mapped_column(LargeBinary)
    inline_cid: Mapped[str | None] = mapped_column(String(100))  # Content-ID when shown inline in the HTML body


class PeriodicRun(db.Model):
    """A time slot of a periodic job, taken by the worker that runs it (core.jobs.periodic_job): a second worker
    finds the slot taken and does not run the job again."""

    __tablename__ = "periodic_runs"

    name: Mapped[str] = mapped_column(String(150), primary_key=True)  # the job, e.g. "events.core.tasks.retry_mail"
    slot: Mapped[datetime] = mapped_column(AwareDateTime, primary_key=True)  # the scheduled time of this run
    started_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, index=True)


class StoredFile(db.Model):
    """A generated file kept in the database (core.storage with FILE_STORAGE=database), so that every app machine
    can serve it."""

    __tablename__ = "stored_files"

    area: Mapped[str] = mapped_column(String(40), primary_key=True)  # "certificates", "mail"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
