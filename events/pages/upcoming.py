"""The organiser's start page: upcoming events, how full they are, and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from events.core.models import MailStatus, OutgoingMail
from events.core.outbox import about_column
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventStaff, EventStatus
from events.registration.models import Registration, RegistrationStatus

SOON = timedelta(days=14)  # a draft or an event without door staff this close needs attention
ALMOST_FULL = 0.9


@dataclass
class UpcomingEvent:
    event: Event
    confirmed: int
    waiting: int
    fill: int | None  # per cent of the places taken; None: no limit
    attention: list[str] = field(default_factory=list)


def _counts_by_event(column, event_ids, *where) -> dict[int, int]:
    if not event_ids:
        return {}
    return dict(
        db.session.execute(select(column, func.count()).where(column.in_(event_ids), *where).group_by(column)).all()
    )


def upcoming_events(limit: int = 10, now=None) -> list[UpcomingEvent]:
    """Events not over yet (drafts too, cancelled ones not), soonest first, with their fill level and what an
    organiser should look at: a draft close to its date, a waiting list, mail that could not be delivered, no door
    staff shortly before, registration closing soon, nearly full."""
    now = now or utcnow()
    events = db.session.scalars(
        select(Event)
        .where(Event.ends_at >= now, Event.status != EventStatus.CANCELLED)
        .order_by(Event.starts_at)
        .limit(limit)
    ).all()
    ids = [e.id for e in events]
    # the fill level counts places held for an address still to be confirmed
    confirmed = _counts_by_event(Registration.event_id, ids, Registration.status.in_(RegistrationStatus.TAKES_PLACE))
    waiting = _counts_by_event(Registration.event_id, ids, Registration.status == RegistrationStatus.WAITLISTED)
    staff = _counts_by_event(EventStaff.event_id, ids)
    undelivered = (
        dict(
            db.session.execute(
                select(Registration.event_id, func.count(OutgoingMail.id))
                .join(Registration, OutgoingMail.about == about_column("registration", Registration.id))
                .where(Registration.event_id.in_(ids), OutgoingMail.status == MailStatus.FAILED)
                .group_by(Registration.event_id)
            ).all()
        )
        if ids
        else {}
    )
    upcoming = []
    for event in events:
        taken, queue = confirmed.get(event.id, 0), waiting.get(event.id, 0)
        fill = round(100 * taken / event.capacity) if event.capacity else None
        item = UpcomingEvent(event, taken, queue, fill)
        soon = event.starts_at - now <= SOON
        if event.status == EventStatus.DRAFT and soon:
            item.attention.append(_("noch nicht veröffentlicht"))
        if queue:
            item.attention.append(
                ngettext("%(num)d Person auf der Warteliste", "%(num)d Personen auf der Warteliste", queue)
            )
        if undelivered.get(event.id):
            item.attention.append(
                ngettext("%(num)d E-Mail nicht zugestellt", "%(num)d E-Mails nicht zugestellt", undelivered[event.id])
            )
        if soon and not staff.get(event.id) and event.starts_at > now:
            item.attention.append(_("kein Einlasspersonal eingeteilt"))
        closes = event.registration_closes_at
        if event.status == EventStatus.PUBLISHED and closes and now < closes <= now + timedelta(days=7):
            item.attention.append(_("Anmeldeschluss in weniger als einer Woche"))
        if fill is not None and not queue and ALMOST_FULL * 100 <= fill < 100:
            item.attention.append(_("fast ausgebucht"))
        upcoming.append(item)
    return upcoming
