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
state, and is built only when that state is new to this worker. Its DTSTAMP is the time of the latest change
rather than the time of writing, so every worker writes the same bytes for the same state (a strong ETag).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import func, select

from events.calendar.service import FEED_PAST_DAYS, feed, feed_events, in_public_feed
from events.core.types import utcnow
from events.extensions import cache, db
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
    """The serialised feed for `state`: from the cache, or built (and kept) when the state is new here."""
    key = _CACHE_PREFIX + state.etag
    body = cache.get(key)
    if body is None:
        body = feed(feed_events(), language=state.language, stamp=state.last_modified)
        cache.set(key, body, timeout=0)  # kept until pushed out (a changed feed has a new key)
    return body
