"""Check-in at the door: verify tickets, admit people once per day and scope, undo, devices, figures.

A scan is always recorded, good or bad. A welcome is an insert that the partial unique index
`uq_checkins_admitted` allows only once per registration, day and scope; when two doors scan the same
ticket at the same moment, the second insert fails and that scan is answered "already checked in".
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_time
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from events.checkin.models import CheckIn, Device
from events.core.audit import record_audit
from events.core.database import begin_write, german_order
from events.core.models import District, Region, Role, User, UserRole, district_label
from events.core.search import LIKE_ESCAPE, contains_pattern
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventSession, EventStaff, SessionKind
from events.registration.export import csv_safe
from events.registration.models import Registration, RegistrationStatus, WorkshopChoice
from events.registration.tickets import parse_ticket_token, signature_is_valid

BERLIN = ZoneInfo("Europe/Berlin")
UNDO_WINDOW = timedelta(minutes=10)
SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 25
DAY_SCOPE = "day"
# A device's "last seen" time is written at most once a minute (the devices page shows it to the minute), not with
# every scan.
DEVICE_SEEN_STEP = timedelta(minutes=1)


class ScanResult(enum.StrEnum):
    WELCOME = "welcome"
    ALREADY = "already"
    INVALID = "invalid"
    REPLACED = "replaced"  # the genuine code of a ticket that has been re-issued since
    CANCELLED = "cancelled"
    OTHER_EVENT = "other_event"
    NOT_TODAY = "not_today"
    NOT_CHOSEN = "not_chosen"  # a workshop's check-in for someone who did not choose that workshop


class CheckInError(Exception):
    """A check-in action that is not allowed; the message is shown to the user."""


# ---------------------------------------------------------------------------------------------------------------
# Days and people


def berlin_time(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def event_days(event: Event) -> list[date]:
    """Every calendar day (Europe/Berlin) from the event's start to its end."""
    first = berlin_time(event.starts_at).date()
    last = berlin_time(event.ends_at).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def may_scan(user, event: Event) -> bool:
    """Organisers and admins may scan at every event; check-in staff only where they are assigned."""
    if not user or not user.is_authenticated:
        return False
    if user.has_role("organiser", "admin"):
        return True
    if not user.has_role("checkin"):
        return False
    assigned = db.session.scalar(
        select(EventStaff.id).where(EventStaff.event_id == event.id, EventStaff.user_id == user.id)
    )
    return assigned is not None


def events_for_scanning(user) -> list[Event]:
    """Events the user may scan at that have not ended more than a day ago, soonest first.

    Check-in staff see only published events; organisers see drafts too (marked as such), to prepare their door.
    """
    query = select(Event).where(Event.status != "cancelled", Event.ends_at >= utcnow() - timedelta(days=1))
    if not user.has_role("organiser", "admin"):
        query = query.join(EventStaff, EventStaff.event_id == Event.id).where(
            EventStaff.user_id == user.id, Event.status == "published"
        )
    return list(db.session.scalars(query.order_by(Event.starts_at)))


def scopes_for(event: Event) -> list[tuple[str, str]]:
    """What a scan can count for: the day's entry, or one session of the programme."""
    choices = [(DAY_SCOPE, _("Einlass (Tag)"))]
    for session in event.sessions:
        if session.kind != "break":
            when = format_time(berlin_time(session.starts_at), "short")
            day = berlin_time(session.starts_at).strftime("%d.%m.")
            choices.append((f"session:{session.id}", f"{day} {when} – {session.title}"))
    return choices


def person_summary(registration: Registration) -> dict:
    """Plain values about a person, for the scanner's answer and the API."""
    return {
        "id": registration.id,
        "name": registration.full_name,
        "organisation": registration.organisation_name or "",
        "district": registration.district.label if registration.district else "",
        "workshops": [session.title for session in registration.workshops],
    }


# ---------------------------------------------------------------------------------------------------------------
# Scanning


