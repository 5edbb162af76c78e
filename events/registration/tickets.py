"""Tickets: their codes, compact, signed with the event's own key, and checked before any registration is looked up.

A code reads `<event id>-<registration id>-<ticket version>-<mac>`; the mac is the first 16 bytes of
HMAC-SHA256 over the first three parts with the event's ticket key, base64url-encoded (22 characters).
Re-issuing a ticket increments the version, so the old code no longer matches.

The printable ticket and the name badges (PDF) carry the code as a QR code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from flask_babel import format_datetime

from events.documents.qr import qr_png
from events.documents.rendering import data_url, render_pdf

MAC_BYTES = 16

TOKEN_PATTERN = re.compile(r"^(\d{1,9})-(\d{1,10})-(\d{1,5})-([A-Za-z0-9_-]{22})$")


@dataclass(frozen=True)
class TicketCode:
    event_id: int
    registration_id: int
    version: int
    mac: str

    @property
    def payload(self) -> str:
        return f"{self.event_id}-{self.registration_id}-{self.version}"


def _mac(key: str, payload: str) -> str:
    digest = hmac.new(key.encode(), payload.encode(), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_ticket_token(event_id: int, ticket_key: str, registration_id: int, version: int) -> str:
    payload = f"{event_id}-{registration_id}-{version}"
    return f"{payload}-{_mac(ticket_key, payload)}"


def ticket_token_for(registration) -> str:
    """The current ticket code of a registration."""
    event = registration.event
    return make_ticket_token(event.id, event.ticket_key, registration.id, registration.ticket_version)


def parse_ticket_token(token: str) -> TicketCode | None:
    """Split a scanned code into its parts; None when it is not shaped like a ticket at all."""
    match = TOKEN_PATTERN.match((token or "").strip())
    if not match:
        return None
    return TicketCode(int(match[1]), int(match[2]), int(match[3]), match[4])


def signature_is_valid(code: TicketCode, ticket_key: str) -> bool:
    return hmac.compare_digest(code.mac, _mac(ticket_key, code.payload))


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
        "event_title": event.shown_title,
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
