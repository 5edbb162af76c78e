"""Which events there are: what the public sees, the organisers' list, and an event's description."""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup
from sqlalchemy import bindparam, select

from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventAccess, EventSeries, EventStatus

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "hr"}


def render_description(text: str) -> Markup:
    """Markdown written by organisers, rendered and sanitised (no scripts, no styles, safe links only)."""
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener noreferrer")
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


def listed_publicly():
    """The SQL condition for an event on public lists and feeds: open to all, or invitation-only and listed."""
    return (Event.access == EventAccess.OPEN) | Event.listed_publicly


def upcoming_events() -> list[Event]:
    return db.session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= utcnow(), listed_publicly())
        .order_by(Event.starts_at)
    ).all()


def past_events() -> list[Event]:
    """The public archive: events held and listed publicly, the latest first."""
    return db.session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at < utcnow(), listed_publicly())
        .order_by(Event.starts_at.desc())
    ).all()


# A published or cancelled event by its address (parameter slug); drafts are not public. Built once: the public
# pages run it on every request.
PUBLIC_EVENT_QUERY = select(Event).where(Event.slug == bindparam("slug"), Event.status != EventStatus.DRAFT)


def public_event(slug: str) -> Event | None:
    """See PUBLIC_EVENT_QUERY. Its programme and questions load when first used (two small queries, cheaper than
    eager loading here).
    """
    return db.session.scalars(PUBLIC_EVENT_QUERY, {"slug": slug}).first()


def events_for_organisers() -> list[Event]:
    return db.session.scalars(select(Event).order_by(Event.starts_at.desc())).all()


def series_names() -> list[str]:
    return db.session.scalars(select(EventSeries.name).order_by(EventSeries.name)).all()
