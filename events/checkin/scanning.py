"""Scanning at the door: verify a ticket, admit its holder once per day and scope, record every scan.

A scan is always recorded, good or bad. A welcome is an insert that the partial unique index
`uq_checkins_admitted` allows only once per registration, day and scope; when two doors scan the same
ticket at the same moment, the second insert fails and that scan is answered "already checked in".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from events.checkin import welcome
from events.checkin.models import CheckIn, Device
from events.checkin.results import ScanOutcome, ScanResult, door_person, person_summary
from events.checkin.scopes import DAY_SCOPE, berlin_time, event_days, session_of_scope
from events.core.audit import record_audit
from events.core.database import begin_write
from events.core.models import District, User, district_label
from events.core.types import utcnow
from events.directory.person_details import PersonDetails
from events.extensions import db
from events.meetings.models import Event, EventSession, EventStatus, SessionKind
from events.registration.days import booked_day_dates
from events.registration.models import Registration, RegistrationStatus, WorkshopChoice
from events.registration.tickets import parse_ticket_token, signature_is_valid

# A device's "last seen" time is written at most once a minute (the devices page shows it to the minute), not with
# every scan.
DEVICE_SEEN_STEP = timedelta(minutes=1)


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
    token: str | None,
    *,
    user: User | None = None,
    device=None,
    device_name: str | None = None,
    nonce: str | None = None,
    scope: str = DAY_SCOPE,
    now: datetime | None = None,
    checked: tuple[str | None, TicketHolder | None] | None = None,
    request_hash: str | None = None,
) -> ScanOutcome:
    """Check a scanned ticket in, record the scan, commit, and say what the door should show.

    This is the hot path at the door, so it works on table rows (SQLAlchemy Core) rather than ORM objects.
    `event` needs id, ticket_key, starts_at, ends_at and status; `device` id and name. `checked` is the code
    already checked (the device API does that with the device's lookup, see device_for_token).
    """
    now = now or utcnow()
    problem, holder = checked if checked is not None else check_ticket(event, token)
    return _admit_or_refuse(event, holder, problem, user, device, device_name, nonce, scope, now, request_hash)


def check_ticket(event, token: str) -> tuple[str | None, TicketHolder | None]:
    """(problem, holder) for a scanned code: its signature is checked first (verify_ticket), then its holder read."""
    problem, code = verify_ticket(event, token)
    if problem is not None:
        return problem, None
    return holder_problem(code, _ticket_holder(event.id, code.registration_id))


def holder_problem(code, holder: TicketHolder | None) -> tuple[str | None, TicketHolder | None]:
    if holder is None:
        return ScanResult.INVALID, None  # no such registration at this event
    if holder.ticket_version != code.version:
        return ScanResult.REPLACED, holder  # a re-issued ticket's old code (the scan is logged with the person)
    return None, holder


def check_in_registration(event, registration: Registration, **door) -> ScanOutcome:
    """Check a person in without their code (found by search); door: the keywords of scan_ticket (user, device,
    device_name, nonce, scope, now, request_hash)."""
    return scan_ticket(event, None, checked=(None, _ticket_holder(event.id, registration.id)), **door)


@dataclass
class TicketHolder:
    """The registration a scan is about: what the door decides on and what it shows."""

    id: int
    status: str
    ticket_version: int
    workshop_ids: frozenset[int]
    person: dict


# The door's statements are built once; each scan only binds its values.
HOLDER_COLUMNS = (
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


def with_holder_details(query):
    """The holder's district and workshops, in programme order (one row per chosen workshop, at least one)."""
    return (
        query.outerjoin(District, District.id == Registration.district_id)
        .outerjoin(WorkshopChoice, WorkshopChoice.registration_id == Registration.id)
        .outerjoin(EventSession, EventSession.id == WorkshopChoice.session_id)
        .order_by(EventSession.starts_at, EventSession.id)
    )


_HOLDER_QUERY = with_holder_details(
    select(*HOLDER_COLUMNS).where(
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
    return holder_of(db.session.connection().execute(_HOLDER_QUERY, parameters).all())


def holder_of(rows) -> TicketHolder | None:
    """The ticket holder from the rows of HOLDER_COLUMNS; None when no registration was found."""
    if not rows or rows[0].registration_id is None:
        return None
    row = rows[0]
    district = district_label(row.district_name, row.district_kind) if row.district_name else ""
    details = PersonDetails.named(
        row.first_name, row.last_name, organisation=row.organisation_name or "", district_label=district
    )
    workshops = [r.workshop_title for r in rows if r.workshop_id is not None]
    person = door_person(row.registration_id, details, workshops, welcome.lines_for(row.registration_id))
    workshop_ids = frozenset(r.workshop_id for r in rows if r.workshop_id is not None)
    return TicketHolder(row.registration_id, row.registration_status, row.ticket_version, workshop_ids, person)


def _refusal(event, holder: TicketHolder, scope: str, day: date) -> str | None:
    """Why a genuine ticket does not admit its holder for this day and scope, or None."""
    if holder.status == RegistrationStatus.CANCELLED:
        return ScanResult.CANCELLED
    if holder.status != RegistrationStatus.CONFIRMED:
        return ScanResult.INVALID
    if day not in event_days(event) or event.status == EventStatus.CANCELLED:
        return ScanResult.NOT_TODAY
    booked = booked_day_dates(holder.id)
    if booked is not None and day not in booked:  # a day not chosen, or one still waited for
        return ScanResult.NOT_BOOKED_DAY
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


class NonceReused(Exception):  # noqa: N818 - named for what happened
    """A device sent a nonce again with another request (another ticket, say): answered 409, never replayed."""


def _admit_or_refuse(event, holder, problem, user, device, device_name, nonce, scope, now, request_hash=None):
    """Decide, then record the scan in one short write transaction and commit.

    The reads before (device, ticket holder) run without the write lock; the write transaction (SQLite: BEGIN
    IMMEDIATE, see begin_write) holds it only for the scan's insert and, once a minute, the device's last-seen
    time. A welcome is an insert that the partial unique index allows once per person, day and scope; when it does
    nothing, the person is in already, and that scan is recorded as "already". A nonce seen before from this
    device makes the insert fail: nothing of the scan is kept, and the first answer is given again when the request
    is the same (request_hash), else NonceReused.
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
        "request_hash": request_hash if nonce else None,
    }
    # the door sees whom a genuine ticket of this event belongs to, also when it does not admit them (cancelled)
    shown = problem in (None, ScanResult.NOT_CHOSEN, ScanResult.CANCELLED)
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
        if earlier.request_hash != (request_hash if nonce else None):
            raise NonceReused() from None
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
