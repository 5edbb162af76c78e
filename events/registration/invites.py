"""The calendar invite of a registrant (iTIP, RFC 5546): REQUEST while registered, CANCEL once the registration or the
event is cancelled; in the registrant's language, with the registrant as the one ATTENDEE (see meetings.icalendar for
what every entry says and how its SEQUENCE grows)."""

from __future__ import annotations

import icalendar
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from events.core.types import utcnow
from events.meetings.icalendar import (
    calendar_file,
    event_entry,
    mail_content_type,
    parameter_text,
    workshop_entries,
)
from events.meetings.models import Event, EventStatus
from events.registration.models import Registration, RegistrationStatus

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
    with force_locale(registration.language or current_app.config["DEFAULT_LOCALE"]):
        filename = _("absage.ics") if actual == "CANCEL" else _("einladung.ics")
    return filename, mail_content_type(actual), data


def booked_days(registration: Registration):
    """The days a registrant booked of an event booked per day (registration.days); None: the whole event."""
    return [choice.event_day.day for choice in getattr(registration, "day_choices", [])] or None


def workshops_attachment(registration: Registration) -> tuple[str, str, bytes] | None:
    """The registrant's chosen workshops as entries of their own, a file beside the invite (an invite carries one
    UID, the event's); None without workshops."""
    if not registration.workshops or registration.status != RegistrationStatus.CONFIRMED:
        return None
    with force_locale(registration.language or current_app.config["DEFAULT_LOCALE"]):
        entries = workshop_entries(registration.event, registration.workshops, stamp=utcnow(), status="CONFIRMED")
        return _("workshops.ics"), mail_content_type("PUBLISH"), calendar_file("PUBLISH", entries)


def waiting_list_texts(event: Event) -> tuple[str, str]:
    """Summary and note of an entry for someone on the waiting list (in the current language)."""
    return (
        _("Warteliste: %(title)s", title=event.title),
        _("Sie stehen auf der Warteliste. Wir informieren Sie, sobald ein Platz frei wird."),
    )


def _invite(registration: Registration, method: str, registration_sequence: int | None = None) -> tuple[str, bytes]:
    event = registration.event
    if registration_sequence is None:
        registration_sequence = registration.calendar_sequence or 0
    method = "CANCEL" if method.upper() == "CANCEL" else invite_method(registration)
    with force_locale(registration.language or current_app.config["DEFAULT_LOCALE"]):
        summary, note = event.title, None
        if method == "CANCEL":
            status = "CANCELLED"
            if event.status == EventStatus.CANCELLED:
                note = _("Diese Veranstaltung wurde abgesagt.")
            else:
                note = _("Ihre Anmeldung zu dieser Veranstaltung wurde storniert.")
        else:
            status = "CONFIRMED"
            if registration.status == RegistrationStatus.WAITLISTED:
                summary, note = waiting_list_texts(event)
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
            busy = "TENTATIVE" if registration.status == RegistrationStatus.WAITLISTED else "BUSY"
            entry.add("x-microsoft-cdo-busystatus", busy)
        return method, calendar_file(method, [entry])
