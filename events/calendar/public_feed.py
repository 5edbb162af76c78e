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

A new state usually means one event changed. So the feed is put together from text that is already written: each
event's entry is stored in the database per language, written anew in the transaction that changes what it says
(meetings.stored_entries), and a fetch of a changed feed reads the feed's events with their stored texts in one
query and joins them, on every worker, without loading an event or its programme. The lines that follow the event
row's version alone (DTSTAMP, LAST-MODIFIED, SEQUENCE, STATUS) are added to each text from the same query. An
entry's DTSTAMP is its event's latest change rather than the time of writing (RFC 5545 allows either for a
published file), so every worker writes the same bytes for the same state (a strong ETag), and an unchanged
event's entry stays the same bytes across changes of the others. An event without a stored text (unchanged since
the table came) has its text written here once per worker and version of its row.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from events.calendar.service import FEED_PAST_DAYS, in_public_feed
from events.core.types import utcnow
from events.extensions import cache, db
from events.meetings.icalendar import (
    calendar_file,
    calendar_timezone,
    entry_text,
    in_calendar_language,
    status_text,
    versioned_entry,
)
from events.meetings.models import Event, EventCalendarEntry, EventStatus
from events.meetings.stored_entries import stored_text_join

_CACHE_PREFIX = "calendar/public-feed/"


class FeedState(NamedTuple):
    """What the public feed shows right now, as HTTP validators."""

    etag: str
    last_modified: datetime
    language: str


# The two queries of a fetch, built once (with the moment, the language and the address as parameters): building
# and keying a statement anew cost as much as running it.
_SINCE = bindparam("since")
_STATE_QUERY = select(
    select(func.count(Event.id)).where(in_public_feed(_SINCE)).scalar_subquery(),
    select(func.max(Event.updated_at)).scalar_subquery(),
    select(func.max(Event.ends_at))
    .where(Event.status == EventStatus.PUBLISHED, Event.ends_at < _SINCE)
    .scalar_subquery(),
)
_ENTRIES_QUERY = (
    select(Event.id, Event.updated_at, Event.calendar_sequence, Event.status)
    .add_columns(EventCalendarEntry.text)
    .outerjoin(EventCalendarEntry, stored_text_join(bindparam("language"), bindparam("base_url")))
    .where(in_public_feed(_SINCE))
    .order_by(Event.starts_at, Event.id)
)


def public_feed_state(now: datetime | None = None) -> FeedState:
    """The feed's validators, from one query; see the module's notes for what they follow."""
    now = now or utcnow()
    since = now - timedelta(days=FEED_PAST_DAYS)
    count, changed, last_left = db.session.execute(_STATE_QUERY, {"since": since}).one()
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
    """The feed: the calendar's own lines, the time zone, and each event's stored entry text with its version.

    One query reads the versions of the feed's events with their stored texts (meetings.stored_entries); an
    event is loaded and its text written here only when none is stored for this language and address."""
    since = utcnow() - timedelta(days=FEED_PAST_DAYS)
    base_url = current_app.config["BASE_URL"]
    rows = db.session.execute(_ENTRIES_QUERY, {"since": since, "language": language, "base_url": base_url}).all()
    with in_calendar_language(language):
        frame = _frame(language)
        if not rows:
            return frame
        entries = "".join(_entry(row, language) for row in rows).encode()
        return frame[: -len(_END)] + calendar_timezone() + entries + _END


def _frame(language: str) -> bytes:
    """The feed's own lines (name, refresh interval) without entries, kept per language."""
    key = f"{_CACHE_PREFIX}frame/{language}"
    frame = cache.get(key)
    if frame is None:
        frame = calendar_file("PUBLISH", [], name=_("Treffpunkt – Veranstaltungen"), refresh=True)
        cache.set(key, frame, timeout=0)
    return frame


def _entry(row, language: str) -> str:
    """One event's VEVENT: its stored text (or one written here) with the lines of its row's version."""
    stamp = row.updated_at  # the event's latest change (see the module's notes)
    text = row.text if row.text is not None else _unstored_text(row.id, stamp, language)
    return versioned_entry(
        text, stamp=stamp, updated_at=stamp, sequence=row.calendar_sequence, status=status_text(row.status)
    )


def _unstored_text(event_id: int, stamp: datetime, language: str) -> str:
    """The entry text of an event without a stored one, kept in this worker per version of the event row."""
    key = f"{_CACHE_PREFIX}entry/{current_app.config['BASE_URL']}/{language}/{event_id}/{stamp.isoformat()}"
    text = cache.get(key)
    if text is None:
        text = entry_text(db.session.get(Event, event_id))
        cache.set(key, text, timeout=0)
    return text
