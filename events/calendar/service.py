"""iCalendar files (RFC 5545) and iTIP messages (RFC 5546) for events and registrations.

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
from urllib.parse import urlsplit, urlunsplit

import icalendar
import markdown
import nh3
from babel import dates as babel_dates
from flask import current_app, has_request_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from events.core.timezone import BERLIN
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventStatus
from events.meetings.service import programme_by_day
from events.registration.models import Registration, RegistrationStatus
from events.registration.tokens import feed_token_for

CALENDAR_TIMEZONE = "Europe/Berlin"
PRODID = "-//Treffpunkt//Veranstaltungen//DE"
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_PAST_DAYS = 180  # the public feed keeps events this long after they ended
FEED_REFRESH = timedelta(hours=1)  # how often subscribed clients should fetch a feed again

PARTSTAT = {
    RegistrationStatus.CONFIRMED: "ACCEPTED",
    RegistrationStatus.WAITLISTED: "TENTATIVE",
    RegistrationStatus.CANCELLED: "DECLINED",
}


# --- addresses -------------------------------------------------------------------------------------------


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def event_uid(event: Event) -> str:
    """The UID of an event in every calendar file, stable for the life of the event."""
    host = urlsplit(_base_url()).hostname or "treffpunkt.example"
    return f"event-{event.id}@{host}"


def event_page_url(event: Event) -> str:
    """The public page of an event (built from BASE_URL, so it works in mails and CLI commands)."""
    return f"{_base_url()}/meetings/{event.slug}"


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


def mail_content_type(method: str) -> str:
    """The content type of a mailed calendar file; its method matches the METHOD inside the file."""
    return f"text/calendar; method={method}; charset=utf-8"


# --- file parts -----------------------------------------------------------------------------------------


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


def _local(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def _parameter_text(value: str) -> str:
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
    organizer.params["cn"] = _parameter_text(name)
    return organizer


def _attendee(registration: Registration) -> icalendar.vCalAddress:
    attendee = icalendar.vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = _parameter_text(registration.full_name) or registration.email
    attendee.params["cutype"] = "INDIVIDUAL"
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = PARTSTAT.get(registration.status, "NEEDS-ACTION")
    attendee.params["rsvp"] = "FALSE"
    return attendee


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
def _clock(moment: time, locale: str) -> str:
    return babel_dates.format_time(moment, "short", locale=locale)


@lru_cache(maxsize=1024)
def _day(day: date, locale: str) -> str:
    return babel_dates.format_date(day, "full", locale=locale)


def _programme_text(event: Event) -> str | None:
    """The programme by day, times in Europe/Berlin and in the current language's format."""
    days = programme_by_day(event)
    if not days:
        return None
    locale = str(get_locale() or current_app.config["DEFAULT_LOCALE"])
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
    parts = [note, markdown_to_text(event.description), _programme_text(event)]
    if event.online_url:
        parts.append(_("Online-Teilnahme: %(url)s", url=event.online_url))
    parts.append(_("Weitere Informationen: %(url)s", url=event_page_url(event)))
    return "\n\n".join(part for part in parts if part)


def _vevent(
    event: Event,
    *,
    stamp: datetime,
    status: str,
    summary: str | None = None,
    note: str | None = None,
    registration_sequence: int = 0,
):
    """The VEVENT of an event; a multi-day event is one entry from its start to its end.

    registration_sequence: the registrant's own part of SEQUENCE (see the module's notes), 0 without one.
    """
    entry = icalendar.Event()
    entry.add("uid", event_uid(event))
    entry.add("sequence", (event.calendar_sequence or 0) + registration_sequence)
    entry.add("dtstamp", stamp)
    start = _local(event.starts_at)
    end = _local(event.ends_at) if event.ends_at and event.ends_at > event.starts_at else start + timedelta(hours=1)
    entry.add("dtstart", start)
    entry.add("dtend", end)
    if event.created_at:
        entry.add("created", event.created_at.astimezone(UTC))
    if event.updated_at:
        entry.add("last-modified", event.updated_at.astimezone(UTC))
    entry.add("summary", summary or event.title)
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


def _calendar(method: str, entries: list, name: str | None = None, refresh: bool = False) -> bytes:
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


def _in_language(language: str | None = None):
    """Texts in the given language; without one, in the request's language, or the default outside requests
    (CLI commands, mail jobs)."""
    if language:
        return force_locale(language)
    if has_request_context():
        return nullcontext()
    return force_locale(current_app.config["DEFAULT_LOCALE"])


def _event_status(event: Event) -> str:
    return "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED"


