"""Every mail to registrants, queued through the outbox in the registrant's own language."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale

from events.calendar.service import invite_attachment
from events.checkin.tickets import qr_png, ticket_token_for
from events.core.mailer import queue_templated_mail


def _links(registration, token: str | None) -> dict:
    base = current_app.config["BASE_URL"]
    event = registration.event
    links = {"event_url": base + url_for("meetings.event_page", slug=event.slug)}
    if token:
        links["personal_url"] = base + url_for("registration.personal", token=token)
    return links


def _invite(registration, method: str) -> tuple[str, str, bytes]:
    from events.calendar.service import event_invite

    data = event_invite(registration, method=method)
    return (
        "einladung.ics" if method == "REQUEST" else "absage.ics",
        f"text/calendar; method={method}; charset=utf-8",
        data,
    )


def _ticket_image(registration) -> tuple[str, str, bytes, str]:
    return ("ticket.png", "image/png", qr_png(ticket_token_for(registration), box_size=6), "ticket-qr")


def _send(registration, template: str, token: str | None = None, *, invite: str | None = None, ticket=False, **extra):
    with force_locale(registration.language or "de"):
        context = {
            "registration": registration,
            "event": registration.event,
            **_links(registration, token),
            **extra,
        }
        if invite:
            context["attachments"] = [invite_attachment(registration, invite)]
        if ticket:
            context["inline_images"] = [_ticket_image(registration)]
        return queue_templated_mail(registration.email, template, topic=f"registration.{template}", **context)


def send_confirmation(registration, token: str):
    return _send(registration, "registration_confirmed", token, invite="REQUEST", ticket=True)


def send_waitlisted(registration, token: str):
    return _send(registration, "registration_waitlisted", token)


def send_promoted(registration, token: str):
    return _send(registration, "registration_promoted", token, invite="REQUEST", ticket=True)


def send_cancelled(registration):
    return _send(registration, "registration_cancelled", invite="CANCEL")


def send_link_again(registration, token: str):
    return _send(registration, "registration_link", token)


def send_reminder(registration, token: str):
    return _send(registration, "registration_reminder", token, ticket=True)


def send_event_updated(registration):
    invite = "REQUEST" if registration.status == "confirmed" else None
    return _send(registration, "event_updated", invite=invite)


def send_event_cancelled(registration, message: str):
    return _send(registration, "event_cancelled", invite="CANCEL", message=message)


def send_organiser_message(registration, subject: str, body: str):
    return _send(registration, "organiser_message", subject=subject, body=body)


def send_invitation(invitation, token: str):
    from events.core.mailer import queue_templated_mail as queue

    base = current_app.config["BASE_URL"]
    event = invitation.event
    link = base + url_for("registration.register", slug=event.slug, invitation=token)
    return queue(
        invitation.email,
        "event_invitation",
        topic="registration.event_invitation",
        invitation=invitation,
        event=event,
        link=link,
        event_url=base + url_for("meetings.event_page", slug=event.slug),
    )
