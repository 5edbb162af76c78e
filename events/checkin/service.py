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
from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from events.checkin.models import CheckIn, Device
from events.checkin.tickets import parse_ticket_token, signature_is_valid
from events.core.audit import record_audit
from events.core.database import begin_write
from events.core.models import District, Region, User
from events.core.search import LIKE_ESCAPE, contains_pattern
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventSession, EventStaff
from events.registration.models import Registration, RegistrationStatus, WorkshopChoice

BERLIN = ZoneInfo("Europe/Berlin")
UNDO_WINDOW = timedelta(minutes=10)
SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 25
DAY_SCOPE = "day"


class ScanResult(enum.StrEnum):
    WELCOME = "welcome"
    ALREADY = "already"
    INVALID = "invalid"
    CANCELLED = "cancelled"
    OTHER_EVENT = "other_event"
    NOT_TODAY = "not_today"


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
    """Events the user may scan at that have not ended more than a day ago, soonest first."""
    query = select(Event).where(Event.status != "cancelled", Event.ends_at >= utcnow() - timedelta(days=1))
    if not user.has_role("organiser", "admin"):
        query = query.join(EventStaff, EventStaff.event_id == Event.id).where(EventStaff.user_id == user.id)
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
        return {"welcome": "ok", "already": "warn"}.get(self.result, "bad")

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
        return {
            ScanResult.INVALID: _("Nicht gültig"),
            ScanResult.CANCELLED: _("Storniert"),
            ScanResult.OTHER_EVENT: _("Andere Veranstaltung"),
            ScanResult.NOT_TODAY: _("Nicht heute"),
        }.get(self.result, _("Nicht gültig"))

    @property
    def explanation(self) -> str:
        return {
            ScanResult.INVALID: _("Dieser Code ist kein gültiges Ticket dieser Veranstaltung."),
            ScanResult.CANCELLED: _("Diese Anmeldung wurde storniert."),
            ScanResult.OTHER_EVENT: _("Dieses Ticket gehört zu einer anderen Veranstaltung."),
            ScanResult.NOT_TODAY: _("Die Veranstaltung findet heute nicht statt."),
        }.get(self.result, "")

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
) -> ScanOutcome:
    """Check a scanned ticket in, record the scan, commit, and say what the door should show.

    This is the hot path at the door, so it works on table rows (SQLAlchemy Core) rather than ORM objects.
    `event` needs id, ticket_key, starts_at, ends_at and status; `device` id and name.
    """
    now = now or utcnow()
    begin_write()
    problem, code = verify_ticket(event, token)
    registration = None
    if problem is None:
        registration = _registration_row(event.id, code.registration_id)
        if registration is None or registration.ticket_version != code.version:
            problem = ScanResult.INVALID  # unknown, or replaced by a re-issued ticket
    return _admit_or_refuse(event, registration, problem, user, device, device_name, nonce, scope, now)


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
    registration_id = registration.id
    begin_write()
    row = _registration_row(event.id, registration_id)
    return _admit_or_refuse(event, row, None, user, device, device_name, nonce, scope, now)


_REGISTRATION_COLUMNS = (
    Registration.id,
    Registration.status,
    Registration.ticket_version,
    Registration.first_name,
    Registration.last_name,
    Registration.organisation_name,
    Registration.district_id,
)


# The door's statements are built once; each scan only binds its values.
_REGISTRATION_QUERY = select(*_REGISTRATION_COLUMNS).where(
    Registration.id == bindparam("registration_id"), Registration.event_id == bindparam("event_id")
)
_WORKSHOPS_QUERY = (
    select(EventSession.title)
    .join(WorkshopChoice, WorkshopChoice.session_id == EventSession.id)
    .where(WorkshopChoice.registration_id == bindparam("registration_id"))
    .order_by(EventSession.starts_at)
)
_DEVICE_SEEN = update(Device.__table__).where(Device.id == bindparam("device_id")).values(last_seen_at=bindparam("now"))
_INSERT_SCAN = insert(CheckIn.__table__).returning(CheckIn.id)


def _registration_row(event_id: int, registration_id: int):
    parameters = {"registration_id": registration_id, "event_id": event_id}
    return db.session.connection().execute(_REGISTRATION_QUERY, parameters).first()


def _person_of_row(row) -> dict:
    """person_summary for a registration row: plain values, workshops in programme order."""
    connection = db.session.connection()
    workshops = connection.execute(_WORKSHOPS_QUERY, {"registration_id": row.id}).scalars()
    district = ""
    if row.district_id is not None:
        found = db.session.get(District, row.district_id)  # districts rarely change: the identity map keeps them
        district = found.label if found else ""
    return {
        "id": row.id,
        "name": f"{row.first_name} {row.last_name}".strip(),
        "organisation": row.organisation_name or "",
        "district": district,
        "workshops": list(workshops),
    }


