"""Free places of events and workshops, counted from the places taken: confirmed registrations and places held
for an address still to be confirmed (RegistrationStatus.TAKES_PLACE).

Count them while the event row is locked (events.core.database.lock_row) before acting on them: concurrent
registrations never overbook an event or a workshop, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, or_, select

from events.extensions import db
from events.meetings.catalogue import PUBLIC_EVENT_QUERY
from events.meetings.models import Event, EventSession, SessionKind
from events.registration.day_models import books_per_day
from events.registration.errors import RegistrationError
from events.registration.models import Registration, RegistrationStatus, WorkshopChoice


def confirmed_count_query(event_id):
    """The places taken (confirmed and held); event_id: a value, a bound parameter, or a column such as Event.id
    for a count per event row."""
    # equalities rather than IN: SQLAlchemy renders an IN list anew for every execution, and this count runs with
    # every registration
    takes_place = or_(*(Registration.status == status for status in sorted(RegistrationStatus.TAKES_PLACE)))
    return select(func.count(Registration.id)).where(Registration.event_id == event_id, takes_place)


# slug: the public event, whether it is booked per day, and (the second) its confirmed count
_PUBLIC_EVENT_PER_DAY = PUBLIC_EVENT_QUERY.add_columns(books_per_day(Event.id))
_PUBLIC_EVENT_PER_DAY_CONFIRMED = _PUBLIC_EVENT_PER_DAY.add_columns(confirmed_count_query(Event.id).scalar_subquery())


# Places taken by people who are not registrations of their own (a ceremony winner's guests, registered by name):
# a package above registers a function event -> number of such places, and capacity counts them too.
OTHER_PLACES_TAKEN: list[Callable[[Event], int]] = []


def other_places_taken(event: Event) -> int:
    return sum(count(event) for count in OTHER_PLACES_TAKEN)


def confirmed_count(event_id: int) -> int:
    return db.session.scalar(confirmed_count_query(event_id))


def _places_left(capacity: int | None, confirmed: int) -> int | None:
    return None if capacity is None else max(capacity - confirmed, 0)


def free_places(event: Event, confirmed: int | None = None) -> int | None:
    """Places left; None when the event has no limit. confirmed: the confirmed count, when the caller has it."""
    if event.capacity is None:
        return None
    confirmed = confirmed_count(event.id) if confirmed is None else confirmed
    return _places_left(event.capacity, confirmed + other_places_taken(event))


def public_event_for_form(slug: str, count_places: bool) -> tuple[Event | None, int | None, bool]:
    """What the registration form needs of its event, in one query: public_event, its free_places (when
    count_places, else None) and whether it is booked per day (days.day_options reads the days only then)."""
    query = _PUBLIC_EVENT_PER_DAY_CONFIRMED if count_places else _PUBLIC_EVENT_PER_DAY
    row = db.session.execute(query, {"slug": slug}).first()
    if row is None:
        return None, None, False
    event, per_day = row[0], row[1]
    return event, free_places(event, row[2]) if count_places else None, per_day


def free_places_by_event(events: list[Event]) -> dict[int, int | None]:
    """free_places for many events at once (one query)."""
    counted = [e.id for e in events if e.capacity is not None]
    confirmed = dict(
        db.session.execute(
            select(Registration.event_id, func.count(Registration.id))
            .where(Registration.event_id.in_(counted), Registration.status.in_(RegistrationStatus.TAKES_PLACE))
            .group_by(Registration.event_id)
        ).all()
        if counted
        else []
    )
    return {e.id: _places_left(e.capacity, confirmed.get(e.id, 0) + other_places_taken(e)) for e in events}


def has_free_place(event: Event, confirmed: int | None = None) -> bool:
    """Whether one more person can be confirmed (count it under the event's row lock before you act on it)."""
    return free_places(event, confirmed) != 0


def workshop_fill(event_id: int) -> dict[int, int]:
    """Places taken per workshop (confirmed and held)."""
    rows = db.session.execute(
        select(WorkshopChoice.session_id, func.count(WorkshopChoice.id))
        .join(Registration, Registration.id == WorkshopChoice.registration_id)
        .where(Registration.event_id == event_id, Registration.status.in_(RegistrationStatus.TAKES_PLACE))
        .group_by(WorkshopChoice.session_id)
    )
    return dict(rows.all())


def workshop_is_full(workshop, fill: dict[int, int]) -> bool:
    """Whether a workshop (a programme item or a WorkshopSpec) has no place left; fill as from workshop_fill."""
    return workshop.capacity is not None and fill.get(workshop.id, 0) >= workshop.capacity


def active_registrations(event: Event) -> list[Registration]:
    return db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED
        )
    ).all()


def check_workshops(event: Event, workshop_ids: list[int], keep: set[int]) -> list[EventSession]:
    """The chosen workshops, refusing unknown ones, two in one time slot, or full ones (except those kept)."""
    from events.meetings.programme import workshop_slots

    if not workshop_ids:
        return []
    by_id = {s.id: s for s in event.sessions if s.kind == SessionKind.WORKSHOP}
    chosen = []
    for workshop_id in workshop_ids:
        if workshop_id not in by_id:
            raise RegistrationError("unknown_workshop")
        chosen.append(by_id[workshop_id])
    for slot in workshop_slots(event):
        if len({w.id for w in slot} & set(workshop_ids)) > 1:
            raise RegistrationError("two_in_one_slot")
    fill = workshop_fill(event.id)
    for workshop in chosen:
        if workshop.id not in keep and workshop_is_full(workshop, fill):
            raise RegistrationError("workshop_full")
    return chosen
