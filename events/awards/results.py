"""The figures for the jury meeting, as plain values: per nomination raw and normalised means, median, count and
spread; the Schulze proposal from the jurors' rankings of the shortlist. Frozen when their round closes.

Only submitted reviews count, and never one of a juror with a conflict on the nomination (declared, recused,
confirmed, or suggested and not yet dismissed).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import fmean

from sqlalchemy import select

from events.awards.models import (
    CONFLICTED_STATES,
    AwardProgramme,
    ConflictDeclaration,
    JuryMember,
    JuryReview,
    Nomination,
    NominationState,
    RoundKind,
    RoundState,
    Score,
)
from events.awards.scoring import CriterionSpec, common_scale, figures, normalise, schulze, weighted_total
from events.core.models import District
from events.core.types import utcnow
from events.extensions import db


def _admitted(programme: AwardProgramme) -> list[tuple]:
    return db.session.execute(
        select(Nomination.id, Nomination.project_name, Nomination.category_id, Nomination.shortlisted, District.name)
        .outerjoin(District, District.id == Nomination.district_id)
        .where(
            Nomination.programme_id == programme.id,
            Nomination.state == NominationState.ELIGIBLE,
            Nomination.consent_at.is_not(None),
        )
        .order_by(Nomination.id)
    ).all()


def _conflicted_pairs(programme: AwardProgramme) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(ConflictDeclaration.jury_member_id, ConflictDeclaration.nomination_id)
        .join(JuryMember)
        .where(JuryMember.programme_id == programme.id, ConflictDeclaration.state.in_(CONFLICTED_STATES))
    )
    return {(member, nomination) for member, nomination in rows}


def compute_results(programme: AwardProgramme) -> dict:
    """The figures as they stand now (see results_for_meeting for the frozen ones)."""
    criteria = [CriterionSpec(c.id, c.weight, c.counts, c.scale_min, c.scale_max) for c in programme.criteria]
    scale = common_scale(criteria)
    members = {m.id: m for m in programme.jury}
    admitted = _admitted(programme)
    nomination_ids = {row[0] for row in admitted}
    conflicted = _conflicted_pairs(programme)
    reviews = (
        db.session.connection()
        .execute(
            select(JuryReview.jury_member_id, JuryReview.nomination_id, JuryReview.abstained)
            .join(JuryMember, JuryMember.id == JuryReview.jury_member_id)
            .where(JuryMember.programme_id == programme.id, JuryReview.submitted_at.is_not(None))
        )
        .all()
    )
    submitted = {(m, n) for m, n, abstained in reviews if not abstained and (m, n) not in conflicted}
    abstained = defaultdict(list)
    for member_id, nomination_id, did_abstain in reviews:
        if did_abstain and (member_id, nomination_id) not in conflicted:
            abstained[nomination_id].append(members[member_id].name)
    values: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    # thousands of rows: read through the Core connection, without the ORM's per-row work
    for member_id, nomination_id, criterion_id, value in db.session.connection().execute(
        select(Score.jury_member_id, Score.nomination_id, Score.criterion_id, Score.value)
        .join(JuryMember, JuryMember.id == Score.jury_member_id)
        .where(JuryMember.programme_id == programme.id)
    ):
        if (member_id, nomination_id) in submitted and nomination_id in nomination_ids:
            values[member_id, nomination_id][criterion_id] = value
    totals = {}
    for key, scored in values.items():
        total = weighted_total(scored, criteria, scale)
        if total is not None:
            totals[key] = total
    normalisation = normalise(totals, scale)
    scored_by = Counter(member_id for member_id, _nomination_id in totals)
    raw_by_nomination, normalised_by_nomination = defaultdict(list), defaultdict(list)
    for (member_id, nomination_id), total in totals.items():
        raw_by_nomination[nomination_id].append(total)
        normalised_by_nomination[nomination_id].append(normalisation.totals[member_id, nomination_id])
    conflicted_names = defaultdict(list)
    for member_id, nomination_id in sorted(conflicted):
        if member_id in members:
            conflicted_names[nomination_id].append(members[member_id].name)
    rows = []
    for nomination_id, project, category_id, shortlisted, district in admitted:
        result = figures(raw_by_nomination[nomination_id], scale)
        normalised = normalised_by_nomination[nomination_id]
        rows.append(
            {
                "id": nomination_id,
                "project": project,
                "category_id": category_id,
                "district": district or "",
                "count": result.count,
                "mean": result.mean,
                "median": result.median,
                "spread": result.spread,
                "disagreement": result.disagreement,
                "normalised": fmean(normalised) if normalised else None,
                "shortlisted": shortlisted,
                "conflicted": conflicted_names[nomination_id],
                "abstained": abstained[nomination_id],
            }
        )
    key = "normalised" if normalisation.applied else "mean"
    rows.sort(key=lambda row: (row[key] is None, -(row[key] or 0), row["project"]))
    for place, row in enumerate(rows, start=1):
        row["place"] = place
    return {
        "computed_at": utcnow().isoformat(),
        "scale": [scale.low, scale.high],
        "criteria": [{"id": c.id, "name": c.name, "weight": c.weight, "counts": c.counts} for c in programme.criteria],
        "normalisation": {
            "applied": normalisation.applied,
            "reason": normalisation.reason,
            "kept_raw": [[members[m].name, why] for m, why in normalisation.kept_raw.items() if m in members],
        },
        "jurors": [{"name": m.name, "chair": m.is_chair, "scored": scored_by[m.id]} for m in members.values()],
        "rows": rows,
    }


def schulze_proposal(programme: AwardProgramme) -> dict:
    """The jurors' rankings of the shortlist combined by the Schulze method: places of [id, project] lists."""
    listed = db.session.execute(
        select(Nomination.id, Nomination.project_name)
        .where(Nomination.programme_id == programme.id, Nomination.shortlisted.is_(True))
        .order_by(Nomination.project_name)
    ).all()
    names = dict(listed)
    conflicted = _conflicted_pairs(programme)
    ballots: dict[int, dict[int, int]] = defaultdict(dict)
    for member_id, nomination_id, rank in db.session.execute(
        select(JuryReview.jury_member_id, JuryReview.nomination_id, JuryReview.shortlist_rank)
        .join(JuryMember)
        .where(JuryMember.programme_id == programme.id, JuryReview.shortlist_rank.is_not(None))
    ):
        if nomination_id in names and (member_id, nomination_id) not in conflicted:
            ballots[member_id][nomination_id] = rank
    for member_id, nomination_id in conflicted:  # the ballot says nothing about a nomination its juror may not judge
        if member_id in ballots and nomination_id in names:
            ballots[member_id][nomination_id] = None
    places = schulze(list(names), ballots.values()) if ballots else []
    return {"ballots": len(ballots), "places": [[[n, names[n]] for n in place] for place in places]}