# --- what the rest of the application calls --------------------------------------------------------------


def invite_method(registration: Registration) -> str:
    """CANCEL once the registration or its event is cancelled, otherwise REQUEST."""
    if registration.status == RegistrationStatus.CANCELLED or registration.event.status == EventStatus.CANCELLED:
        return "CANCEL"
    return "REQUEST"


def event_invite(registration: Registration, method: str = "REQUEST") -> bytes:
    """The iTIP message for one registrant, in the registrant's language.

    METHOD is REQUEST, or CANCEL when asked for or when the registration or the event is cancelled.
    """
    return _invite(registration, method)[1]


def invite_attachment(
    registration: Registration, method: str = "REQUEST", registration_sequence: int | None = None
) -> tuple[str, str, bytes]:
    """(file name, content type, data) for `queue_mail(..., attachments=[...])`; the content type names the
    same method as the METHOD inside the file.

    registration_sequence: the registration's calendar_sequence when the mail was queued, so that a mail
    rendered later (a cancellation sent after the person registered again) keeps its place in the order.
    """
    actual, data = _invite(registration, method, registration_sequence)
    with force_locale(registration.language or current_app.config["DEFAULT_LOCALE"]):
        filename = _("absage.ics") if actual == "CANCEL" else _("einladung.ics")
    return filename, mail_content_type(actual), data


def _cancellation_note(event: Event) -> str:
    """Why an entry for a registrant is cancelled: the event was called off, or the registration was cancelled."""
    if event.status == EventStatus.CANCELLED:
        return _("Diese Veranstaltung wurde abgesagt.")
    return _("Ihre Anmeldung zu dieser Veranstaltung wurde storniert.")


def _workshops_text(registration: Registration) -> str | None:
    """The workshops the registrant chose, with their times (in the current language)."""
    if not registration.workshops:
        return None
    locale = str(get_locale() or current_app.config["DEFAULT_LOCALE"])
    lines = [_("Ihre Workshops:")]
    for workshop in registration.workshops:
        start, end = _local(workshop.starts_at), _local(workshop.ends_at)
        when = f"{_day(start.date(), locale)}, {_clock(start.time(), locale)}–{_clock(end.time(), locale)}"
        line = f"{when} {workshop.title}"
        lines.append(f"- {line} ({workshop.room})" if workshop.room else f"- {line}")
    return "\n".join(lines)


def _registrant_texts(registration: Registration) -> tuple[str, str, str | None]:
    """STATUS, SUMMARY and the note above the description of a registrant's entry, in the current language: a
    waiting-list place is tentative and says so; a cancelled registration or event is CANCELLED and says why."""
    event = registration.event
    if registration.status == RegistrationStatus.CANCELLED or event.status == EventStatus.CANCELLED:
        return "CANCELLED", event.title, _cancellation_note(event)
    workshops = _workshops_text(registration)
    if registration.status == RegistrationStatus.WAITLISTED:
        note = _("Sie stehen auf der Warteliste. Wir informieren Sie, sobald ein Platz frei wird.")
        summary = _("Warteliste: %(title)s", title=event.title)
        return "TENTATIVE", summary, "\n\n".join(part for part in (note, workshops) if part)
    return "CONFIRMED", event.title, workshops


def _invite(registration: Registration, method: str, registration_sequence: int | None = None) -> tuple[str, bytes]:
    event = registration.event
    if registration_sequence is None:
        registration_sequence = registration.calendar_sequence or 0
    method = "CANCEL" if method.upper() == "CANCEL" else invite_method(registration)
    with force_locale(registration.language or current_app.config["DEFAULT_LOCALE"]):
        if method == "CANCEL":
            status, summary, note = "CANCELLED", event.title, _cancellation_note(event)
        else:
            status, summary, note = _registrant_texts(registration)
            status = "CONFIRMED"  # a waiting-list place is REQUESTed as confirmed, and marked busy as tentative
        entry = _vevent(
            event,
            stamp=utcnow(),
            status=status,
            summary=summary,
            note=note,
            registration_sequence=registration_sequence,
        )
        entry.add("attendee", _attendee(registration))
        if method == "REQUEST":
            busy = "TENTATIVE" if registration.status == RegistrationStatus.WAITLISTED else "BUSY"
            entry.add("x-microsoft-cdo-busystatus", busy)
        return method, _calendar(method, [entry])


def event_calendar(event: Event, language: str | None = None) -> bytes:
    """The download for one event (METHOD PUBLISH)."""
    with _in_language(language):
        entry = _vevent(event, stamp=utcnow(), status=_event_status(event))
        return _calendar("PUBLISH", [entry])


