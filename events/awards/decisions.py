"""The jury's decision per category: the candidates from the ranked shortlist (with the tie-break applied where
the jury ranked equal), recording places, special prizes, recognitions and places not awarded with their money and
laudation lines, and the winners as the ceremony and the certificates read them (winners_of).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from events.awards.decision_models import AwardDecision, Prize, PrizeKind
from events.awards.errors import AwardError
from events.awards.models import AwardCategory, AwardProgramme, JuryMember, JuryReview, Nomination
from events.awards.prizes import Entry, Ranked, TieBreak, euros, order_with_tie_break, prize_amounts
from events.awards.results import results_for_meeting
from events.awards.rules import (
    decision_is_released,
    is_finished,
    is_told_no_at_release,
    may_change_decision,
    reaches_jury,
)
from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.types import utcnow
from events.directory.person_details import PersonDetails
from events.extensions import db

RECORD_LANGUAGE = "de"  # the decision's own words (tie-breaks) are kept in German, like the record


@dataclass
class Candidate:
    id: int
    project: str
    organisation: str
    district: str
    score: float | None
    median: float | None
    count: int
    schulze_place: int | None
    chair_rank: int | None
    conflicted: list[str] = field(default_factory=list)


@dataclass
class Proposal:
    """The candidates of one category, best first as the jury ranked them, and where the tie-break decided."""

    category: AwardCategory | None
    candidates: list[Candidate]
    tie_breaks: list[TieBreak]

    @property
    def category_key(self) -> int:
        return self.category.id if self.category else 0


def chair_of(programme: AwardProgramme) -> JuryMember | None:
    return next((m for m in programme.jury if m.is_chair), None)


def category_by_key(programme: AwardProgramme, key: int) -> AwardCategory | None:
    """The category a decision's URL names (0: the programme has no categories); None for an unknown one."""
    if key == 0 and not programme.categories:
        return None
    category = next((c for c in programme.categories if c.id == key), None)
    if category is None:
        raise LookupError(key)
    return category


def decision_categories(programme: AwardProgramme) -> list[AwardCategory | None]:
    return list(programme.categories) or [None]


def proposal_for(programme: AwardProgramme, category: AwardCategory | None) -> Proposal:
    """The candidates of the category: the shortlisted admitted nominations (all admitted ones when nobody is
    shortlisted), ordered by the Schulze proposal, then the score; ties ordered by the programme's rule."""
    results, schulze, _frozen = results_for_meeting(programme)
    key = "normalised" if results["normalisation"]["applied"] else "mean"
    rows = [r for r in results["rows"] if category is None or r["category_id"] == category.id]
    if any(r["shortlisted"] for r in rows):
        rows = [r for r in rows if r["shortlisted"]]
    places = {n_id: place for place, names in enumerate(schulze.get("places", []), 1) for n_id, _name in names}
    chair = chair_of(programme)
    chair_ranks = {}
    if chair is not None:
        chair_ranks = dict(
            db.session.execute(
                select(JuryReview.nomination_id, JuryReview.shortlist_rank).where(
                    JuryReview.jury_member_id == chair.id, JuryReview.shortlist_rank.is_not(None)
                )
            ).all()
        )
    nominations = {
        n.id: n for n in db.session.scalars(select(Nomination).where(Nomination.id.in_([r["id"] for r in rows])))
    }
    candidates = {
        r["id"]: Candidate(
            id=r["id"],
            project=r["project"],
            organisation=nominations[r["id"]].organisation_name,
            district=r["district"],
            score=r[key],
            median=r["median"],
            count=r["count"],
            schulze_place=places.get(r["id"]),
            chair_rank=chair_ranks.get(r["id"]),
            conflicted=list(r["conflicted"]),
        )
        for r in rows
    }
    ranked = [
        Ranked(
            c.id,
            c.project,
            (c.schulze_place or len(places) + 1, -round(c.score, 2) if c.score is not None else float("inf")),
            c.median,
            c.chair_rank,
        )
        for c in candidates.values()
    ]
    ordered, breaks = order_with_tie_break(ranked, programme.tie_break_rule)
    return Proposal(category, [candidates[r.key] for r in ordered], breaks)


def tie_break_text(tie: TieBreak) -> str:
    """Where and how the rule decided, in words for the decision page and the record."""
    names = str(_(" vor ")).join(f"„{name}“" for name in tie.names)
    if tie.decided_by == "median":
        medians = " / ".join("–" if m is None else f"{m:.2f}" for m in tie.medians)
        return _(
            "Gleichstand: %(names)s – entschieden nach dem höheren Median (%(medians)s).", names=names, medians=medians
        )
    if tie.decided_by == "chair":
        return _("Gleichstand: %(names)s – entschieden durch die Stimme des Vorsitzes.", names=names)
    return _("Gleichstand: %(names)s – die Regel entscheidet nicht; der Vorsitz legt die Plätze fest.", names=names)


