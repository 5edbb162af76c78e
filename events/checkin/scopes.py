"""Event days in Europe/Berlin and what a scan counts for: the day's entry or one session of the programme."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_time
from flask_babel import gettext as _

from events.extensions import db
from events.meetings.models import Event, EventSession

BERLIN = ZoneInfo("Europe/Berlin")

DAY_SCOPE = "day"


def berlin_time(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def event_days(event: Event) -> list[date]:
    """Every calendar day (Europe/Berlin) from the event's start to its end."""
    first = berlin_time(event.starts_at).date()
    last = berlin_time(event.ends_at).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def scopes_for(event: Event) -> list[tuple[str, str]]:
    """What a scan can count for: the day's entry, or one session of the programme."""
    choices = [(DAY_SCOPE, _("Einlass (Tag)"))]
    for session in event.sessions:
        if session.kind != "break":
            when = format_time(berlin_time(session.starts_at), "short")
            day = berlin_time(session.starts_at).strftime("%d.%m.")
            choices.append((f"session:{session.id}", f"{day} {when} – {session.title}"))
    return choices


def session_of_scope(event, scope: str) -> EventSession | None:
    if not scope.startswith("session:"):
        return None
    try:
        session_id = int(scope.split(":", 1)[1])
        if not 0 < session_id < 2**31:
            return None
    except ValueError:
        return None
    session = db.session.get(EventSession, session_id)
    return session if session is not None and session.event_id == event.id else None


def valid_scope(event: Event, scope: str | None) -> str:
    """The scope if it names the day or one of this event's sessions, else the day."""
    if scope and session_of_scope(event, scope) is not None:
        return scope
    return DAY_SCOPE