@dataclass
class ScanOutcome:
    result: str
    checkin_id: int | None = None
    person: dict | None = None
    scanned_at: datetime | None = None
    earlier_at: datetime | None = None  # for "already": when the standing check-in happened
    earlier_where: str | None = None  # and at which device or by whom
    replayed: bool = False  # an API retry with a nonce already seen
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result == ScanResult.WELCOME

    @property
    def tone(self) -> str:
        return {"welcome": "ok", "already": "warn", "not_chosen": "warn"}.get(self.result, "bad")

    @property
    def headline(self) -> str:
        if self.result == ScanResult.WELCOME:
            return _("Willkommen, %(name)s!", name=self.person["name"]) if self.person else _("Willkommen!")
        if self.result == ScanResult.ALREADY:
            if self.earlier_at:
                when = format_time(berlin_time(self.earlier_at), "HH:mm")
                if self.earlier_where:
                    return _("Heute schon eingecheckt um %(time)s (%(where)s)", time=when, where=self.earlier_where)
                return _("Heute schon eingecheckt um %(time)s", time=when)
            return _("Schon eingecheckt")
        return _REFUSAL_TEXTS.get(self.result, _REFUSAL_TEXTS[ScanResult.INVALID])[0]()

    @property
    def explanation(self) -> str:
        texts = _REFUSAL_TEXTS.get(self.result)
        return texts[1]() if texts else ""

    def as_json(self) -> dict:
        return {
            "result": self.result,
            "ok": self.ok,
            "tone": self.tone,
            "headline": self.headline,
            "explanation": self.explanation,
            "checkin_id": self.checkin_id,
            "person": self.person,
            "scanned_at": self.scanned_at.isoformat() if self.scanned_at else None,
            "earlier_at": self.earlier_at.isoformat() if self.earlier_at else None,
            "earlier_where": self.earlier_where,
            "replayed": self.replayed,
        }


# Headline and explanation of each refusal; translated only when shown.
_REFUSAL_TEXTS = {
    ScanResult.INVALID: (
        lambda: _("Nicht gültig"),
        lambda: _("Dieser Code ist kein gültiges Ticket dieser Veranstaltung."),
    ),
    ScanResult.REPLACED: (
        lambda: _("Ersetztes Ticket"),
        lambda: _(
            "Dieses Ticket wurde neu ausgestellt, der alte Code gilt nicht mehr. Bitte lassen Sie sich den neuen "
            "Code zeigen oder suchen Sie die Person mit ihrem Ausweis über die Namenssuche."
        ),
    ),
    ScanResult.CANCELLED: (lambda: _("Storniert"), lambda: _("Diese Anmeldung wurde storniert.")),
    ScanResult.OTHER_EVENT: (
        lambda: _("Andere Veranstaltung"),
        lambda: _("Dieses Ticket gehört zu einer anderen Veranstaltung."),
    ),
    ScanResult.NOT_TODAY: (lambda: _("Nicht heute"), lambda: _("Die Veranstaltung findet heute nicht statt.")),
    ScanResult.NOT_CHOSEN: (
        lambda: _("Nicht für diesen Workshop angemeldet"),
        lambda: _("Diese Person hat den Workshop nicht gewählt und wird hier nicht eingecheckt."),
    ),
}


def verify_ticket(event: Event, token: str) -> tuple[str | None, object]:
    """Check a scanned code's shape and signature without touching the registrations.

    Returns (problem, code): problem is None for a genuine code of this event, else "invalid" or "other_event".
    """
    code = parse_ticket_token(token)
    if code is None:
        return ScanResult.INVALID, None
    if code.event_id != event.id:
        other_key = db.session.scalar(select(Event.ticket_key).where(Event.id == code.event_id))
        if other_key and signature_is_valid(code, other_key):
            return ScanResult.OTHER_EVENT, code
        return ScanResult.INVALID, code
    if not signature_is_valid(code, event.ticket_key):
        return ScanResult.INVALID, code
    return None, code


def scan_ticket(
    event,
    token: str,
    *,
    user: User | None = None,
    device=None,
    device_name: str | None = None,
    nonce: str | None = None,
    scope: str = DAY_SCOPE,
    now: datetime | None = None,
    checked: tuple[str | None, TicketHolder | None] | None = None,
) -> ScanOutcome:
    """Check a scanned ticket in, record the scan, commit, and say what the door should show.

    This is the hot path at the door, so it works on table rows (SQLAlchemy Core) rather than ORM objects.
    `event` needs id, ticket_key, starts_at, ends_at and status; `device` id and name. `checked` is the code
    already checked (the device API does that with the device's lookup, see device_for_token).
    """
    now = now or utcnow()
    problem, holder = checked if checked is not None else check_ticket(event, token)
    return _admit_or_refuse(event, holder, problem, user, device, device_name, nonce, scope, now)


