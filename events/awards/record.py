"""The decision record for the files: programme, jury with their declarations, criteria and weights, the results
table, the decision per category with reasons, and lines for the signatures. Rendered by the worker through the
shared sandboxed renderer (never in a request) and kept with the programme in the file store (area "awards").
"""

from __future__ import annotations

import hashlib
import json
import secrets

from flask import current_app
from flask_babel import force_locale, format_datetime
from sqlalchemy import select

from events.awards.decision_models import PrizeMode, TieBreakRule
from events.awards.decisions import RECORD_LANGUAGE, decisions_of, prize_label
from events.awards.documents import AREA
from events.awards.models import AwardProgramme, ConflictDeclaration, ConflictState, JuryMember
from events.awards.prizes import euros
from events.awards.results import results_for_meeting
from events.awards.rules import record_is_outdated
from events.core.audit import record_audit
from events.core.storage import file_store
from events.core.timezone import berlin_date
from events.core.types import utcnow
from events.documents.rendering import RenderingFailed, render_pdf
from events.extensions import db


def _declarations(programme: AwardProgramme) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for conflict in db.session.scalars(
        select(ConflictDeclaration).join(JuryMember).where(JuryMember.programme_id == programme.id)
    ):
        if conflict.state == ConflictState.NONE:
            continue
        words = f"{conflict.nomination.project_name}: {conflict.state_enum.label}"
        if conflict.type_label:
            words += f" ({conflict.type_label})"
        found.setdefault(conflict.jury_member_id, []).append(words)
    return found


def record_contents(programme: AwardProgramme) -> dict:
    """Everything the record shows, as plain values, in German."""
    with force_locale(RECORD_LANGUAGE):
        results, proposal, frozen = results_for_meeting(programme)
        declarations = _declarations(programme)
        decisions = []
        for decision in decisions_of(programme):
            decisions.append(
                {
                    "category": decision.category_name,
                    "decided_by": decision.decided_by_name,
                    "decided_at": format_datetime(decision.decided_at, "medium"),
                    "present": decision.present,
                    "absent": [f"{a['name']} ({', '.join(a['projects'])})" for a in decision.absent_for_conflicts],
                    "tie_breaks": decision.tie_breaks,
                    "note": decision.note,
                    "prizes": [
                        {
                            "label": prize_label(p),
                            "project": p.nomination.project_name if p.nomination else "",
                            "organisation": p.nomination.organisation_name if p.nomination else "",
                            "amount": euros(p.amount_cents, "de") if p.amount_cents else "",
                            "laudation": p.laudation,
                        }
                        for p in decision.prizes
                    ],
                    "total": euros(decision.total_cents, "de"),
                }
            )
        total = sum(d.total_cents for d in decisions_of(programme))
        return {
            "programme": str(programme),
            "area": programme.area,
            "motto": programme.motto,
            "budget": euros(programme.budget_cents, "de") if programme.budget_cents is not None else "",
            "total": euros(total, "de"),
            "mode": str(PrizeMode(programme.prize_mode).label),
            "tie_break": programme.tie_break_text or str(TieBreakRule(programme.tie_break_rule).label),
            "jury": [
                {
                    "name": m.name,
                    "organisation": m.organisation_name,
                    "chair": m.is_chair,
                    "category": m.category.name if m.category else "",
                    "declarations": declarations.get(m.id, []),
                }
                for m in sorted(programme.jury, key=lambda m: (not m.is_chair, m.name))
            ],
            "criteria": [
                {"name": c.name, "weight": f"{c.weight:g}".replace(".", ","), "counts": c.counts}
                for c in programme.criteria
            ],
            "rows": [
                {
                    "place": r["place"],
                    "project": r["project"],
                    "district": r["district"],
                    "count": r["count"],
                    "mean": "–" if r["mean"] is None else f"{r['mean']:.2f}".replace(".", ","),
                    "median": "–" if r["median"] is None else f"{r['median']:.2f}".replace(".", ","),
                    "shortlisted": r["shortlisted"],
                }
                for r in results["rows"]
            ],
            "frozen": frozen,
            "proposal": [[name for _id, name in place] for place in proposal.get("places", [])],
            "decisions": decisions,
            "printed": format_datetime(utcnow(), "medium"),
        }


def decisions_fingerprint(programme: AwardProgramme) -> str:
    """A hash of what the record says of the decisions: each decision with its prizes, money and reasons, and the
    programme's prize-money settings. A record made from another fingerprint is outdated."""
    decisions = [
        [
            d.id,
            d.category_key,
            d.decided_at.isoformat(),
            d.decided_by_name,
            d.present,
            d.absent_for_conflicts,
            d.tie_breaks,
            d.note,
            [[p.nomination_id, p.kind, p.place, p.amount_cents, p.laudation] for p in d.prizes],
        ]
        for d in decisions_of(programme)
    ]
    settings = [
        programme.prize_mode,
        programme.place_amounts,
        programme.budget_cents,
        programme.tie_break_rule,
        programme.tie_break_text,
    ]
    return hashlib.sha256(json.dumps([settings, decisions], default=str).encode()).hexdigest()


def record_outdated(programme: AwardProgramme) -> bool:
    """Whether the programme's decision record was made before a decision changed (rules.record_is_outdated)."""
    if programme.record_key is None:
        return False
    latest = max((d.decided_at for d in decisions_of(programme)), default=None)
    return record_is_outdated(programme, decisions_fingerprint(programme), latest)


def render_record(programme: AwardProgramme) -> bytes:
    return render_pdf("awards_decision_record.html", record_contents(programme))


def request_record(programme: AwardProgramme) -> None:
    """Queue the record's rendering (after the caller's commit: the worker reads what is committed)."""
    from events.awards.tasks import render_decision_record

    programme.record_error = None
    record_audit("award_programme.record_requested", programme, str(programme))
    programme_id = programme.id
    db.session.commit()
    render_decision_record(programme_id)


def make_record(programme_id: int) -> None:
    """The worker's part: render, keep the file, note it on the programme (a failure is noted too)."""
    programme = db.session.get(AwardProgramme, programme_id)
    if programme is None:
        return
    fingerprint = decisions_fingerprint(programme)  # before rendering: a change meanwhile marks the record outdated
    try:
        data = render_record(programme)
    except RenderingFailed as failure:
        db.session.rollback()
        programme = db.session.get(AwardProgramme, programme_id)
        programme.record_error = str(failure.message)[:300]
        db.session.commit()
        current_app.logger.warning("decision record of programme %s failed: %s", programme_id, failure)
        return
    db.session.rollback()  # nothing written: end the read transaction before storing the file
    key = f"record-{programme_id}-{secrets.token_hex(8)}.pdf"
    file_store().write(AREA, key, data)
    programme = db.session.get(AwardProgramme, programme_id)
    old = programme.record_key
    programme.record_key, programme.record_rendered_at, programme.record_error = key, utcnow(), None
    programme.record_fingerprint = fingerprint
    db.session.commit()
    if old:
        file_store().delete(AREA, [old])


def record_response(programme: AwardProgramme):
    made = f"-{berlin_date(programme.record_rendered_at).isoformat()}" if programme.record_rendered_at else ""
    filename = f"Entscheidungsprotokoll-{programme.slug}{made}.pdf"  # the day it was made: an old one tells
    return file_store().send(AREA, programme.record_key, filename, "application/pdf")
