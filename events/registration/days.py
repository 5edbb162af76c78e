"""Registration per day for multi-day events: which days may be booked one by one, their capacity, and the places
registrants hold on them (the database backs the capacity: see day_models).

A confirmed registrant who chooses a day that is full waits for it on the day's own waiting list (their other days
stay booked); a place given back on a day (a cancellation, a day dropped, a larger capacity) goes at once to the
first waiting for that day, who is mailed with an updated invite.

Every function that hands out or gives back places runs under the event's row lock (events.core.database.lock_row),
taken by its caller, as the event's capacity and workshop places do.
"""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from sqlalchemy import delete, func, select

from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.timezone import days_between
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration import mails
from events.registration.day_models import DayPlace, EventDay, RegistrationDay
from events.registration.models import Registration, RegistrationStatus


def _error(code: str):
    from events.registration.errors import RegistrationError

    return RegistrationError(code)


def days_of(event_id: int) -> list[EventDay]:
    """The days of an event booked one by one, in order; [] for an event booked as a whole."""
    return list(db.session.scalars(select(EventDay).where(EventDay.event_id == event_id).order_by(EventDay.day)))


def day_fill(event_id: int) -> dict[int, int]:
    """Registrants holding a place per day (event day id): confirmed, and held for an address to be confirmed; not
    those waiting for the day."""
    rows = db.session.execute(
        select(RegistrationDay.event_day_id, func.count(RegistrationDay.id))
        .join(Registration, Registration.id == RegistrationDay.registration_id)
        .join(EventDay, EventDay.id == RegistrationDay.event_day_id)
        .where(
            EventDay.event_id == event_id,
            Registration.status.in_(RegistrationStatus.TAKES_PLACE),
            RegistrationDay.waiting_position.is_(None),
        )
        .group_by(RegistrationDay.event_day_id)
    )
    return dict(rows.all())


def day_is_full(day: EventDay, fill: dict[int, int]) -> bool:
    return day.capacity is not None and fill.get(day.id, 0) >= day.capacity


def _free_place(day: EventDay) -> int | None:
    """The lowest place of the day no one holds (None: all are taken)."""
    held = select(RegistrationDay.place).where(
        RegistrationDay.event_day_id == day.id, RegistrationDay.place.is_not(None)
    )
    return db.session.scalar(
        select(func.min(DayPlace.place)).where(DayPlace.event_day_id == day.id, DayPlace.place.not_in(held))
    )


def check_days(event_id: int, day_ids: list[int]) -> None:
    """Refuse a choice of days as choose_days would refuse it, without writing anything: the registration form
    answers an address registered already as a new one. (A full day is no refusal: its waiting list takes them.)"""
    days = {d.id: d for d in days_of(event_id)}
    if not days:
        return
    if not day_ids:
        raise _error("no_day")
    if any(day_id not in days for day_id in day_ids):
        raise _error("unknown_day")


def choose_days(registration: Registration, day_ids: list[int]) -> list[date]:
    """Make these the registration's days (under the event's lock) and give a confirmed registrant a place on each
    day with a limit; on a day that is full they wait for it (the day's waiting list). Returns the days they wait
    for. A registration that is not confirmed holds no place and waits for no day. A place given up by a day no
    longer chosen goes to the first waiting for that day. An event booked per day needs at least one day
    ("no_day")."""
    days = {d.id: d for d in days_of(registration.event_id)}
    if not days:
        return []
    if not day_ids and registration.status != RegistrationStatus.CANCELLED:
        raise _error("no_day")
    if any(day_id not in days for day_id in day_ids):
        raise _error("unknown_day")
    kept = [c for c in registration.day_choices if c.event_day_id in day_ids]
    given_up = [c.event_day_id for c in registration.day_choices if c not in kept and c.place is not None]
    registration.day_choices = kept + [
        RegistrationDay(event_day_id=d) for d in day_ids if d not in {c.event_day_id for c in kept}
    ]
    confirmed = registration.status in RegistrationStatus.TAKES_PLACE  # a held place holds its days too
    if not confirmed:
        release_places(registration)
    db.session.flush()
    waiting = []
    if confirmed:
        for choice in registration.day_choices:
            day = days[choice.event_day_id]
            if day.capacity is None or choice.place is not None:
                choice.waiting_position = None
                continue
            if choice.waiting_position is None:
                place = _free_place(day) if not _anyone_waiting(day.id) else None
                if place is None:
                    choice.waiting_position = _last_waiting(day.id) + 1
                else:
                    choice.place = place
            if choice.waiting_position is not None:
                waiting.append(day.day)
            db.session.flush()  # the next day's free place is counted with this one taken
    promote_on_days(given_up)
    return waiting


def _anyone_waiting(day_id: int) -> bool:
    return _last_waiting(day_id) > 0


def _last_waiting(day_id: int) -> int:
    return (
        db.session.scalar(
            select(func.max(RegistrationDay.waiting_position)).where(RegistrationDay.event_day_id == day_id)
        )
        or 0
    )


def release_places(registration: Registration) -> list[int]:
    """A cancelled or waiting registration gives back its places and leaves the days' waiting lists (its choice of
    days stays); returns the days (event day ids) whose place it gave back."""
    freed = [choice.event_day_id for choice in registration.day_choices if choice.place is not None]
    for choice in registration.day_choices:
        choice.place, choice.waiting_position = None, None
    db.session.flush()
    return freed