def check_ticket(event, token: str) -> tuple[str | None, TicketHolder | None]:
    """(problem, holder) for a scanned code: its signature is checked first (verify_ticket), then its holder read."""
    problem, code = verify_ticket(event, token)
    if problem is not None:
        return problem, None
    return _holder_problem(code, _ticket_holder(event.id, code.registration_id))


def _holder_problem(code, holder: TicketHolder | None) -> tuple[str | None, TicketHolder | None]:
    if holder is None:
        return ScanResult.INVALID, None  # no such registration at this event
    if holder.ticket_version != code.version:
        return ScanResult.REPLACED, holder  # a re-issued ticket's old code (the scan is logged with the person)
    return None, holder


def check_in_registration(
    event,
    registration: Registration,
    *,
    user: User | None = None,
    device=None,
    device_name: str | None = None,
    nonce: str | None = None,
    scope: str = DAY_SCOPE,
    now: datetime | None = None,
) -> ScanOutcome:
    """Check a person in without their code (found by search)."""
    now = now or utcnow()
    holder = _ticket_holder(event.id, registration.id)
    return _admit_or_refuse(event, holder, None, user, device, device_name, nonce, scope, now)


@dataclass
class TicketHolder:
    """The registration a scan is about: what the door decides on and what it shows."""

    id: int
    status: str
    ticket_version: int
    workshop_ids: frozenset[int]
    person: dict


# The door's statements are built once; each scan only binds its values.
_HOLDER_COLUMNS = (
    Registration.id.label("registration_id"),
    Registration.status.label("registration_status"),
    Registration.ticket_version,
    Registration.first_name,
    Registration.last_name,
    Registration.organisation_name,
    District.name.label("district_name"),
    District.kind.label("district_kind"),
    EventSession.id.label("workshop_id"),
    EventSession.title.label("workshop_title"),
)


def _with_holder_details(query):
    """The holder's district and workshops, in programme order (one row per chosen workshop, at least one)."""
    return (
        query.outerjoin(District, District.id == Registration.district_id)
        .outerjoin(WorkshopChoice, WorkshopChoice.registration_id == Registration.id)
        .outerjoin(EventSession, EventSession.id == WorkshopChoice.session_id)
        .order_by(EventSession.starts_at, EventSession.id)
    )


_HOLDER_QUERY = _with_holder_details(
    select(*_HOLDER_COLUMNS).where(
        Registration.id == bindparam("registration_id"), Registration.event_id == bindparam("event_id")
    )
)
_DEVICE_SEEN = update(Device.__table__).where(Device.id == bindparam("device_id")).values(last_seen_at=bindparam("now"))
_INSERT_SCAN = insert(CheckIn.__table__).returning(CheckIn.id)
# The admission: an insert that does nothing (and returns no id) when the person is already admitted for this
# day and scope, decided by the partial unique index uq_checkins_admitted. Both dialects have the same clause.


def _admission(dialect_insert):
    return (
        dialect_insert(CheckIn.__table__)
        .on_conflict_do_nothing(
            index_elements=["registration_id", "day", "scope"],
            index_where=text("result = 'welcome' AND undone_at IS NULL"),
        )
        .returning(CheckIn.id)
    )


_ADMIT = {"postgresql": _admission(postgresql.insert), "sqlite": _admission(sqlite.insert)}


def _ticket_holder(event_id: int, registration_id: int) -> TicketHolder | None:
    parameters = {"registration_id": registration_id, "event_id": event_id}
    return _holder_of(db.session.connection().execute(_HOLDER_QUERY, parameters).all())


def _holder_of(rows) -> TicketHolder | None:
    """The ticket holder from the rows of _HOLDER_COLUMNS; None when no registration was found."""
    if not rows or rows[0].registration_id is None:
        return None
    row = rows[0]
    district = district_label(row.district_name, row.district_kind) if row.district_name else ""
    person = {
        "id": row.registration_id,
        "name": f"{row.first_name} {row.last_name}".strip(),
        "organisation": row.organisation_name or "",
        "district": district,
        "workshops": [r.workshop_title for r in rows if r.workshop_id is not None],
    }
    workshop_ids = frozenset(r.workshop_id for r in rows if r.workshop_id is not None)
    return TicketHolder(row.registration_id, row.registration_status, row.ticket_version, workshop_ids, person)


