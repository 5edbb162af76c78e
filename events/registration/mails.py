"""Every mail to registrants, queued through the outbox in the registrant's own language."""

from __future__ import annotations

from datetime import date

from flask import current_app, url_for

from events.core.languages import force_language
from events.core.outbox import about, mail_renderer, queue_deferred_mail, queue_templated_mail, render_templated_mail
from events.core.secret_links import secret_query_parameter
from events.documents.qr import qr_png
from events.extensions import db
from events.registration.invites import invite_attachment, workshops_attachment
from events.registration.models import Registration, RegistrationStatus
from events.registration.rules import holds_valid_ticket
from events.registration.tickets import ticket_token_for


def _links(registration, token: str | None) -> dict:
    base = current_app.config["BASE_URL"]
    event = registration.event
    links = {"event_url": base + url_for("meetings.event_page", slug=event.slug)}
    if token:
        links["personal_url"] = base + url_for("registration.personal", token=token)
    return links


def _ticket_image(registration) -> tuple[str, str, bytes, str]:
    return ("ticket.png", "image/png", qr_png(ticket_token_for(registration), box_size=6), "ticket-qr")


# Notices that hold only while the registration has this status. Mail is rendered when the sender runs, not when
# it is queued: a waiting-list notice for someone who has moved up or cancelled in between no longer applies (and
# has no place on the list to name), nor does a confirmation with a ticket for someone who has cancelled; the mail
# about that change is queued anyway, so this one is superseded.
NOTICE_HOLDS_WHILE = {
    "registration_waitlisted": RegistrationStatus.WAITLISTED,
    "registration_confirmed": RegistrationStatus.CONFIRMED,
    "registration_promoted": RegistrationStatus.CONFIRMED,
    "registration_day_promoted": RegistrationStatus.CONFIRMED,
    "registration_reminder": RegistrationStatus.CONFIRMED,
    "registration_address_check": RegistrationStatus.UNCONFIRMED,
    "registration_hold_lapsed": RegistrationStatus.CANCELLED,
}


@mail_renderer("registration")
def render_registration_mail(
    registration_id: int,
    template: str,
    link: bool = False,
    invite: str | None = None,
    ticket: bool = False,
    invite_sequence: int | None = None,
    **extra,
) -> dict | None:
    """Render one of the registrant mails; called by the sender just before delivery.

    None when the mail no longer applies: the registration is gone or its personal data deleted (retention), or a
    notice of NOTICE_HOLDS_WHILE no longer holds.
    """
    from events.registration.personal_links import personal_token

    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.anonymised_at is not None:
        return None
    if NOTICE_HOLDS_WHILE.get(template, registration.status) != registration.status:
        return None
    if "day" in extra:  # kept as text with the queued mail
        extra["day"] = date.fromisoformat(extra["day"])
    with force_language(registration.language or "de"):
        context = {
            "registration": registration,
            "event": registration.event,
            "reply_to": registration.event.contact_email,
            **_links(registration, personal_token(registration) if link else None),
            **extra,
        }
        if invite:
            context["attachments"] = [invite_attachment(registration, invite, invite_sequence)]
            workshops = workshops_attachment(registration) if invite == "REQUEST" else None
            if workshops is not None:
                context["attachments"].append(workshops)
        if ticket and holds_valid_ticket(registration):
            context["inline_images"] = [_ticket_image(registration)]
        return render_templated_mail(template, **context)


def _send(registration, template: str, *, link=False, invite: str | None = None, ticket=False, **extra):
    db.session.flush()  # the registration needs its id
    queue_deferred_mail(
        registration.email,
        "registration",
        topic=f"registration.{template}",
        about=about("registration", registration.id),
        registration_id=registration.id,
        template=template,
        link=link,
        invite=invite,
        # the person's part of SEQUENCE as of now, for a mail rendered after a later change of status
        invite_sequence=registration.calendar_sequence if invite else None,
        ticket=ticket,
        **extra,
    )


def _send_place(registration, template: str, dropped_workshops):
    """A mail that gives the person their place: personal link, calendar invite, ticket, and the chosen workshops
    that were full when the place became theirs (if any)."""
    extra = {"dropped_workshops": list(dropped_workshops)} if dropped_workshops else {}
    return _send(registration, template, link=True, invite="REQUEST", ticket=True, **extra)


def send_confirmation(registration, dropped_workshops=()):
    return _send_place(registration, "registration_confirmed", dropped_workshops)


def send_day_promoted(registration, day):
    """A place became free on a day the person was waiting for (registration.days): it is theirs now."""
    return _send(
        registration, "registration_day_promoted", link=True, invite="REQUEST", ticket=True, day=day.isoformat()
    )


def send_waitlisted(registration):
    return _send(registration, "registration_waitlisted", link=True)


def send_promoted(registration, dropped_workshops=()):
    return _send_place(registration, "registration_promoted", dropped_workshops)


def send_cancelled(registration):
    return _send(registration, "registration_cancelled", invite="CANCEL")


def send_workshops_changed(registration):
    return _send(registration, "registration_workshops_changed", link=True, invite="REQUEST")


def send_link_again(registration):
    return _send(registration, "registration_link", link=True)


def send_address_check(registration):
    """A place is held: "open this link to confirm your place" (see address_check)."""
    return _send(registration, "registration_address_check", link=True)


def send_hold_lapsed(registration):
    return _send(registration, "registration_hold_lapsed")


# the first mail after registering, by the status the registration got
PLACE_MAILS = {
    RegistrationStatus.CONFIRMED: send_confirmation,
    RegistrationStatus.UNCONFIRMED: send_address_check,
    RegistrationStatus.WAITLISTED: send_waitlisted,
}


def send_corrected(registration, note: str = ""):
    """An organiser corrected the registration: what it says now, the organiser's note, the personal link."""
    return _send(registration, "registration_corrected", link=True, note=note)


def send_reminder(registration):
    return _send(registration, "registration_reminder", link=True, ticket=True)


def send_event_updated(registration):
    invite = "REQUEST" if registration.status == RegistrationStatus.CONFIRMED else None
    return _send(registration, "event_updated", invite=invite)


def send_event_cancelled(registration, message: str):
    return _send(registration, "event_cancelled", invite="CANCEL", message=message)


def send_organiser_message(registration, subject: str, body: str):
    return _send(registration, "organiser_message", subject=subject, body=body)


# the invitation link carries its token as ?invitation=...: the organisers' view of sent mail hides it
secret_query_parameter("invitation")


def send_invitation(invitation, token: str, language: str | None = None):
    """The invitation mail, in the invitee's language when the inviter knows it (a winner applied in English),
    else in the service's first language: an invitee has chosen none yet (the registration form offers English),
    and the language the organiser's pages happen to be read in is not theirs."""
    base = current_app.config["BASE_URL"]
    event = invitation.event
    link = base + url_for("registration.register", slug=event.slug, invitation=token)
    with force_language(language or current_app.config["DEFAULT_LOCALE"]):
        return queue_templated_mail(
            invitation.email,
            "event_invitation",
            topic="registration.event_invitation",
            invitation=invitation,
            event=event,
            link=link,
            event_url=base + url_for("meetings.event_page", slug=event.slug),
            reply_to=event.contact_email,
        )
