"""The public feed as calendar clients poll it: answered with 304 while nothing changed, built once per change.

Every subscribed calendar fetches the feed again and again (REFRESH-INTERVAL asks for hourly), and the feed
changes a few times a week. So a fetch first asks the database one cheap question, "what is the latest change
to what the feed shows?", and derives from the answer the feed's ETag and Last-Modified:

- the latest `updated_at` of any event (an edit, a change of programme or SEQUENCE, publishing, cancelling or
  unpublishing one all write the event row),
- how many events the feed holds (one created or deleted),
- when the last event left the feed by growing old (FEED_PAST_DAYS after its end),
- the language and the address the feed is written in.

A client that sends the ETag (If-None-Match) or the date (If-Modified-Since) of what it holds gets 304 Not
Modified without the feed being built. Otherwise the serialised feed comes from the cache, keyed on the same
state, and is built only when that state is new to this worker.

A new state usually means one event changed. So the feed is put together from entries that are kept one by one,
each keyed on its event's own row version (`updated_at`, SEQUENCE, status) and the language: after a change only
the changed event's entry is written anew. An entry's DTSTAMP is its event's latest change rather than the time
of writing (RFC 5545 allows either for a published file), so every worker writes the same bytes for the same
state (a strong ETag), and an unchanged event's entry stays the same bytes across changes of the others.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from events.calendar.service import FEED_PAST_DAYS, in_public_feed
from events.core.types import utcnow
from events.extensions import cache, db
from events.meetings.icalendar import calendar_file, calendar_timezone, entry_status, event_entry, in_calendar_language
from events.meetings.models import Event, EventStatus

_CACHE_PREFIX = "calendar/public-feed/"


class FeedState(NamedTuple):
    """What the public feed shows right now, as HTTP validators."""

    etag: str
    last_modified: datetime
    language: str


def public_feed_state(now: datetime | None = None) -> FeedState:
    """The feed's validators, from one query; see the module's notes for what they follow."""
    now = now or utcnow()
    since = now - timedelta(days=FEED_PAST_DAYS)
    count, changed, last_left = db.session.execute(
        select(
            select(func.count(Event.id)).where(in_public_feed(since)).scalar_subquery(),
            select(func.max(Event.updated_at)).scalar_subquery(),
            select(func.max(Event.ends_at))
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at < since)
            .scalar_subquery(),
        )
    ).one()
    moments = [moment for moment in (changed, last_left and last_left + timedelta(days=FEED_PAST_DAYS)) if moment]
    last_modified = max(moments, default=datetime(2026, 1, 1, tzinfo=now.tzinfo))
    language = str(get_locale() or current_app.config["DEFAULT_LOCALE"])
    state = f"{count}|{last_modified.isoformat()}|{language}|{current_app.config['BASE_URL']}"
    return FeedState(hashlib.sha256(state.encode()).hexdigest()[:32], last_modified, language)


def public_feed_body(state: FeedState) -> bytes:
    """The serialised feed for `state`: from the cache, or put together (and kept) when the state is new here."""
    key = _CACHE_PREFIX + state.etag
    body = cache.get(key)
    if body is None:
        body = _assemble(state.language)
        cache.set(key, body, timeout=0)  # kept until pushed out (a changed feed has a new key)
    return body


_END = b"END:VCALENDAR\r\n"


def _assemble(language: str) -> bytes:
    """The feed: the calendar's own lines, the time zone, and each event's kept (or newly written) entry.

    Only the versions of the feed's events are read; an event is loaded whole only when its entry is new here."""
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    versions = db.session.execute(
        select(Event.id, Event.updated_at, Event.created_at, Event.calendar_sequence, Event.status)
        .where(in_public_feed(since))
        .order_by(Event.starts_at, Event.id)
    ).all()
    with in_calendar_language(language):
        frame = _frame(language)
        if not versions:
            return frame
        entries = b"".join(_entry(version, language) for version in versions)
        return frame[: -len(_END)] + calendar_timezone() + entries + _END


def _frame(language: str) -> bytes:
    """The feed's own lines (name, refresh interval) without entries, kept per language."""
    key = f"{_CACHE_PREFIX}frame/{language}"
    frame = cache.get(key)
    if frame is None:
        frame = calendar_file("PUBLISH", [], name=_("Treffpunkt – Veranstaltungen"), refresh=True)
        cache.set(key, frame, timeout=0)
    return frame


def _entry(version, language: str) -> bytes:
    """One event's serialised VEVENT, kept per version of the event row and language."""
    stamp = version.updated_at or version.created_at or utcnow()
    key = (
        f"{_CACHE_PREFIX}entry/{current_app.config['BASE_URL']}/{language}/"
        f"{version.id}/{stamp.isoformat()}/{version.calendar_sequence}/{version.status}"
    )
    entry = cache.get(key)
    if entry is None:
        event = db.session.get(Event, version.id)
        entry = event_entry(event, stamp=stamp, status=entry_status(event)).to_ical()
        cache.set(key, entry, timeout=0)
    return entry
