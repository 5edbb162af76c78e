"""A juror's scores, comment or abstention for a nomination; the chair's shortlist; the jurors' rankings of it."""

from __future__ import annotations

from sqlalchemy import select

from events.awards.errors import AwardError
from events.awards.jury import conflict_of
from events.awards.models import (
    AwardProgramme,
    JuryMember,
    JuryReview,
    Nomination,
    NominationState,
    RoundKind,
    RoundState,
    Score,
)
from events.awards.rules import is_conflicted, may_open_nomination, may_rank_shortlist, may_score
from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.types import utcnow
from events.extensions import db


def review_of(member: JuryMember, nomination: Nomination) -> JuryReview | None:
    return db.session.scalars(
        select(JuryReview).where(JuryReview.jury_member_id == member.id, JuryReview.nomination_id == nomination.id)
    ).first()


def scores_of(member: JuryMember, nomination: Nomination) -> dict[int, int]:
    rows = db.session.execute(
        select(Score.criterion_id, Score.value).where(
            Score.jury_member_id == member.id, Score.nomination_id == nomination.id
        )
    )
    return {criterion_id: value for criterion_id, value in rows}


def save_review(
    member: JuryMember,
    nomination: Nomination,
    values: dict[int, int | None],
    *,
    comment: str = "",
    abstained: bool = False,
    abstain_reason: str = "",
    submit: bool = False,
) -> JuryReview:
    """Save the member's values (criterion id -> level) and comment; `submit` requires every criterion or an
    abstention with its reason. Changes are possible until the scoring round closes."""
    member = lock_row(JuryMember, member.id)  # one juror's saves one after the other: one score per criterion
    programme = member.programme
    nomination = db.session.get(Nomination, nomination.id)
    conflict = conflict_of(member, nomination)
    if is_conflicted(conflict):
        raise AwardError("conflicted")
    if not may_score(member, nomination, conflict, programme):
        raise AwardError("round_closed")
    criteria = {c.id: c for c in programme.criteria}
    for criterion_id, value in values.items():
        criterion = criteria.get(criterion_id)
        if criterion is None or (value is not None and not criterion.scale_min <= value <= criterion.scale_max):
            raise AwardError("value_out_of_scale")
    if abstained and not abstain_reason.strip():
        raise AwardError("abstain_reason")
    if submit and not abstained and any(values.get(c) is None for c in criteria):
        raise AwardError("scores_missing")
    scoring_round = programme.round_of(RoundKind.SCORING)
    existing = {
        s.criterion_id: s
        for s in db.session.scalars(
            select(Score).where(Score.jury_member_id == member.id, Score.nomination_id == nomination.id)
        )
    }
    for criterion_id in criteria:
        value = None if abstained else values.get(criterion_id)
        score = existing.get(criterion_id)
        if value is None:
            if score is not None:
                db.session.delete(score)
        elif score is None:
            db.session.add(
                Score(
                    round_id=scoring_round.id,
                    jury_member_id=member.id,
                    nomination_id=nomination.id,
                    criterion_id=criterion_id,
                    value=value,
                )
            )
        else:
            score.value = value
    review = review_of(member, nomination) or JuryReview(member=member, nomination_id=nomination.id)
    db.session.add(review)
    review.comment = comment.strip()
    review.abstained = abstained
    review.abstain_reason = abstain_reason.strip() if abstained else ""
    if submit:
        review.submitted_at = review.submitted_at or utcnow()
    db.session.flush()
    record_audit(
        "award_review.save",
        review,
        f"{member.user.email} / {nomination.project_name}: {'abstained' if abstained else 'scored'}"
        f"{', submitted' if submit else ''}",
    )
    db.session.commit()
    return review


def shortlist_is_fixed(programme: AwardProgramme) -> bool:
    shortlist_round = programme.round_of(RoundKind.SHORTLIST)
    return shortlist_round is not None and shortlist_round.state != RoundState.PLANNED


def mark_shortlist(nomination: Nomination, on: bool) -> Nomination:
    """The chair puts a nomination on the shortlist or takes it off, until the jurors start ranking it."""
    nomination = lock_row(Nomination, nomination.id)
    if shortlist_is_fixed(nomination.programme):
        raise AwardError("shortlist_fixed")
    if on and nomination.state != NominationState.ELIGIBLE:
        raise AwardError("not_screenable")
    nomination.shortlisted = on
    record_audit("award_nomination.shortlist", nomination, f"{nomination.project_name}: {'on' if on else 'off'}")
    db.session.commit()
    return nomination


def shortlist(programme: AwardProgramme) -> list[Nomination]:
    return list(
        db.session.scalars(
            select(Nomination)
            .where(Nomination.programme_id == programme.id, Nomination.shortlisted.is_(True))
            .order_by(Nomination.project_name)
        )
    )


def rank_shortlist(member: JuryMember, ranks: dict[int, int | None]) -> None:
    """The member's ranking of the shortlist (1 best, equal numbers for a tie), while that round is open.
    Nominations the member is conflicted on are left out whatever is sent."""
    member = lock_row(JuryMember, member.id)
    programme = member.programme
    if not may_rank_shortlist(programme):
        raise AwardError("round_not_open")
    listed = {n.id: n for n in shortlist(programme)}
    if any(nomination_id not in listed for nomination_id in ranks):
        raise AwardError("not_shortlisted")
    if any(rank is not None and not 1 <= rank <= len(listed) for rank in ranks.values()):
        raise AwardError("rank_range")
    for nomination_id, rank in ranks.items():
        nomination = listed[nomination_id]
        conflict = conflict_of(member, nomination)
        if not may_open_nomination(member, nomination, conflict):
            continue
        review = review_of(member, nomination) or JuryReview(member=member, nomination_id=nomination_id)
        db.session.add(review)
        review.shortlist_rank = rank
    record_audit("award_review.rank", programme, f"{member.user.email}: {ranks}")
    db.session.commit()