def decision_of(programme: AwardProgramme, category: AwardCategory | None) -> AwardDecision | None:
    return db.session.scalars(
        select(AwardDecision).where(
            AwardDecision.programme_id == programme.id, AwardDecision.category_key == (category.id if category else 0)
        )
    ).first()


def decisions_of(programme: AwardProgramme) -> list[AwardDecision]:
    decisions = db.session.scalars(select(AwardDecision).where(AwardDecision.programme_id == programme.id)).all()
    order = {c.id: c.position for c in programme.categories}
    return sorted(decisions, key=lambda d: (order.get(d.category_id, -1), d.id))


def undecided_categories(programme: AwardProgramme) -> list[AwardCategory]:
    """The categories still without a decision (a programme without categories has none of them)."""
    decided = {d.category_key for d in decisions_of(programme)}
    return [c for c in programme.categories if c.id not in decided]


def _absent_for_conflicts(proposal: Proposal) -> list[dict]:
    projects: dict[str, list[str]] = {}
    for candidate in proposal.candidates:
        for name in candidate.conflicted:
            projects.setdefault(name, []).append(candidate.project)
    return [{"name": name, "projects": listed} for name, listed in sorted(projects.items())]


def record_decision(
    programme: AwardProgramme,
    category: AwardCategory | None,
    entries: list[Entry],
    present_member_ids: list[int],
    by,
    note: str = "",
) -> AwardDecision:
    """Record (or correct, until released) the chair's decision in a category; the money is computed here.

    The budget check counts the other categories' decisions: with fixed amounts their total and this one's stay
    within the budget; with a budget split, a category splits what the others' decisions left."""
    programme = lock_row(AwardProgramme, programme.id)
    if not may_change_decision(programme):
        raise AwardError("decision_released")
    if not entries:
        raise AwardError("no_winner")
    proposal = proposal_for(programme, category)
    candidates = {c.id: c for c in proposal.candidates}
    for entry in entries:
        nomination = db.session.get(Nomination, entry.key) if entry.key is not None else None
        if entry.key is not None and (
            entry.key not in candidates or nomination is None or not reaches_jury(nomination)
        ):
            raise AwardError("not_candidate")
    existing = decision_of(programme, category)
    spent_elsewhere = sum(d.total_cents for d in decisions_of(programme) if existing is None or d.id != existing.id)
    budget = programme.budget_cents - spent_elsewhere if programme.budget_cents is not None else None
    amounts = prize_amounts(entries, programme.prize_mode, programme.place_amounts or [], budget)
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    members = {m.id: m for m in programme.jury}
    with force_locale(RECORD_LANGUAGE):
        tie_breaks = [tie_break_text(t) for t in proposal.tie_breaks]
    decision = AwardDecision(
        programme_id=programme.id,
        category_id=category.id if category else None,
        category_key=category.id if category else 0,
        decided_by_id=by.id,
        decided_by_name=getattr(by, "display_name", "") or "",
        decided_at=utcnow(),
        present=[members[i].name for i in present_member_ids if i in members],
        absent_for_conflicts=_absent_for_conflicts(proposal),
        tie_breaks=tie_breaks,
        note=(note or "").strip(),
    )
    ordering = {PrizeKind.PLACE: 0, PrizeKind.NOT_AWARDED: 0, PrizeKind.SPECIAL: 1, PrizeKind.RECOGNITION: 2}
    for position, entry in enumerate(sorted(entries, key=lambda e: (ordering[e.kind], e.place or 0))):
        decision.prizes.append(
            Prize(
                nomination_id=entry.key,
                kind=entry.kind,
                place=entry.place if entry.kind in (PrizeKind.PLACE, PrizeKind.NOT_AWARDED) else None,
                amount_cents=amounts.get(entry.key) if entry.key is not None else None,
                laudation=entry.laudation.strip()[:300],
                position=position,
            )
        )
    db.session.add(decision)
    db.session.flush()
    summary = "; ".join(
        f"{prize_label(p)} {p.nomination.project_name if p.nomination else '-'}"
        f"{' ' + euros(p.amount_cents) if p.amount_cents else ''}"
        for p in decision.prizes
    )
    record_audit("award_decision.record", programme, f"{category.name if category else '-'}: {summary}"[:500])
    db.session.commit()
    return decision