def _admit_or_refuse(event, registration, problem, user, device, device_name, nonce, scope, now) -> ScanOutcome:
    connection = db.session.connection()
    day = berlin_time(now).date()
    if problem is None:
        if registration.status == RegistrationStatus.CANCELLED:
            problem = ScanResult.CANCELLED
        elif registration.status != RegistrationStatus.CONFIRMED:
            problem = ScanResult.INVALID
        elif day not in event_days(event) or event.status == "cancelled":
            problem = ScanResult.NOT_TODAY
    if device is not None:
        connection.execute(_DEVICE_SEEN, {"device_id": device.id, "now": now})
        device_name = device.name
    values = {
        "event_id": event.id,
        "registration_id": registration.id if registration is not None and problem != ScanResult.OTHER_EVENT else None,
        "day": day,
        "scope": scope,
        "scanned_at": now,
        "user_id": user.id if user is not None else None,
        "device_id": device.id if device is not None else None,
        "device_name": (device_name or "")[:100] or None,
        "nonce": nonce,
    }
    person = _person_of_row(registration) if registration is not None and problem is None else None
    if problem is None:
        # The common second scan of an admitted person: answered without provoking the unique index. The
        # insert below stays guarded by it, for two scans that get here at the same moment (PostgreSQL).
        standing = _standing_row(values["registration_id"], day, scope)
        if standing is not None:
            if device is not None and nonce:
                earlier = _scan_with_nonce(device.id, nonce)
                if earlier is not None:
                    return _replay(earlier)
            return _already(values, person, now, standing)
    try:
        with db.session.begin_nested():  # the savepoint is emitted when the session hands out its connection
            checkin_id = (
                db.session.connection()
                .execute(_INSERT_SCAN, {**values, "result": problem or ScanResult.WELCOME})
                .scalar()
            )
    except IntegrityError:
        # Either this nonce was used before (a retry), or the person is already in for this day and scope.
        if device is not None and nonce:
            earlier = _scan_with_nonce(device.id, nonce)
            if earlier is not None:
                return _replay(earlier)
        if problem is not None:
            raise
        return _already(values, person, now, _standing_row(values["registration_id"], day, scope))
    db.session.commit()
    return ScanOutcome(problem or ScanResult.WELCOME, checkin_id, person, now)


def _already(values: dict, person: dict | None, now: datetime, standing) -> ScanOutcome:
    """Record and answer "already checked in", with when and where the standing admission happened."""
    checkin_id = db.session.connection().execute(_INSERT_SCAN, {**values, "result": ScanResult.ALREADY}).scalar()
    db.session.commit()
    return ScanOutcome(
        ScanResult.ALREADY,
        checkin_id,
        person,
        now,
        earlier_at=standing.scanned_at if standing else None,
        earlier_where=(standing.device_name or standing.display_name) if standing else None,
    )


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
        .order_by(Registration.last_name, Registration.first_name)
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


_DEVICE_QUERY = (
    select(
        Device.id,
        Device.name,
        Event.id.label("event_id"),
        Event.title,
        Event.ticket_key,
        Event.starts_at,
        Event.ends_at,
        Event.status,
    )
    .join(Event, Event.id == Device.event_id)
    .where(Device.token_hash == bindparam("token_hash"), Device.revoked_at.is_(None))
)


@dataclass(frozen=True)
class ScanningDevice:
    id: int
    name: str


@dataclass(frozen=True)
class ScanningEvent:
    """What the door needs to know about an event (the API loads it with the device, in one query)."""

    id: int
    title: str
    ticket_key: str
    starts_at: datetime
    ends_at: datetime
    status: str


def device_for_token(token: str | None) -> tuple[ScanningDevice, ScanningEvent] | None:
    """The active device holding this token, and its event, or None."""
    if not token or len(token) > 200:
        return None
    row = db.session.connection().execute(_DEVICE_QUERY, {"token_hash": hash_device_token(token)}).first()
    if row is None:
        return None
    event = ScanningEvent(row.event_id, row.title, row.ticket_key, row.starts_at, row.ends_at, row.status)
    return ScanningDevice(row.id, row.name), event


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
            .order_by(Registration.last_name, Registration.first_name)
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
                _csv_safe(registration.last_name),
                _csv_safe(registration.first_name),
                _csv_safe(registration.email),
                _csv_safe(registration.organisation_name or ""),
                _csv_safe(registration.district.label if registration.district else ""),
            ]
        )
    return buffer.getvalue()


def _csv_safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


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
