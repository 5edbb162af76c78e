"""The calendar invite of a registrant (iTIP, RFC 5546): REQUEST while registered, CANCEL once the registration or the
event is cancelled; in the registrant's language, with the registrant as the one ATTENDEE (see meetings.icalendar for
what every entry says and how its SEQUENCE grows)."""

from __future__ import annotations

from datetime import datetime

import icalendar
from flask import current_app
from flask_babel import gettext as _

from events.core.languages import force_language
from events.core.types import utcnow
from events.meetings.icalendar import (
    calendar_file,
    event_entry,
    in_calendar_language,
    mail_content_type,
    parameter_text,
    session_time_text,
    workshop_entries,
)
from events.meetings.models import Event, EventStatus
from events.registration.models import Registration, RegistrationStatus
from events.registration.rules import awaiting_address_confirmation

PARTSTAT = {
    RegistrationStatus.CONFIRMED: "ACCEPTED",
    RegistrationStatus.WAITLISTED: "TENTATIVE",
    RegistrationStatus.CANCELLED: "DECLINED",
}


def _attendee(registration: Registration) -> icalendar.vCalAddress:
    attendee = icalendar.vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = parameter_text(registration.full_name) or registration.email
    attendee.params["cutype"] = "INDIVIDUAL"
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = PARTSTAT.get(registration.status, "NEEDS-ACTION")
    attendee.params["rsvp"] = "FALSE"
    return attendee


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
    with force_language(registration.language or current_app.config["DEFAULT_LOCALE"]):
        filename = _("absage.ics") if actual == "CANCEL" else _("einladung.ics")
    return filename, mail_content_type(actual), data


def booked_days(registration: Registration):
    """The days a registrant booked of an event booked per day (registration.days), not those still waited for;
    None: the whole event."""
    choices = getattr(registration, "day_choices", [])
    return [choice.event_day.day for choice in choices if choice.waiting_position is None] or None


def workshops_attachment(registration: Registration) -> tuple[str, str, bytes] | None:
    """The registrant's chosen workshops as entries of their own, a file beside the invite (an invite carries one
    UID, the event's); None without workshops."""
    if not registration.workshops or registration.status != RegistrationStatus.CONFIRMED:
        return None
    with force_language(registration.language or current_app.config["DEFAULT_LOCALE"]):
        entries = workshop_entries(registration.event, registration.workshops, stamp=utcnow(), status="CONFIRMED")
        return _("workshops.ics"), mail_content_type("PUBLISH"), calendar_file("PUBLISH", entries)


def waiting_list_texts(event: Event) -> tuple[str, str]:
    """Summary and note of an entry for someone on the waiting list (in the current language)."""
    return (
        _("Warteliste: %(title)s", title=event.shown_title),
        _("Sie stehen auf der Warteliste. Wir informieren Sie, sobald ein Platz frei wird."),
    )


def _cancellation_note(event: Event) -> str:
    """Why an entry for a registrant is cancelled: the event was called off, or the registration was cancelled."""
    if event.status == EventStatus.CANCELLED:
        return _("Diese Veranstaltung wurde abgesagt.")
    return _("Ihre Anmeldung zu dieser Veranstaltung wurde storniert.")


def _workshops_text(registration: Registration) -> str | None:
    """The workshops the registrant chose, with their times (in the current language)."""
    if not registration.workshops:
        return None
    lines = [_("Ihre Workshops:")]
    for workshop in registration.workshops:
        line = f"{session_time_text(workshop)} {workshop.title}"
        lines.append(f"- {line} ({workshop.room})" if workshop.room else f"- {line}")
    return "\n".join(lines)


def registrant_texts(registration: Registration) -> tuple[str, str, str | None]:
    """STATUS, SUMMARY and the note above the description of a registrant's entry, in the current language: a
    waiting-list place is tentative and says so; a cancelled registration or event is CANCELLED and says why; the
    chosen workshops are listed."""
    event = registration.event
    if registration.status == RegistrationStatus.CANCELLED or event.status == EventStatus.CANCELLED:
        return "CANCELLED", event.shown_title, _cancellation_note(event)
    workshops = _workshops_text(registration)
    if registration.status == RegistrationStatus.WAITLISTED:
        summary, note = waiting_list_texts(event)
        return "TENTATIVE", summary, "\n\n".join(part for part in (note, workshops) if part)
    if awaiting_address_confirmation(registration):  # held, not yet confirmed: no confirmed entry before that
        note = _("Ihr Platz ist reserviert. Bitte bestätigen Sie ihn über den Link in der E-Mail.")
        return "TENTATIVE", event.shown_title, "\n\n".join(part for part in (note, workshops) if part)
    return "CONFIRMED", event.shown_title, workshops


def registrant_entry(registration: Registration, stamp: datetime):
    """The entry of a registrant's own download and feed: what their last invite said, as a PUBLISHed entry."""
    status, summary, note = registrant_texts(registration)
    return event_entry(
        registration.event,
        stamp=stamp,
        status=status,
        summary=summary,
        note=note,
        registration_sequence=registration.calendar_sequence or 0,
        days=booked_days(registration),
    )


def registrant_entries(registration: Registration, stamp: datetime) -> list:
    """The registrant's entry, and while the place is confirmed, the chosen workshops as entries of their own."""
    entries = [registrant_entry(registration, stamp)]
    if registration.status == RegistrationStatus.CONFIRMED and registration.event.status != EventStatus.CANCELLED:
        status = "CONFIRMED"
        entries += workshop_entries(registration.event, registration.workshops, stamp=stamp, status=status)
    return entries


def registration_calendar(registration: Registration) -> bytes:
    """The file the personal page offers for download (METHOD PUBLISH: a download is no invitation to answer)."""
    with in_calendar_language(registration.language):
        return calendar_file("PUBLISH", registrant_entries(registration, utcnow()))


def _invite(registration: Registration, method: str, registration_sequence: int | None = None) -> tuple[str, bytes]:
    event = registration.event
    if registration_sequence is None:
        registration_sequence = registration.calendar_sequence or 0
    method = "CANCEL" if method.upper() == "CANCEL" else invite_method(registration)
    with force_language(registration.language or current_app.config["DEFAULT_LOCALE"]):
        if method == "CANCEL":
            status, summary, note = "CANCELLED", event.shown_title, _cancellation_note(event)
        else:
            status, summary, note = registrant_texts(registration)
            status = "CONFIRMED"  # a waiting-list place is REQUESTed as confirmed, and marked busy as tentative
        entry = event_entry(
            event,
            stamp=utcnow(),
            status=status,
            summary=summary,
            note=note,
            registration_sequence=registration_sequence,
            days=booked_days(registration),
        )
        entry.add("attendee", _attendee(registration))
        if method == "REQUEST":
            busy = "BUSY" if registration.status == RegistrationStatus.CONFIRMED else "TENTATIVE"
            entry.add("x-microsoft-cdo-busystatus", busy)
        return method, calendar_file(method, [entry])
