"""Days of a multi-day event that can be booked one by one, each with its own capacity.

The capacity of a day is held by the database itself: a day with a limit has one numbered place row per place
(day_places), and a registration's day holds one of them (registration_days.place, a foreign key to that row,
unique per day). More confirmed people than places on a day is then impossible whatever the code does; the
event's row lock (registration.days) only decides who gets which place.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, ForeignKeyConstraint, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.extensions import db
from events.registration.models import Registration


class EventDay(db.Model):
    """A day of an event that registrants may choose on its own; an event with such rows is booked per day."""

    __tablename__ = "event_days"
    __table_args__ = (UniqueConstraint("event_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)  # Europe/Berlin
    capacity: Mapped[int | None] = mapped_column()  # None: no limit; else there are as many day_places rows


def books_per_day(event_id):
    """SQL: whether the event is booked per day (it has day rows); event_id: a value, a bound parameter or a column
    such as Event.id. Read with the event's other figures, so that an event booked as a whole costs no query for
    its days."""
    return select(EventDay.id).where(EventDay.event_id == event_id).exists()


class DayPlace(db.Model):
    """One place on a day with a limit (numbered 1 to its capacity)."""

    __tablename__ = "day_places"

    event_day_id: Mapped[int] = mapped_column(ForeignKey("event_days.id", ondelete="CASCADE"), primary_key=True)
    place: Mapped[int] = mapped_column(primary_key=True)


class RegistrationDay(db.Model):
    """A day a registrant chose; a confirmed registrant holds a place on it when the day has a limit."""

    __tablename__ = "registration_days"
    __table_args__ = (
        UniqueConstraint("registration_id", "event_day_id"),
        UniqueConstraint("event_day_id", "place"),  # one person per place (NULLs, no place held, may repeat)
        # the place must exist: a day never holds more people than it has places
        ForeignKeyConstraint(["event_day_id", "place"], ["day_places.event_day_id", "day_places.place"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    event_day_id: Mapped[int] = mapped_column(ForeignKey("event_days.id", ondelete="CASCADE"))
    # the place held on a day with a limit; None on a day without one, and while not confirmed
    place: Mapped[int | None] = mapped_column()
    # the person's place on the day's own waiting list (1: next to move up): a confirmed registrant who chose a day
    # that was full waits for it; None: not waiting (holding a place, or the day has no limit, or not confirmed)
    waiting_position: Mapped[int | None] = mapped_column()

    registration: Mapped[Registration] = relationship(
        backref=db.backref("day_choices", cascade="all, delete-orphan", order_by="RegistrationDay.event_day_id")
    )
    event_day: Mapped[EventDay] = relationship()
