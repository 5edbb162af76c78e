"""The calendar entry of an event (RFC 5545), as every calendar file shows it, and its SEQUENCE.

The invites of registrants (iTIP, RFC 5546) build on it in registration.invites, downloads and feeds in calendar.

Every file is built so that Thunderbird, Outlook, Google Calendar and Apple Calendar import it:

- VERSION 2.0, PRODID and CALSCALE GREGORIAN in every VCALENDAR; METHOD says what the file is (REQUEST or
  CANCEL for a mailed invite, PUBLISH for downloads and feeds), and a mailed file carries the same method in
  its content type (`mail_content_type`).
- One UID per event (`event-<id>@<host of BASE_URL>`), the same in every invite, download and feed, so a
  client updates the entry it has instead of adding a second one.
- SEQUENCE grows with every change of what a file says, so clients take an update as newer than what they hold
  (RFC 5546, 2.1.4). The event's `calendar_sequence` counts changes of the event (`bump_sequence_if_changed`:
  title, description, times, place, organiser, programme; `bump_sequence`: cancelling it). A registrant's
  invites and personal feed add the registration's own `calendar_sequence`, which every change of its status
  raises (cancelled, registered again, moved up), so a CANCEL and a later REQUEST never share a SEQUENCE. Both
  parts only grow, so their sum does too. Downloads and the public feed carry the event's part alone.
- DTSTAMP is the time of writing, in UTC. DTSTART and DTEND are Europe/Berlin wall-clock times with TZID,
  and the file carries a VTIMEZONE for that TZID written with yearly RRULEs (the form Outlook understands;
  it ignores the long RDATE lists some generators write).
- REQUEST and CANCEL name the ORGANIZER and one ATTENDEE with CN, PARTSTAT and RSVP=FALSE (no reply is
  expected: the registration is managed through the personal link).
- Lines are folded at 75 octets without splitting a UTF-8 character, and end with CRLF.
"""

from __future__ import annotations

import html
import re
from contextlib import nullcontext
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlsplit

import icalendar
import markdown
import nh3
from babel import dates as babel_dates
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _

from events.core.languages import force_language, spoken_locale
from events.core.timezone import BERLIN
from events.meetings.models import Event, EventStatus
from events.meetings.programme import programme_by_day

CALENDAR_TIMEZONE = "Europe/Berlin"

PRODID = "-//Treffpunkt//Veranstaltungen//DE"

FEED_REFRESH = timedelta(hours=1)  # how often subscribed clients should fetch a feed again


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def event_uid(event: Event) -> str:
    """The UID of an event in every calendar file, stable for the life of the event."""
    host = urlsplit(_base_url()).hostname or "treffpunkt.example"
    return f"event-{event.id}@{host}"


def event_page_url(event: Event) -> str:
    """The public page of an event (built from BASE_URL, so it works in mails and CLI commands)."""
    return f"{_base_url()}/meetings/{event.slug}"


def mail_content_type(method: str) -> str:
    """The content type of a mailed calendar file; its method matches the METHOD inside the file."""
    return f"text/calendar; method={method}; charset=utf-8"


def _berlin_timezone() -> icalendar.Timezone:
    """VTIMEZONE for Europe/Berlin as the EU rules have stood since 1996 (last Sunday of March and October)."""
    zone = icalendar.Timezone()
    zone.add("tzid", CALENDAR_TIMEZONE)
    daylight = icalendar.TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    standard = icalendar.TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


@lru_cache(maxsize=1)
def calendar_timezone() -> bytes:
    """The serialised VTIMEZONE (the same in every file), for files put together from kept entries."""
    return _berlin_timezone().to_ical()


