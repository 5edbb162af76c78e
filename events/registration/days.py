"""Registration per day for multi-day events: which days may be booked one by one, their capacity, and the places
registrants hold on them (the database backs the capacity: see day_models).

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
from events.registration.day_models import DayPlace, EventDay, RegistrationDay
from events.registration.models import Registration, RegistrationStatus


def _error(code: str):
    from events.registration.errors import RegistrationError

    return RegistrationError(code)


def days_of(event_id: int) -> list[EventDay]:
    """The days of an event booked one by one, in order; [] for an event booked as a whole."""
    return list(db.session.scalars(select(EventDay).where(EventDay.event_id == event_id).order_by(EventDay.day)))


def day_fill(event_id: int) -> dict[int, int]:
    """Registrants holding a place per day (event day id): confirmed, and held for an address to be confirmed."""
    rows = db.session.execute(
        select(RegistrationDay.event_day_id, func.count(RegistrationDay.id))
        .join(Registration, Registration.id == RegistrationDay.registration_id)
        .join(EventDay, EventDay.id == RegistrationDay.event_day_id)
        .where(EventDay.event_id == event_id, Registration.status.in_(RegistrationStatus.TAKES_PLACE))
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


def check_days(event_id: int, day_ids: list[int], takes_place: bool) -> None:
    """Refuse a choice of days as choose_days would refuse it for a new registration (takes_place: it would get a
    place), without writing anything: the registration form answers an address registered already as a new one."""
    days = {d.id: d for d in days_of(event_id)}
    if not days:
        return
    if not day_ids:
        raise _error("no_day")
    if any(day_id not in days for day_id in day_ids):
        raise _error("unknown_day")
    fill = day_fill(event_id) if takes_place else {}
    if any(day_is_full(days[day_id], fill) for day_id in day_ids):
        raise _error("day_full")


def choose_days(registration: Registration, day_ids: list[int], *, drop_full: bool = False) -> list[date]:
    """Make these the registration's days (under the event's lock) and give a confirmed registrant a place on each
    day with a limit. A full day is refused (RegistrationError "day_full"), or with drop_full left out of the
    choice (a promotion: like a full workshop); returns the days dropped. A registration that is not confirmed
    holds no place. An event booked per day needs at least one day ("no_day")."""
    days = {d.id: d for d in days_of(registration.event_id)}
    if not days:
        return []
    if not day_ids and registration.status != RegistrationStatus.CANCELLED:
        raise _error("no_day")
    if any(day_id not in days for day_id in day_ids):
        raise _error("unknown_day")
    kept = [c for c in registration.day_choices if c.event_day_id in day_ids]
    registration.day_choices = kept + [
        RegistrationDay(event_day_id=d) for d in day_ids if d not in {c.event_day_id for c in kept}
    ]
    confirmed = registration.status in RegistrationStatus.TAKES_PLACE  # a held place holds its days too
    for choice in registration.day_choices:
        if not confirmed:
            choice.place = None
    db.session.flush()
    dropped = []
    if confirmed:
        for choice in list(registration.day_choices):
            day = days[choice.event_day_id]
            if day.capacity is None or choice.place is not None:
                continue
            place = _free_place(day)
            if place is None:
                if not drop_full:
                    raise _error("day_full")
                registration.day_choices.remove(choice)
                dropped.append(day.day)
                continue
            choice.place = place
            db.session.flush()  # the next day's free place is counted with this one taken
    return dropped


def release_places(registration: Registration) -> None:
    """A cancelled or waiting registration gives back its places (its choice of days stays)."""
    for choice in registration.day_choices:
        choice.place = None


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


def day_options(event_id: int, own: frozenset[int] = frozenset()) -> tuple:
    """The days for the registration form: (id, label, full) each, in the reader's language; () for an event booked
    as a whole. own: the registrant's days, which stay selectable when full."""
    days = days_of(event_id)
    if not days:
        return ()
    fill = day_fill(event_id)
    return tuple((d.id, format_date(d.day, "full"), day_is_full(d, fill) and d.id not in own) for d in days)


def booked_day_dates(registration_id: int) -> set[date]:
    """The days a registrant booked of an event booked per day (empty: the whole event)."""
    return set(
        db.session.scalars(
            select(EventDay.day)
            .join(RegistrationDay, RegistrationDay.event_day_id == EventDay.id)
            .where(RegistrationDay.registration_id == registration_id)
        )
    )
