"""The figures for the jury meeting, as plain values: per nomination raw and normalised means, median, count and
spread; the Schulze proposal from the jurors' rankings of the shortlist. Frozen when their round closes.

Only submitted reviews count, and never one of a juror with a conflict on the nomination (declared, recused,
confirmed, or suggested and not yet dismissed).

Computed once per change: the figures and the proposal are kept in the per-process cache, keyed on a version of
everything they are computed from (figures_version: the criteria and the jury as they are, and per table of
scores, reviews, conflicts and nominations its count, highest id and latest change), so the chair's page, the
meeting sheet and the decisions read them again without computing while nobody scores.
"""

from __future__ import annotations

import hashlib
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
from events.awards.versions import figures_version
from events.core.models import District, User
from events.core.types import utcnow
from events.extensions import cache, db

_CACHE_PREFIX = "awards/figures/"
_CACHE_SECONDS = 3600


class _Basis:
    """What the figures of a programme start from, read in three small queries: criteria, jury, and a version."""

    def __init__(self, programme: AwardProgramme):
        self.programme = programme
        self.criteria = [(c.id, c.name, c.weight, c.counts, c.scale_min, c.scale_max) for c in programme.criteria]
        self.members = db.session.execute(
            select(JuryMember.id, User.display_name, JuryMember.is_chair, JuryMember.category_id)
            .join(User, User.id == JuryMember.user_id)
            .where(JuryMember.programme_id == programme.id)
            .order_by(JuryMember.id)
        ).all()
        self.version = figures_version(programme, [m[0] for m in self.members], self.criteria, self.members)

    def cached(self, what: str, compute):
        """The value kept for this version, or compute() kept in its place (one entry per programme: a new version
        replaces the one before)."""
        key = f"{_CACHE_PREFIX}{what}/{self.programme.id}"
        kept = cache.get(key)
        if kept is not None and kept[0] == self.version:
            return kept[1]
        value = compute()
        cache.set(key, (self.version, value), timeout=_CACHE_SECONDS)
        return value


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


def compute_results(programme: AwardProgramme, basis: _Basis | None = None) -> dict:
    """The figures as they stand now, from the cache while nothing changed (see results_for_meeting for the frozen
    ones)."""
    basis = basis or _Basis(programme)
    return basis.cached("results", lambda: _compute_results(basis))


def _compute_results(basis: _Basis) -> dict:
    programme = basis.programme
    criteria = [
        CriterionSpec(id_, weight, counts, low, high) for id_, _name, weight, counts, low, high in basis.criteria
    ]
    scale = common_scale(criteria)
    members = {m.id: m for m in basis.members}
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
            abstained[nomination_id].append(members[member_id].display_name)
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
            conflicted_names[nomination_id].append(members[member_id].display_name)
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
        "version": basis.version,  # names these figures (the cache key of the page's table, see jury_views)
        "computed_at": utcnow().isoformat(),
        "scale": [scale.low, scale.high],
        "criteria": [
            {"id": id_, "name": name, "weight": weight, "counts": counts}
            for id_, name, weight, counts, _low, _high in basis.criteria
        ],
        "normalisation": {
            "applied": normalisation.applied,
            "reason": normalisation.reason,
            "kept_raw": [[members[m].display_name, why] for m, why in normalisation.kept_raw.items() if m in members],
        },
        "jurors": [{"name": m.display_name, "chair": m.is_chair, "scored": scored_by[m.id]} for m in members.values()],
        "rows": rows,
    }


def schulze_proposal(programme: AwardProgramme, basis: _Basis | None = None) -> dict:
    """The jurors' rankings of the shortlist combined by the Schulze method: places of [id, project] lists; from
    the cache while nothing changed."""
    basis = basis or _Basis(programme)
    return basis.cached("schulze", lambda: _schulze_proposal(programme))


def _schulze_proposal(programme: AwardProgramme) -> dict:
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


def figure_format(sign: str):
    """num(x) for the tables of figures: two decimals with the reader's decimal sign, "–" for none."""

    def num(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}".replace(".", sign)

    return num


def results_for_meeting(programme: AwardProgramme) -> tuple[dict, dict, bool]:
    """(figures, Schulze proposal, frozen): frozen figures once the scoring round closed, with the shortlist
    marks as they are now; the proposal frozen once the shortlist round closed."""
    scoring = programme.round_of(RoundKind.SCORING)
    shortlist_round = programme.round_of(RoundKind.SHORTLIST)
    frozen = scoring is not None and scoring.state == RoundState.CLOSED and scoring.frozen_results is not None
    proposal_frozen = (
        shortlist_round is not None and shortlist_round.state == RoundState.CLOSED and shortlist_round.frozen_results
    )
    basis = None if frozen and proposal_frozen else _Basis(programme)
    results = scoring.frozen_results if frozen else compute_results(programme, basis)
    if frozen:
        marked = set(
            db.session.scalars(
                select(Nomination.id).where(Nomination.programme_id == programme.id, Nomination.shortlisted.is_(True))
            )
        )
        rows = [{**row, "shortlisted": row["id"] in marked} for row in results["rows"]]
        version = hashlib.sha256(repr((results["computed_at"], sorted(marked))).encode()).hexdigest()[:32]
        results = {**results, "rows": rows, "version": f"frozen-{version}"}
    proposal = shortlist_round.frozen_results if proposal_frozen else schulze_proposal(programme, basis)
    return results, proposal, frozen