def _local(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def parameter_text(value: str) -> str:
    """A value that may stand in a property parameter: no double quotes (not allowed, and RFC 6868
    escapes are unknown to Outlook), no control characters."""
    value = re.sub(r"[\x00-\x1f\x7f]", " ", value or "")
    return value.replace('"', "'").strip()


def _sender() -> tuple[str, str]:
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return name or "Treffpunkt", address or "noreply@treffpunkt.example"


def _organizer(event: Event) -> icalendar.vCalAddress:
    name, address = _sender()
    organizer = icalendar.vCalAddress(f"mailto:{event.contact_email or address}")
    organizer.params["cn"] = parameter_text(name)
    return organizer


def _location(event: Event) -> str | None:
    place = ", ".join(part.strip() for part in (event.venue_name, event.address) if part and part.strip())
    return place or event.online_url or None


@lru_cache(maxsize=512)
def markdown_to_text(source: str) -> str:
    """Plain text from an event's Markdown description: blocks on their own lines, no tags, no entities."""
    rendered = markdown.markdown(source or "")
    rendered = rendered.replace("<li>", "- ")
    rendered = re.sub(r"<br\s*/?>", "\n", rendered)
    rendered = re.sub(r"</(p|h[1-6]|blockquote|pre)>", "\n", rendered)
    text = html.unescape(nh3.clean(rendered, tags=set()))
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@lru_cache(maxsize=4096)
def _clock(moment: time, locale) -> str:
    return babel_dates.format_time(moment, "short", locale=locale)


@lru_cache(maxsize=1024)
def _day(day: date, locale) -> str:
    return babel_dates.format_date(day, "full", locale=locale)


def session_time_text(item) -> str:
    """A programme item's day and times in Europe/Berlin, in the current language ("Dienstag, 5. Januar 2027,
    10:00–11:00")."""
    locale = get_locale() or spoken_locale(current_app.config["DEFAULT_LOCALE"])
    start, end = _local(item.starts_at), _local(item.ends_at)
    return f"{_day(start.date(), locale)}, {_clock(start.time(), locale)}–{_clock(end.time(), locale)}"


def _programme_text(event: Event) -> str | None:
    """The programme by day, times in Europe/Berlin and in the current language's format."""
    days = programme_by_day(event)
    if not days:
        return None
    locale = get_locale() or spoken_locale(current_app.config["DEFAULT_LOCALE"])
    lines = [_("Programm")]
    for day, items in days:
        lines.append("")
        lines.append(_day(day, locale))
        for item in items:
            start, end = _local(item.starts_at).time(), _local(item.ends_at).time()
            line = f"{_clock(start, locale)}–{_clock(end, locale)} {item.title}"
            details = ", ".join(part for part in (item.speakers, item.room) if part)
            lines.append(f"{line} ({details})" if details else line)
    return "\n".join(lines)


def _description(event: Event, note: str | None = None) -> str:
    parts = [note, markdown_to_text(event.shown_description), _programme_text(event)]
    if event.online_url:
        parts.append(_("Online-Teilnahme: %(url)s", url=event.online_url))
    parts.append(_("Weitere Informationen: %(url)s", url=event_page_url(event)))
    return "\n\n".join(part for part in parts if part)


def event_entry(
    event: Event,
    *,
    stamp: datetime,
    status: str,
    summary: str | None = None,
    note: str | None = None,
    registration_sequence: int = 0,
    days: list[date] | None = None,
):
    """The VEVENT of an event. An event over several days whose daily end lies after its daily start (09:30 to
    17:00 on each day) is an entry a day, not one block across the nights: a daily rule with one occurrence per
    day (one UID, as an invite needs); otherwise one entry from start to end.

    registration_sequence: the registrant's own part of SEQUENCE (see the module's notes), 0 without one.
    days: the days a registrant booked of an event booked per day (the others are left out); None: every day.
    """
    entry = icalendar.Event()
    entry.add("uid", event_uid(event))
    entry.add("sequence", (event.calendar_sequence or 0) + registration_sequence)
    entry.add("dtstamp", stamp)
    start = _local(event.starts_at)
    end = _local(event.ends_at) if event.ends_at and event.ends_at > event.starts_at else start + timedelta(hours=1)
    every_day = _daily_occurrences(start, end)
    if every_day:
        chosen = [day for day in every_day if days is None or day in days] or every_day
        start = start.replace(year=chosen[0].year, month=chosen[0].month, day=chosen[0].day)
        entry.add("dtstart", start)
        entry.add("dtend", start.replace(hour=end.hour, minute=end.minute, second=end.second))
        entry.add("rrule", {"freq": "daily", "until": _local_day_end(chosen[-1])})
        skipped = [day for day in every_day if chosen[0] < day < chosen[-1] and day not in chosen]
        if skipped:
            entry.add("exdate", [start.replace(year=d.year, month=d.month, day=d.day) for d in skipped])
    else:
        entry.add("dtstart", start)
        entry.add("dtend", end)
    if event.created_at:
        entry.add("created", event.created_at.astimezone(UTC))
    if event.updated_at:
        entry.add("last-modified", event.updated_at.astimezone(UTC))
    entry.add("summary", summary or event.shown_title)
    entry.add("description", _description(event, note))
    location = _location(event)
    if location:
        entry.add("location", location)
    entry.add("url", event_page_url(event))
    entry.add("status", status)
    entry.add("transp", "OPAQUE")
    entry.add("class", "PUBLIC")
    entry.add("organizer", _organizer(event))
    return entry


def _daily_occurrences(start: datetime, end: datetime) -> list[date]:
    """The days of an event shown as one entry a day (see event_entry), or [] when it is one block."""
    if end.date() <= start.date() or end.time() <= start.time():
        return []
    return [start.date() + timedelta(days=n) for n in range((end.date() - start.date()).days + 1)]


def _local_day_end(day: date) -> datetime:
    """The end of a day in Berlin, in UTC (an UNTIL of a rule whose start has a TZID is in UTC, RFC 5545)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=BERLIN).astimezone(UTC)


def workshop_entries(event: Event, workshops, *, stamp: datetime, status: str) -> list:
    """A registrant's chosen workshops as entries of their own (for files that may hold several UIDs: downloads
    and feeds; an invite carries one UID)."""
    entries = []
    for workshop in workshops:
        entry = icalendar.Event()
        entry.add("uid", f"workshop-{workshop.id}-{event_uid(event)}")
        entry.add("sequence", event.calendar_sequence or 0)
        entry.add("dtstamp", stamp)
        entry.add("dtstart", _local(workshop.starts_at))
        entry.add("dtend", _local(workshop.ends_at))
        entry.add("summary", _("Workshop: %(title)s", title=workshop.title))
        where = ", ".join(part for part in (workshop.room, _location(event)) if part)
        if where:
            entry.add("location", where)
        entry.add("description", f"{event.shown_title}\n\n{markdown_to_text(workshop.description or '')}".strip())
        entry.add("url", event_page_url(event))
        entry.add("status", status)
        entry.add("transp", "OPAQUE")
        entries.append(entry)
    return entries


def calendar_file(method: str, entries: list, name: str | None = None, refresh: bool = False) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
    if refresh:
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(FEED_REFRESH).to_ical().decode())
    if entries:
        calendar.add_component(_berlin_timezone())
    for entry in entries:
        calendar.add_component(entry)
    return calendar.to_ical()


def in_calendar_language(language: str | None = None):
    """Texts in the given language; without one, in the request's language, or the default outside requests
    (CLI commands, mail jobs)."""
    if language:
        return force_language(language)
    if has_request_context():
        return nullcontext()
    return force_language(current_app.config["DEFAULT_LOCALE"])


def entry_status(event: Event) -> str:
    return status_text(event.status)


def status_text(status: str) -> str:
    """The STATUS of an entry of an event in this status (an EventStatus value)."""
    return "CANCELLED" if status == EventStatus.CANCELLED else "CONFIRMED"


# The lines of an entry that follow the event row's version, not what the entry says (see entry_text).
_VERSION_LINES = ("DTSTAMP:", "LAST-MODIFIED:", "SEQUENCE:", "STATUS:")


def entry_text(event: Event) -> str:
    """What the event's entry in a download or feed says, in the current language, serialised without its first
    line and the lines that follow the row's version (DTSTAMP, LAST-MODIFIED, SEQUENCE, STATUS), which
    versioned_entry puts in front: so the text can be kept (meetings.stored_entries) while only those change.

    A folded line goes on with a space and an escaped text holds no line break, so a line that starts with one of
    those names is that property."""
    written = event_entry(event, stamp=datetime(2000, 1, 1, tzinfo=UTC), status="CONFIRMED").to_ical().decode()
    lines = written.split("\r\n")[1:]  # without BEGIN:VEVENT
    return "".join(f"{line}\r\n" for line in lines if line and not line.startswith(_VERSION_LINES))


def versioned_entry(text: str, *, stamp: datetime, updated_at: datetime | None, sequence: int, status: str) -> str:
    """A whole VEVENT from an entry_text and the event row's version: DTSTAMP `stamp` (for a published file the
    event's latest change, see calendar.public_feed), LAST-MODIFIED, SEQUENCE and the STATUS text."""
    head = f"BEGIN:VEVENT\r\nDTSTAMP:{_utc_text(stamp)}\r\n"
    if updated_at:
        head += f"LAST-MODIFIED:{_utc_text(updated_at)}\r\n"
    return f"{head}SEQUENCE:{sequence or 0}\r\nSTATUS:{status}\r\n{text}"


@lru_cache(maxsize=4096)  # the same few moments in every feed put together
def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
