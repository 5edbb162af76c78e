"""Calendar files to fetch: the download of one event, the public feed of all published events, and a registrant's
personal feed (see meetings.icalendar for what every entry says).

Calendar sits above registration: a personal feed serves a registration's entry, found by its feed token. What an
event's entry says and its SEQUENCE live with the event (meetings.icalendar), the invite a registrant is mailed with
the registration (registration.invites), so neither needs this package.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from events.core.types import utcnow
from events.extensions import db
from events.meetings.icalendar import (
    calendar_file,
    entry_status,
    event_entry,
    in_calendar_language,
    workshop_entries,
)
from events.meetings.models import Event, EventStatus
from events.registration.invites import booked_days, waiting_list_texts
from events.registration.models import Registration, RegistrationStatus
from events.registration.tokens import feed_token_for

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"

FEED_PAST_DAYS = 180  # the public feed keeps events this long after they ended


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def feed_url() -> str:
    return f"{_base_url()}/calendar/feed.ics"


def personal_feed_url(registration: Registration) -> str:
    """The secret, read-only address of a participant's own feed (see registration.tokens.feed_token_for)."""
    token = feed_token_for(registration.id, current_app.config["SECRET_KEY"], registration.link_version or 0)
    return f"{_base_url()}/calendar/personal/{token}.ics"


def webcal_url(url: str | None = None) -> str:
    """The same address with the webcal:// scheme, which calendar programs open as a subscription."""
    parts = urlsplit(url or feed_url())
    if parts.scheme not in {"http", "https", "webcal"}:
        raise ValueError(f"not a web address: {url}")
    return urlunsplit(("webcal", *parts[1:]))


def event_calendar(event: Event, language: str | None = None) -> bytes:
    """The download for one event (METHOD PUBLISH)."""
    with in_calendar_language(language):
        entry = event_entry(event, stamp=utcnow(), status=entry_status(event))
        return calendar_file("PUBLISH", [entry])


def feed(events, name: str | None = None, language: str | None = None) -> bytes:
    """A subscribable feed of many events (METHOD PUBLISH, with a calendar name and a refresh interval)."""
    with in_calendar_language(language):
        stamp = utcnow()
        entries = [event_entry(event, stamp=stamp, status=entry_status(event)) for event in events]
        return calendar_file("PUBLISH", entries, name=name or _("Treffpunkt – Veranstaltungen"), refresh=True)


def personal_feed(registrations, language: str | None = None) -> bytes:
    """A participant's own feed: their registrations' events; waiting-list places are marked as tentative."""
    with in_calendar_language(language):
        stamp = utcnow()
        entries = []
        for registration in registrations:
            event, own = registration.event, registration.calendar_sequence or 0
            if registration.status == RegistrationStatus.WAITLISTED:
                summary, note = waiting_list_texts(event)
                entry = event_entry(
                    event, stamp=stamp, status="TENTATIVE", summary=summary, note=note, registration_sequence=own
                )
            else:
                entry = event_entry(
                    event,
                    stamp=stamp,
                    status=entry_status(event),
                    registration_sequence=own,
                    days=booked_days(registration),
                )
            entries.append(entry)
            if registration.status == RegistrationStatus.CONFIRMED:  # the chosen workshops, each its own entry
                entries += workshop_entries(event, registration.workshops, stamp=stamp, status=entry_status(event))
        return calendar_file("PUBLISH", entries, name=_("Treffpunkt – Meine Veranstaltungen"), refresh=True)


def downloadable_event(event_id: int) -> Event | None:
    """An event whose calendar file anyone may fetch: published or cancelled, never a draft."""
    event = db.session.get(Event, event_id)
    if event is None or event.status == EventStatus.DRAFT:
        return None
    return event


def feed_events(now: datetime | None = None) -> list[Event]:
    """Published events that are upcoming or ended at most FEED_PAST_DAYS ago, earliest first."""
    since = (now or utcnow()) - timedelta(days=FEED_PAST_DAYS)
    return list(
        db.session.scalars(
            select(Event)
            .options(selectinload(Event.sessions))
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= since)
            .order_by(Event.starts_at, Event.id)
        )
    )


def personal_registrations(registration: Registration) -> list[Registration]:
    """What the registration's personal feed holds: its own event, while the registration stands and the event is
    published (a cancelled one is gone from the feed).

    Only this registration, not the others of the same address: nobody confirms an address when registering, so
    anyone could register a stranger's address for an open event and read that person's other events (invitation
    ones included) from the feed. Each registration has its own feed.
    """
    if registration.status == RegistrationStatus.CANCELLED or registration.event.status != EventStatus.PUBLISHED:
        return []
    return [registration]
