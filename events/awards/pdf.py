"""The printable sheet for the jury meeting: the results table with conflicts marked and the Schulze proposal,
rendered by the shared sandboxed renderer (documents.rendering) from plain values."""

from __future__ import annotations

from flask import render_template
from flask_babel import format_datetime

from events.awards.models import AwardProgramme
from events.awards.results import decimal_sign, results_for_meeting
from events.core.types import utcnow
from events.documents.rendering import render_pdf


def render_meeting_sheet(programme: AwardProgramme) -> bytes:
    results, proposal, frozen = results_for_meeting(programme)
    return render_pdf(
        "awards_meeting_sheet.html",
        {
            "programme": str(programme),
            "area": programme.area,
            "results": results,
            "proposal": proposal,
            "frozen": frozen,
            "printed": format_datetime(utcnow(), "short"),
            "decimal_sign": decimal_sign(),
            "normalisation_note": " ".join(render_template("awards/jury/_normalisation.html", results=results).split()),
        },
    )