def _refusal(event, holder: TicketHolder, scope: str, day: date) -> str | None:
    """Why a genuine ticket does not admit its holder for this day and scope, or None."""
    if holder.status == RegistrationStatus.CANCELLED:
        return ScanResult.CANCELLED
    if holder.status != RegistrationStatus.CONFIRMED:
        return ScanResult.INVALID
    if day not in event_days(event) or event.status == "cancelled":
        return ScanResult.NOT_TODAY
    if scope != DAY_SCOPE:
        session = session_of_scope(event, scope)
        if session is not None and session.kind == SessionKind.WORKSHOP and session.id not in holder.workshop_ids:
            return ScanResult.NOT_CHOSEN
    return None


def _begin_scan_write():
    """The connection, ready to record a scan.

    SQLite: the reads' transaction ends and BEGIN IMMEDIATE takes the write lock (begin_write), so doors queue
    only for the few writes. PostgreSQL locks rows as it writes them, so the reads' transaction simply goes on
    (or, for a device, each statement commits by itself: see statements_commit_themselves).
    """
    if db.session.get_bind().dialect.name == "sqlite":
        begin_write()
    return db.session.connection()


def _admit_or_refuse(event, holder, problem, user, device, device_name, nonce, scope, now) -> ScanOutcome:
    """Decide, then record the scan in one short write transaction and commit.

    The reads before (device, ticket holder) run without the write lock; the write transaction (SQLite: BEGIN
    IMMEDIATE, see begin_write) holds it only for the scan's insert and, once a minute, the device's last-seen
    time. A welcome is an insert that the partial unique index allows once per person, day and scope; when it does
    nothing, the person is in already, and that scan is recorded as "already". A nonce seen before from this
    device makes the insert fail: nothing of the scan is kept, and the first answer is given again.
    """
    day = berlin_time(now).date()
    if problem is None:
        problem = _refusal(event, holder, scope, day)
    if device is not None:
        device_name = device.name
    values = {
        "event_id": event.id,
        "registration_id": holder.id if holder is not None and problem != ScanResult.OTHER_EVENT else None,
        "day": day,
        "scope": scope,
        "scanned_at": now,
        "user_id": user.id if user is not None else None,
        "device_id": device.id if device is not None else None,
        "device_name": (device_name or "")[:100] or None,
        "nonce": nonce,
    }
    shown = problem is None or problem == ScanResult.NOT_CHOSEN
    outcome = ScanOutcome(problem or ScanResult.WELCOME, person=holder.person if shown else None, scanned_at=now)
    connection = _begin_scan_write()
    try:
        if device is not None and (device.last_seen_at is None or now - device.last_seen_at >= DEVICE_SEEN_STEP):
            connection.execute(_DEVICE_SEEN, {"device_id": device.id, "now": now})
        if problem is None:
            admit = _ADMIT[connection.dialect.name]
            outcome.checkin_id = connection.execute(admit, {**values, "result": ScanResult.WELCOME}).scalar()
        if outcome.checkin_id is None:
            if problem is None:  # admitted before (perhaps a moment ago, at another door)
                outcome.result = ScanResult.ALREADY
                standing = _standing_row(values["registration_id"], day, scope)
                if standing is not None:
                    outcome.earlier_at = standing.scanned_at
                    outcome.earlier_where = standing.device_name or standing.display_name
            outcome.checkin_id = connection.execute(_INSERT_SCAN, {**values, "result": outcome.result}).scalar()
    except IntegrityError:
        db.session.rollback()
        earlier = _scan_with_nonce(device.id, nonce) if device is not None and nonce else None
        if earlier is None:
            raise
        return _replay(earlier)
    db.session.commit()
    return outcome


_STANDING_QUERY = (
    select(CheckIn.scanned_at, CheckIn.device_name, User.display_name)
    .outerjoin(User, User.id == CheckIn.user_id)
    .where(
        CheckIn.registration_id == bindparam("registration_id"),
        CheckIn.day == bindparam("day"),
        CheckIn.scope == bindparam("scope"),
        CheckIn.result == ScanResult.WELCOME,
        CheckIn.undone_at.is_(None),
    )
)


def _standing_row(registration_id: int, day: date, scope: str):
    """When and where the person's standing admission for this day and scope happened."""
    parameters = {"registration_id": registration_id, "day": day, "scope": scope}
    return db.session.connection().execute(_STANDING_QUERY, parameters).first()


def _scan_with_nonce(device_id: int, nonce: str) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(CheckIn.device_id == device_id, CheckIn.nonce == nonce))


