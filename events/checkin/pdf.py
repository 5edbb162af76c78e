"""Printable tickets and name badges, rendered by WeasyPrint in a sandbox.

The templates get plain values only; the URL fetcher refuses everything but data: URLs (the QR code is
embedded as one), so a name typed at registration cannot make the renderer fetch a file or a web address.
"""

from __future__ import annotations

import base64

from flask import render_template
from flask_babel import format_datetime

from events.checkin.tickets import qr_png, ticket_token_for


class RefusedURL(ValueError):
    """A PDF template asked for something other than a data: URL."""


def _url_fetcher():
    """A fetcher that only opens data: URLs (WeasyPrint 68+ takes a URLFetcher object, older ones a function)."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 68
        from weasyprint import default_url_fetcher

        def fetch(url, *args, **kwargs):
            if not url.startswith("data:"):
                raise RefusedURL(url[:80])
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"data"}, timeout=1)


def _qr_data_uri(token: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(token, box_size=10)).decode()


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
        "qr": _qr_data_uri(token),
    }


def _render(template: str, **values) -> bytes:
    from weasyprint import HTML

    html = render_template(template, **values)
    return HTML(string=html, base_url="data:,", url_fetcher=_url_fetcher()).write_pdf()


def render_ticket_pdf(registration) -> bytes:
    """One A4 page (to fold to A6) with the person's name, organisation, district and QR code."""
    return _render("pdf/checkin_ticket.html", ticket=_ticket_values(registration))


def render_badges_pdf(registrations) -> bytes:
    """Name badges with QR codes, eight per A4 page, all in one document."""
    badges = [_ticket_values(registration) for registration in registrations]
    event_title = badges[0]["event_title"] if badges else ""
    return _render("pdf/checkin_badges.html", badges=badges, event_title=event_title)