def freeze_round(programme: AwardProgramme, kind: RoundKind) -> dict | None:
    """What a closing round keeps: the scoring round its figures, the shortlist round its Schulze proposal."""
    if kind == RoundKind.SCORING:
        return compute_results(programme)
    if kind == RoundKind.SHORTLIST:
        return schulze_proposal(programme)
    return None


def decimal_sign() -> str:
    """The reader's decimal sign, for the tables of figures (formatting each figure with Babel costs too much)."""
    from babel.numbers import get_decimal_symbol
    from flask_babel import get_locale

    return get_decimal_symbol(get_locale() or "de")


def results_for_meeting(programme: AwardProgramme) -> tuple[dict, dict, bool]:
    """(figures, Schulze proposal, frozen): frozen figures once the scoring round closed, with the shortlist
    marks as they are now; the proposal frozen once the shortlist round closed."""
    scoring = programme.round_of(RoundKind.SCORING)
    shortlist_round = programme.round_of(RoundKind.SHORTLIST)
    frozen = scoring is not None and scoring.state == RoundState.CLOSED and scoring.frozen_results is not None
    results = scoring.frozen_results if frozen else compute_results(programme)
    if frozen:
        marked = set(
            db.session.scalars(
                select(Nomination.id).where(Nomination.programme_id == programme.id, Nomination.shortlisted.is_(True))
            )
        )
        results = {**results, "rows": [{**row, "shortlisted": row["id"] in marked} for row in results["rows"]]}
    if shortlist_round is not None and shortlist_round.state == RoundState.CLOSED and shortlist_round.frozen_results:
        proposal = shortlist_round.frozen_results
    else:
        proposal = schulze_proposal(programme)
    return results, proposal, frozen