def feed(events, name: str | None = None, language: str | None = None, stamp: datetime | None = None) -> bytes:
    """A subscribable feed of many events (METHOD PUBLISH, with a calendar name and a refresh interval).

    stamp: the DTSTAMP of its entries (now if not given)."""
    with _in_language(language):
        stamp = stamp or utcnow()
        entries = [_vevent(event, stamp=stamp, status=_event_status(event)) for event in events]
        return _calendar("PUBLISH", entries, name=name or _("Treffpunkt – Veranstaltungen"), refresh=True)


def _registrant_entry(registration: Registration, stamp: datetime):
    """The entry of a registrant's own download and feed: what their last invite said, as a PUBLISHed entry."""
    status, summary, note = _registrant_texts(registration)
    return _vevent(
        registration.event,
        stamp=stamp,
        status=status,
        summary=summary,
        note=note,
        registration_sequence=registration.calendar_sequence or 0,
    )


def personal_feed(registrations, language: str | None = None) -> bytes:
    """A participant's own feed: their registrations' events; waiting-list places are marked as tentative, a
    cancelled registration or event stays in it as CANCELLED (so the client removes or strikes it out)."""
    with _in_language(language):
        stamp = utcnow()
        entries = [_registrant_entry(registration, stamp) for registration in registrations]
        return _calendar("PUBLISH", entries, name=_("Treffpunkt – Meine Veranstaltungen"), refresh=True)


def registration_calendar(registration: Registration) -> bytes:
    """The file the personal page offers for download (METHOD PUBLISH: a download is no invitation to answer)."""
    with _in_language(registration.language):
        return _calendar("PUBLISH", [_registrant_entry(registration, utcnow())])


def invite_content(event: Event) -> tuple:
    """Everything of an event that its calendar entries say (see _vevent and _description), as plain values."""
    programme = sorted(
        (item.starts_at, item.ends_at, item.title, item.speakers or "", item.room or "")
        for item in event.sessions
        if not inspect(item).deleted
    )
    return (
        event.title,
        event.description,
        event.starts_at,
        event.ends_at,
        event.venue_name,
        event.address,
        event.online_url,
        event.contact_email,
        tuple(programme),
    )


def bump_sequence_if_changed(event: Event, before: tuple) -> bool:
    """Raise the event's SEQUENCE once if its entries say something else than `before` (invite_content taken
    before the change), in the change's transaction; whether it did."""
    db.session.flush()
    if invite_content(event) == before:
        return False
    bump_sequence(event)
    return True


def bump_sequence(event: Event) -> int:
    """Raise the event's SEQUENCE by one, in the same transaction as the change (this function does not commit):
    through bump_sequence_if_changed for a changed event, directly when its status changes (cancelled).

    On an event loaded from the database the increment happens in SQL, so two changes at the same time
    both count.
    """
    state = inspect(event)
    if state.persistent:
        event.calendar_sequence = Event.calendar_sequence + 1
        state.session.flush()
        return event.calendar_sequence
    event.calendar_sequence = (event.calendar_sequence or 0) + 1
    return event.calendar_sequence


# --- look-ups for the views -----------------------------------------------------------------------------


def downloadable_event(event_id: int) -> Event | None:
    """An event whose calendar file anyone may fetch: published or cancelled, never a draft."""
    event = db.session.get(Event, event_id)
    if event is None or event.status == EventStatus.DRAFT:
        return None
    return event


def in_public_feed(since: datetime):
    """The SQL condition for an event in the public feed: published, and ended at `since` or later."""
    return (Event.status == EventStatus.PUBLISHED) & (Event.ends_at >= since)


def feed_events(now: datetime | None = None) -> list[Event]:
    """Published events that are upcoming or ended at most FEED_PAST_DAYS ago, earliest first."""
    since = (now or utcnow()) - timedelta(days=FEED_PAST_DAYS)
    return list(
        db.session.scalars(
            select(Event)
            .options(selectinload(Event.sessions))
            .where(in_public_feed(since))
            .order_by(Event.starts_at, Event.id)
        )
    )


def personal_registrations(registration: Registration) -> list[Registration]:
    """What the registration's personal feed holds: its own event, also once cancelled (marked so: a calendar
    needs at least one entry, RFC 5545 3.6), but not while the event is a draft again (the feed then answers 404).

    Only this registration, not the others of the same address: nobody confirms an address when registering, so
    anyone could register a stranger's address for an open event and read that person's other events (invitation
    ones included) from the feed. Each registration has its own feed.
    """
    if registration.event.status == EventStatus.DRAFT:
        return []
    return [registration]
