"""PDFs rendered by WeasyPrint in a sandbox: the templates get plain values only, and the URL fetcher refuses
everything but data: URLs (a QR code is embedded as one), so a name typed at registration cannot make the renderer
fetch a file or a web address."""

from __future__ import annotations

import base64

from flask import render_template

from events.documents.qr import qr_png


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


def qr_data_uri(data: str, box_size: int = 10) -> str:
    """A QR code as a data: URL, the only kind of address a PDF template may use."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data, box_size=box_size)).decode()


def render_pdf(template: str, **values) -> bytes:
    """The PDF of a template rendered with these plain values."""
    from weasyprint import HTML

    html = render_template(template, **values)
    return HTML(string=html, base_url="data:,", url_fetcher=_url_fetcher()).write_pdf()