def _replay(checkin: CheckIn) -> ScanOutcome:
    """The answer to an API retry: what the first request with this nonce got."""
    registration = checkin.registration
    person = (
        person_summary(registration) if registration is not None and checkin.result in ("welcome", "already") else None
    )
    outcome = ScanOutcome(checkin.result, checkin.id, person, checkin.scanned_at, replayed=True)
    if checkin.result == ScanResult.ALREADY and registration is not None:
        standing = _standing_row(registration.id, checkin.day, checkin.scope)
        if standing:
            outcome.earlier_at = standing.scanned_at
            outcome.earlier_where = standing.device_name or standing.display_name
    db.session.commit()
    return outcome


# ---------------------------------------------------------------------------------------------------------------
# Undo and log


def may_undo(checkin: CheckIn, user, now: datetime | None = None) -> bool:
    if checkin.result != ScanResult.WELCOME or checkin.undone_at is not None:
        return False
    if user.has_role("organiser", "admin"):
        return True
    now = now or utcnow()
    return checkin.user_id == user.id and now - checkin.scanned_at <= UNDO_WINDOW


def undo_checkin(checkin: CheckIn, user, now: datetime | None = None) -> None:
    """Take back a mistaken check-in: the same staff member within 10 minutes, or any organiser."""
    now = now or utcnow()
    if checkin.result != ScanResult.WELCOME or checkin.undone_at is not None:
        raise CheckInError(_("Dieser Scan ist kein gültiger Check-in und kann nicht rückgängig gemacht werden."))
    if not may_undo(checkin, user, now):
        raise CheckInError(
            _("Nur wer eingecheckt hat, kann das innerhalb von 10 Minuten rückgängig machen; danach nur das Orga-Team.")
        )
    checkin.undone_at = now
    checkin.undone_by_id = user.id
    name = checkin.registration.full_name if checkin.registration else "?"
    record_audit("checkin.undone", checkin, f"Check-in of {name} on {checkin.day.isoformat()} undone")
    db.session.commit()


def recent_scans(event: Event, user, limit: int = 10) -> list[CheckIn]:
    """The user's own latest scans at this event, for the scanner page."""
    query = (
        select(CheckIn)
        .where(CheckIn.event_id == event.id, CheckIn.user_id == user.id)
        .options(selectinload(CheckIn.registration))
        .order_by(CheckIn.scanned_at.desc(), CheckIn.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def scan_log(event: Event, page: int, result: str | None = None):
    query = (
        select(CheckIn)
        .where(CheckIn.event_id == event.id)
        .options(selectinload(CheckIn.registration), selectinload(CheckIn.user))
        .order_by(CheckIn.scanned_at.desc(), CheckIn.id.desc())
    )
    if result in {r.value for r in ScanResult}:
        query = query.where(CheckIn.result == result)
    return db.paginate(query, page=page, per_page=50, error_out=False)


# ---------------------------------------------------------------------------------------------------------------
# Search


def search_registrations(event: Event, text: str, day: date | None = None) -> list[tuple[Registration, CheckIn | None]]:
    """Confirmed and cancelled registrations whose name or organisation contains the text (2 letters or more)."""
    text = (text or "").strip()
    if len(text) < SEARCH_MIN_LENGTH:
        return []
    pattern = contains_pattern(text)
    full_name = func.lower(Registration.first_name + " " + Registration.last_name)
    query = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED]),
            or_(
                full_name.like(pattern, escape=LIKE_ESCAPE),
                func.lower(func.coalesce(Registration.organisation_name, "")).like(pattern, escape=LIKE_ESCAPE),
            ),
        )
        .options(selectinload(Registration.workshop_choices).selectinload(WorkshopChoice.session))
        .order_by(german_order(Registration.last_name), german_order(Registration.first_name))
        .limit(SEARCH_LIMIT)
    )
    registrations = list(db.session.scalars(query))
    day = day or berlin_time(utcnow()).date()
    standing = {}
    if registrations:
        rows = db.session.scalars(
            select(CheckIn).where(
                CheckIn.registration_id.in_([r.id for r in registrations]),
                CheckIn.day == day,
                CheckIn.scope == DAY_SCOPE,
                CheckIn.result == ScanResult.WELCOME,
                CheckIn.undone_at.is_(None),
            )
        )
        standing = {row.registration_id: row for row in rows}
    return [(registration, standing.get(registration.id)) for registration in registrations]


# ---------------------------------------------------------------------------------------------------------------
# Check-in staff: who may scan at one event besides organisers and admins (see may_scan)


