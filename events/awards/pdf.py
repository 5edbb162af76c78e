"""The printable sheet for the jury meeting: the results table with conflicts marked and the Schulze proposal.

Rendered like the tickets and badges (checkin.pdf): a template of plain values, WeasyPrint with a URL fetcher that
opens data: URLs only, so nothing typed into a nomination can make the renderer fetch a file or an address.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import format_datetime

from events.awards.models import AwardProgramme
from events.awards.results import results_for_meeting
from events.core.types import utcnow


def _data_only_fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, timeout=1)


def render_meeting_sheet(programme: AwardProgramme) -> bytes:
    from weasyprint import HTML

    results, proposal, frozen = results_for_meeting(programme)
    html = render_template(
        "pdf/awards_meeting_sheet.html",
        programme=str(programme),
        area=programme.area,
        results=results,
        proposal=proposal,
        frozen=frozen,
        printed=format_datetime(utcnow(), "short"),
        criteria={str(c["id"]): c for c in results["criteria"]},
    )
    return HTML(string=html, base_url="data:,", url_fetcher=_data_only_fetcher()).write_pdf()