def reprice_decisions(programme: AwardProgramme) -> None:
    """After the prize-money settings changed: the money of every recorded decision computed anew with them, in
    the order the decisions were taken (as record_decision counts the others'). AwardError when they no longer
    fit the budget; the caller commits, or rolls back on the error."""
    spent = 0
    for decision in sorted(decisions_of(programme), key=lambda d: (d.decided_at, d.id)):
        entries = [
            Entry(
                p.nomination_id,
                p.kind,
                place=p.place,
                amount_cents=p.amount_cents if p.kind == PrizeKind.SPECIAL else None,
                laudation=p.laudation or "-",
            )
            for p in decision.prizes
        ]
        budget = programme.budget_cents - spent if programme.budget_cents is not None else None
        amounts = prize_amounts(entries, programme.prize_mode, programme.place_amounts or [], budget)
        for prize in decision.prizes:
            if prize.nomination_id is not None:
                prize.amount_cents = amounts.get(prize.nomination_id)
        spent += decision.total_cents


def prize_label(prize: Prize) -> str:
    """ "1. Platz", "Sonderpreis", "Anerkennung", "3. Platz: nicht vergeben", in the current language."""
    if prize.kind == PrizeKind.PLACE:
        return _("%(place)d. Platz", place=prize.place)
    if prize.kind == PrizeKind.NOT_AWARDED:
        return _("%(place)d. Platz: nicht vergeben", place=prize.place)
    return str(PrizeKind(prize.kind).label)


# --- the winners, as other packages read them -------------------------------------------------------------------


@dataclass(frozen=True)
class Winner:
    nomination_id: int
    category_name: str
    prize_label: str  # "1. Platz", "Sonderpreis", "Anerkennung"
    place: int | None
    amount_cents: int | None
    laudation: str
    person: PersonDetails  # the nominee's contact
    project: str = ""
    kind: str = PrizeKind.PLACE
    prize_id: int | None = None


def winners_of(programme: AwardProgramme) -> list[Winner]:
    """Every prize given (places, special prizes, recognitions), by category and in award order; not to a
    nomination withdrawn since the decision (its people are neither told, invited nor named). Whether anyone may
    learn of them yet is for the caller to ask (rules.decision_is_released, winners_page_is_public)."""
    winners = []
    for decision in decisions_of(programme):
        for prize in decision.prizes:
            nomination = prize.nomination
            if nomination is None or prize.kind == PrizeKind.NOT_AWARDED or is_finished(nomination):
                continue
            district = nomination.district
            winners.append(
                Winner(
                    nomination_id=nomination.id,
                    category_name=decision.category_name,
                    prize_label=prize_label(prize),
                    place=prize.place,
                    amount_cents=prize.amount_cents,
                    laudation=prize.laudation,
                    person=PersonDetails(
                        nomination.contact_name,
                        email=nomination.contact_email,
                        organisation=nomination.organisation_name,
                        district=district.name if district else "",
                        district_label=district.label if district else "",
                        language=nomination.language or "de",
                    ),
                    project=nomination.project_name,
                    kind=prize.kind,
                    prize_id=prize.id,
                )
            )
    return winners


@dataclass(frozen=True)
class WithdrawnWinner:
    nomination_id: int
    project: str
    prize_label: str
    withdrawn_at: object  # a datetime


def winners_withdrawn_after_release(programme: AwardProgramme) -> list[WithdrawnWinner]:
    """The winners of the released decision who withdrew since (the organisers are told on the decision's and the
    ceremony's pages: their prize and their place at the ceremony are given up)."""
    if not decision_is_released(programme):
        return []
    found = []
    for decision in decisions_of(programme):
        for prize in decision.prizes:
            nomination = prize.nomination
            if nomination is None or prize.kind == PrizeKind.NOT_AWARDED or nomination.withdrawn_at is None:
                continue
            if is_finished(nomination) and nomination.withdrawn_at >= programme.decision_released_at:
                found.append(
                    WithdrawnWinner(nomination.id, nomination.project_name, prize_label(prize), nomination.withdrawn_at)
                )
    return found


def prize_of(nomination: Nomination) -> Prize | None:
    return db.session.scalars(
        select(Prize).where(Prize.nomination_id == nomination.id, Prize.kind != PrizeKind.NOT_AWARDED)
    ).first()


@dataclass(frozen=True)
class Outcome:
    won: bool
    label: str = ""


def outcome_for_applicant(nomination: Nomination) -> Outcome | None:
    """What the personal link says of the decision: nothing at all before the release (the embargo)."""
    if not decision_is_released(nomination.programme):
        return None
    prize = prize_of(nomination)
    if prize is not None:
        return Outcome(True, prize_label(prize))
    if is_told_no_at_release(nomination):  # as the mail of the release told it
        return Outcome(False)
    return None