class StaffError(CheckInError):
    """An assignment of check-in staff that is refused; the message is shown to the organiser."""


def staff_of(event: Event) -> list[EventStaff]:
    """The check-in staff assigned to the event, with their accounts, by name."""
    return list(
        db.session.scalars(
            select(EventStaff)
            .join(User, User.id == EventStaff.user_id)
            .where(EventStaff.event_id == event.id)
            .options(selectinload(EventStaff.user))
            .order_by(german_order(User.display_name), User.email)
        )
    )


def may_be_assigned(user: User) -> bool:
    """Only active accounts with the check-in role can be check-in staff of an event."""
    return user.active and user.has_role(Role.CHECKIN)


def assignable_staff(event: Event) -> list[User]:
    """Active accounts with the check-in role that are not yet assigned to the event, by name."""
    assigned = select(EventStaff.user_id).where(EventStaff.event_id == event.id)
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.CHECKIN, User.active.is_(True), User.id.not_in(assigned))
            .order_by(german_order(User.display_name), User.email)
        )
    )


def assign_staff(event: Event, user_id: int) -> EventStaff:
    """Assign a check-in account to the event, write the audit entry and commit.

    Refused with StaffError: an unknown account, one without the check-in role or deactivated, and one that is
    assigned already (also when two requests assign the same person at the same moment: the unique constraint
    decides).
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise StaffError(_("Dieses Benutzerkonto gibt es nicht."))
    if not may_be_assigned(user):
        raise StaffError(_("Zuordnen lassen sich nur aktive Benutzerkonten mit der Rolle „Einlass“."))
    already = _("%(name)s ist dieser Veranstaltung schon zugeordnet.", name=user.display_name)
    if db.session.scalar(select(EventStaff.id).filter_by(event_id=event.id, user_id=user.id)) is not None:
        raise StaffError(already)
    row = EventStaff(event_id=event.id, user_id=user.id)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise StaffError(already) from None
    record_audit(
        "event_staff.assigned",
        event,
        f"Check-in staff {user.display_name} <{user.email}> assigned to event {event.id}",
        {"user_id": user.id},
    )
    db.session.commit()
    return row


def remove_staff(event: Event, staff_id: int) -> User | None:
    """End an assignment of the event, write the audit entry and commit; returns whose it was.

    None when there is no such assignment of this event (removed a moment ago, or one of another event).
    """
    row = db.session.get(EventStaff, staff_id)
    if row is None or row.event_id != event.id:
        return None
    user = row.user
    removed = db.session.execute(delete(EventStaff).where(EventStaff.id == staff_id, EventStaff.event_id == event.id))
    if removed.rowcount == 0:  # a second request removed it in between
        db.session.rollback()
        return None
    record_audit(
        "event_staff.removed",
        event,
        f"Check-in staff {user.display_name} <{user.email}> removed from event {event.id}",
        {"user_id": user.id},
    )
    db.session.commit()
    return user


# ---------------------------------------------------------------------------------------------------------------
# Devices


def hash_device_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_device(event: Event, name: str, user: User) -> tuple[Device, str]:
    """A new scanning device; returns it with its token, which is shown once and stored only hashed."""
    token = "tpd_" + secrets.token_urlsafe(32)
    device = Device(
        event_id=event.id, name=name.strip()[:100], token_hash=hash_device_token(token), created_by_id=user.id
    )
    db.session.add(device)
    db.session.flush()
    record_audit("device.created", device, f"Device {device.name} for event {event.id} created")
    db.session.commit()
    return device, token


def revoke_device(device: Device) -> None:
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        record_audit("device.revoked", device, f"Device {device.name} revoked")
        db.session.commit()


_DEVICE_COLUMNS = (
    Device.id.label("device_id"),
    Device.name.label("device_name"),
    Device.last_seen_at,
    Event.id.label("event_id"),
    Event.title,
    Event.ticket_key,
    Event.starts_at,
    Event.ends_at,
    Event.status.label("event_status"),
)
_ACTIVE_DEVICE = and_(Device.token_hash == bindparam("token_hash"), Device.revoked_at.is_(None))
_DEVICE_QUERY = select(*_DEVICE_COLUMNS).join(Event, Event.id == Device.event_id).where(_ACTIVE_DEVICE)
# The same with the holder of a genuine ticket: a scan through the API needs one query for both.
_DEVICE_AND_HOLDER_QUERY = _with_holder_details(
    select(*_DEVICE_COLUMNS, *_HOLDER_COLUMNS)
    .join(Event, Event.id == Device.event_id)
    .outerjoin(Registration, and_(Registration.id == bindparam("registration_id"), Registration.event_id == Event.id))
    .where(_ACTIVE_DEVICE)
)

# An event's ticket key never changes, so each process keeps the keys it has read: the API checks a code's
# signature before its one query. The key read with the device confirms the kept one; should they ever differ
# (an event id used again after a deletion), the key just read wins.
_TICKET_KEYS: dict[int, str] = {}


def _kept_ticket_key(event_id: int) -> str | None:
    key = _TICKET_KEYS.get(event_id)
    if key is None:
        key = db.session.connection().execute(select(Event.ticket_key).where(Event.id == event_id)).scalar()
        if key is not None:
            _TICKET_KEYS[event_id] = key
    return key


@dataclass(frozen=True)
class ScanningDevice:
    id: int
    name: str
    last_seen_at: datetime | None = None


@dataclass(frozen=True)
class ScanningEvent:
    """What the door needs to know about an event (the API loads it with the device, in one query)."""

    id: int
    title: str
    ticket_key: str
    starts_at: datetime
    ends_at: datetime
    status: str


def device_for_token(token: str | None, ticket: str | None = None):
    """(device, event, checked) for the active device holding this token, or None.

    Given the text of a scanned code, `checked` is that code checked as check_ticket does, (problem, holder):
    the signature is checked first, with the event's kept key, and only a genuine code's holder is read, in the
    same query as the device. Without a code, `checked` is None.
    """
    if not token or len(token) > 200:
        return None
    code = parse_ticket_token(ticket) if ticket is not None else None
    key = _kept_ticket_key(code.event_id) if code is not None else None
    genuine = key is not None and signature_is_valid(code, key)
    parameters = {"token_hash": hash_device_token(token)}
    if genuine:
        parameters["registration_id"] = code.registration_id
    rows = db.session.connection().execute(_DEVICE_AND_HOLDER_QUERY if genuine else _DEVICE_QUERY, parameters).all()
    if not rows:
        return None
    row = rows[0]
    device = ScanningDevice(row.device_id, row.device_name, row.last_seen_at)
    event = ScanningEvent(row.event_id, row.title, row.ticket_key, row.starts_at, row.ends_at, row.event_status)
    if ticket is None:
        return device, event, None
    if genuine and code.event_id == event.id and key == event.ticket_key:
        return device, event, _holder_problem(code, _holder_of(rows))
    if code is not None and code.event_id == event.id:
        _TICKET_KEYS[event.id] = event.ticket_key
    return device, event, check_ticket(event, ticket)  # forged, another event's, or checked with an old key


def devices_of(event: Event) -> list[Device]:
    return list(db.session.scalars(select(Device).where(Device.event_id == event.id).order_by(Device.created_at)))


# ---------------------------------------------------------------------------------------------------------------
# Tickets


def reissue_ticket(registration: Registration) -> None:
    """Give a registration a new ticket code; the old one stops working at once."""
    registration.ticket_version += 1
    record_audit(
        "ticket.reissued",
        registration,
        f"Ticket of {registration.full_name} re-issued (version {registration.ticket_version})",
    )
    db.session.commit()


# ---------------------------------------------------------------------------------------------------------------
# Figures for the dashboard, the API and the exports


def _admitted(event: Event):
    return and_(
        CheckIn.event_id == event.id,
        CheckIn.scope == DAY_SCOPE,
        CheckIn.result == ScanResult.WELCOME,
        CheckIn.undone_at.is_(None),
    )


def expected_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )


def counts_per_day(event: Event) -> list[dict]:
    """For each event day: how many confirmed people are expected and how many are in."""
    expected = expected_count(event)
    rows = db.session.execute(
        select(CheckIn.day, func.count(func.distinct(CheckIn.registration_id)))
        .where(_admitted(event))
        .group_by(CheckIn.day)
    )
    checked = {row[0]: row[1] for row in rows}
    return [{"day": day, "expected": expected, "checked_in": checked.get(day, 0)} for day in event_days(event)]


def status_of(event: Event, registration: Registration) -> list[date]:
    """The days on which the person is checked in."""
    return sorted(
        db.session.scalars(select(CheckIn.day).where(_admitted(event), CheckIn.registration_id == registration.id))
    )


def arrivals(event: Event, day: date, bucket_minutes: int = 15) -> list[tuple[datetime, int]]:
    """Check-ins of one day in buckets of local time, from the first to the last bucket with arrivals."""
    times = db.session.scalars(select(CheckIn.scanned_at).where(_admitted(event), CheckIn.day == day))
    counts: dict[datetime, int] = {}
    for moment in times:
        local = berlin_time(moment)
        start = local.replace(minute=local.minute - local.minute % bucket_minutes, second=0, microsecond=0)
        counts[start] = counts.get(start, 0) + 1
    if not counts:
        return []
    first, last = min(counts), max(counts)
    buckets, current = [], first
    while current <= last:
        buckets.append((current, counts.get(current, 0)))
        current += timedelta(minutes=bucket_minutes)
    return buckets


def arrivals_chart(buckets: list[tuple[datetime, int]], width: int = 720, height: int = 240) -> dict:
    """Bar geometry for the server-drawn SVG chart of arrivals."""
    left, bottom, top = 40, 30, 10
    peak = max((count for _, count in buckets), default=0) or 1
    plot_width, plot_height = width - left - 10, height - bottom - top
    step = plot_width / max(len(buckets), 1)
    bars = []
    for index, (start, count) in enumerate(buckets):
        bar_height = plot_height * count / peak
        bars.append(
            {
                "x": round(left + index * step + step * 0.1, 1),
                "y": round(top + plot_height - bar_height, 1),
                "width": round(step * 0.8, 1),
                "height": round(bar_height, 1),
                "label": start.strftime("%H:%M"),
                "count": count,
                "show_label": len(buckets) <= 12 or index % max(1, len(buckets) // 8) == 0,
                "label_x": round(left + index * step + step / 2, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "peak": peak,
        "axis_y": top + plot_height,
        "left": left,
        "top": top,
    }


def by_region(event: Event) -> list[dict]:
    """Expected and checked-in people per region (via the district given at registration)."""
    region_name = func.coalesce(Region.name, "")
    expected_rows = db.session.execute(
        select(region_name, func.count(Registration.id))
        .select_from(Registration)
        .outerjoin(District, District.id == Registration.district_id)
        .outerjoin(Region, Region.id == District.region_id)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(region_name)
    )
    checked_rows = db.session.execute(
        select(region_name, func.count(func.distinct(CheckIn.registration_id)))
        .select_from(CheckIn)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .outerjoin(District, District.id == Registration.district_id)
        .outerjoin(Region, Region.id == District.region_id)
        .where(_admitted(event))
        .group_by(region_name)
    )
    checked = dict(checked_rows.all())
    rows = [{"region": name, "expected": count, "checked_in": checked.get(name, 0)} for name, count in expected_rows]
    return sorted(rows, key=lambda row: (row["region"] == "", row["region"]))


def no_shows(event: Event) -> list[Registration]:
    """Confirmed registrations that were never checked in on any day."""
    came = select(CheckIn.registration_id).where(_admitted(event), CheckIn.registration_id.is_not(None))
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.id.not_in(came),
            )
            .options(selectinload(Registration.district))
            .order_by(german_order(Registration.last_name), german_order(Registration.first_name))
        )
    )


def event_is_over(event: Event, now: datetime | None = None) -> bool:
    return (now or utcnow()) > event.ends_at


def no_shows_csv(event: Event) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Nachname"), _("Vorname"), _("E-Mail-Adresse"), _("Organisation"), _("Landkreis")])
    for registration in no_shows(event):
        writer.writerow(
            [
                csv_safe(registration.last_name),
                csv_safe(registration.first_name),
                csv_safe(registration.email),
                csv_safe(registration.organisation_name or ""),
                csv_safe(registration.district.label if registration.district else ""),
            ]
        )
    return buffer.getvalue()


def session_of_scope(event, scope: str) -> EventSession | None:
    if not scope.startswith("session:"):
        return None
    try:
        session_id = int(scope.split(":", 1)[1])
        if not 0 < session_id < 2**31:
            return None
    except ValueError:
        return None
    session = db.session.get(EventSession, session_id)
    return session if session is not None and session.event_id == event.id else None


def valid_scope(event: Event, scope: str | None) -> str:
    """The scope if it names the day or one of this event's sessions, else the day."""
    if scope and session_of_scope(event, scope) is not None:
        return scope
    return DAY_SCOPE
