"""Printable tickets and name badges: plain values for the templates, rendered by the shared PDF renderer.

The QR code is embedded as a data: URL, the only kind of address the renderer opens, so a name typed at
registration cannot make it fetch a file or a web address.
"""

from __future__ import annotations

from flask_babel import format_datetime

from events.checkin.tickets import ticket_token_for
from events.documents.qr import qr_png
from events.documents.rendering import data_url, render_pdf


def _ticket_values(registration) -> dict:
    """Plain values about one ticket for the templates."""

    event = registration.event
    token = ticket_token_for(registration)
    return {
        "name": registration.full_name,
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "organisation": registration.organisation_name or "",
        "district": registration.district.label if registration.district else "",
        "workshops": [session.title for session in registration.workshops],
        "event_title": event.title,
        "event_starts": format_datetime(event.starts_at, "short"),  # in the language of the page, Berlin time
        "event_ends": format_datetime(event.ends_at, "short"),
        "venue": ", ".join(part for part in (event.venue_name, event.address) if part),
        "token": token,
        "qr": data_url("image/png", qr_png(token, box_size=10)),
    }


def render_ticket_pdf(registration) -> bytes:
    """One A4 page (to fold to A6) with the person's name, organisation, district and QR code."""
    return render_pdf("checkin_ticket.html", {"ticket": _ticket_values(registration)})


def render_badges_pdf(registrations) -> bytes:
    """Name badges with QR codes, eight per A4 page, all in one document."""
    badges = [_ticket_values(registration) for registration in registrations]
    event_title = badges[0]["event_title"] if badges else ""
    return render_pdf("checkin_badges.html", {"badges": badges, "event_title": event_title})