def promote_on_days(day_ids: list[int]) -> list[RegistrationDay]:
    """Give the free places of these days to those waiting for them, first come first served, and mail each with
    an updated invite. Runs under the event's lock, in the caller's transaction."""
    promoted = []
    for day in db.session.scalars(select(EventDay).where(EventDay.id.in_(day_ids)).order_by(EventDay.day)):
        while True:
            first = db.session.scalars(
                select(RegistrationDay)
                .where(RegistrationDay.event_day_id == day.id, RegistrationDay.waiting_position.is_not(None))
                .order_by(RegistrationDay.waiting_position, RegistrationDay.id)
                .limit(1)
            ).first()
            place = _free_place(day) if first is not None and day.capacity is not None else None
            if place is None:
                break
            first.place, first.waiting_position = place, None
            registration = first.registration
            registration.calendar_sequence = (registration.calendar_sequence or 0) + 1  # the invite holds the day
            db.session.flush()
            record_audit("registration.day_promote", registration, summary=f"{registration.full_name}: {day.day}")
            mails.send_day_promoted(registration, day.day)
            promoted.append(first)
        _renumber_day(day.id)
    return promoted


def _renumber_day(day_id: int) -> None:
    waiting = db.session.scalars(
        select(RegistrationDay)
        .where(RegistrationDay.event_day_id == day_id, RegistrationDay.waiting_position.is_not(None))
        .order_by(RegistrationDay.waiting_position, RegistrationDay.id)
    )
    for position, choice in enumerate(waiting, start=1):
        choice.waiting_position = position


def set_days(event_id: int, per_day: bool, capacities: dict[date, int | None]) -> None:
    """Let registrants book the event's days one by one (per_day), each with its capacity, or book it as a whole.

    A capacity below the number of people who hold a place that day is refused ("day_capacity_below_taken"), and so
    is going back to booking as a whole once people have chosen days ("days_chosen").
    """
    event = lock_row(Event, event_id)
    existing = {d.day: d for d in days_of(event.id)}
    event.updated_at = utcnow()  # the registration form shows the days: its caches are keyed on this
    try:
        if not per_day:
            if existing and db.session.scalar(
                select(func.count(RegistrationDay.id)).where(
                    RegistrationDay.event_day_id.in_([d.id for d in existing.values()])
                )
            ):
                raise _error("days_chosen")
            for day in existing.values():
                db.session.delete(day)
        else:
            fill = day_fill(event.id)
            for day_date in days_between(event.starts_at, event.ends_at):
                day = existing.get(day_date) or EventDay(event_id=event.id, day=day_date)
                db.session.add(day)
                db.session.flush()
                capacity = capacities.get(day_date)
                if capacity is not None and capacity < fill.get(day.id, 0):
                    raise _error("day_capacity_below_taken")
                _resize(day, capacity)
        promote_on_days([d.id for d in days_of(event.id)])  # a larger capacity lets those waiting in
    except Exception:
        db.session.rollback()
        raise
    listed = ", ".join(f"{d.isoformat()} {'-' if c is None else c}" for d, c in capacities.items())
    record_audit("event.days", event, summary=f"{event.title}: {listed if per_day else '-'}")
    db.session.commit()


def _resize(day: EventDay, capacity: int | None) -> None:
    """As many place rows as the capacity; places above it are given up (first moving their holders down)."""
    if capacity is not None:
        # holders of places above the new capacity move to free places below it (checked above: there are enough)
        for choice in db.session.scalars(
            select(RegistrationDay).where(RegistrationDay.event_day_id == day.id, RegistrationDay.place > capacity)
        ):
            choice.place = None
            db.session.flush()
            choice.place = db.session.scalar(
                select(func.min(DayPlace.place)).where(
                    DayPlace.event_day_id == day.id,
                    DayPlace.place <= capacity,
                    DayPlace.place.not_in(
                        select(RegistrationDay.place).where(
                            RegistrationDay.event_day_id == day.id, RegistrationDay.place.is_not(None)
                        )
                    ),
                )
            )
            db.session.flush()
        db.session.execute(delete(DayPlace).where(DayPlace.event_day_id == day.id, DayPlace.place > capacity))
        have = db.session.scalar(select(func.count()).select_from(DayPlace).where(DayPlace.event_day_id == day.id)) or 0
        db.session.add_all(DayPlace(event_day_id=day.id, place=n) for n in range(have + 1, capacity + 1))
    else:
        db.session.execute(
            RegistrationDay.__table__.update().where(RegistrationDay.event_day_id == day.id).values(place=None)
        )
        db.session.execute(delete(DayPlace).where(DayPlace.event_day_id == day.id))
    day.capacity = capacity
    db.session.flush()


def day_options(event_id: int, own: frozenset[int] = frozenset(), per_day: bool = True) -> tuple:
    """The days for the registration form: (id, label, full) each, in the reader's language; () for an event booked
    as a whole. own: the registrant's days, which stay selectable when full. per_day: False when the caller knows
    the event is booked as a whole (places.public_event_for_form), which saves reading its days."""
    days = days_of(event_id) if per_day else []
    if not days:
        return ()
    fill = day_fill(event_id)
    return tuple((d.id, format_date(d.day, "full"), day_is_full(d, fill) and d.id not in own) for d in days)


def booked_day_dates(registration_id: int) -> set[date] | None:
    """The days a registrant booked of an event booked per day, not those they are still waiting for (maybe none);
    None: they chose no days (the event is booked as a whole)."""
    rows = db.session.execute(
        select(EventDay.day, RegistrationDay.waiting_position)
        .join(RegistrationDay, RegistrationDay.event_day_id == EventDay.id)
        .where(RegistrationDay.registration_id == registration_id)
    ).all()
    return {day for day, waiting in rows if waiting is None} if rows else None
