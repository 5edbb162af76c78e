"""Award programmes: create, edit, copy for the next year, publish, close; categories, criteria and rounds."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from events.awards.decisions import reprice_decisions
from events.awards.errors import AwardError
from events.awards.models import (
    AwardCategory,
    AwardProgramme,
    Criterion,
    ProgrammeScope,
    ProgrammeStatus,
    Round,
    RoundKind,
    RoundState,
)
from events.awards.results import freeze_round
from events.awards.rules import decision_is_released
from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.types import utcnow
from events.extensions import db
from events.meetings.changes import slugify

# What the programme form edits (the same list fills the form and writes the model).
PROGRAMME_FIELDS = (
    *("name", "edition", "motto", "description", "scope", "state", "region_id", "deadline", "budget_cents"),
    *("min_active_months", "required_attachments", "questions", "conditions", "contact_email"),
)
CRITERION_FIELDS = ("name", "description", "weight", "scale_min", "scale_max", "descriptors", "counts")


def unique_slug(name: str, edition: int, programme_id: int | None = None) -> str:
    base = slugify(f"{name} {edition}" if str(edition) not in name else name)
    slug, n = base, 2
    while db.session.scalar(
        select(func.count(AwardProgramme.id)).where(
            AwardProgramme.slug == slug, AwardProgramme.id != (programme_id or 0)
        )
    ):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(programme: AwardProgramme, values: dict) -> None:
    for name in PROGRAMME_FIELDS:
        if name in values:
            setattr(programme, name, values[name])
    if programme.scope == ProgrammeScope.STATE:
        programme.region_id = None


def _rounds() -> list[Round]:
    return [Round(kind=kind, position=n) for n, kind in enumerate(RoundKind)]


def create_programme(values: dict, categories: list[str] | None = None) -> AwardProgramme:
    programme = AwardProgramme(questions=[], rounds=_rounds())
    _apply(programme, values)
    programme.slug = unique_slug(programme.name, programme.edition)
    for position, name in enumerate(categories or []):
        programme.categories.append(AwardCategory(name=name, position=position))
    db.session.add(programme)
    db.session.flush()
    record_audit("award_programme.create", programme, str(programme))
    db.session.commit()
    return programme


def update_programme(programme: AwardProgramme, values: dict) -> AwardProgramme:
    programme = lock_row(AwardProgramme, programme.id)
    changed = [name for name in PROGRAMME_FIELDS if name in values and getattr(programme, name) != values[name]]
    _apply(programme, values)
    if programme.status == ProgrammeStatus.DRAFT:
        programme.slug = unique_slug(programme.name, programme.edition, programme.id)
    if "budget_cents" in changed:
        _reprice_for_budget(programme)
    record_audit("award_programme.update", programme, ", ".join(changed))
    db.session.commit()
    return programme


def copy_programme(programme: AwardProgramme) -> AwardProgramme:
    """A draft for the next edition: the same texts, rules, categories and rubric, the deadline a year later;
    no nominations, no jury, rounds not yet opened."""
    copy = AwardProgramme(questions=list(programme.questions or []), rounds=_rounds())
    _apply(copy, {name: getattr(programme, name) for name in PROGRAMME_FIELDS})
    copy.edition = programme.edition + 1
    copy.deadline = programme.deadline + relativedelta(years=1)
    copy.copied_from_id = programme.id
    copy.slug = unique_slug(copy.name, copy.edition)
    copy.categories = [
        AwardCategory(name=c.name, description=c.description, position=c.position) for c in programme.categories
    ]
    copy.criteria = [
        Criterion(position=c.position, **{name: getattr(c, name) for name in CRITERION_FIELDS})
        for c in programme.criteria
    ]
    db.session.add(copy)
    db.session.flush()
    record_audit("award_programme.copy", copy, f"{programme} -> {copy}")
    db.session.commit()
    return copy


def publish_programme(programme: AwardProgramme) -> AwardProgramme:
    programme = lock_row(AwardProgramme, programme.id)
    if programme.status != ProgrammeStatus.DRAFT:
        raise AwardError("already_published")
    if not any(c.counts for c in programme.criteria):
        raise AwardError("no_criteria")
    programme.status = ProgrammeStatus.PUBLISHED
    programme.published_at = utcnow()
    record_audit("award_programme.publish", programme, str(programme))
    db.session.commit()
    return programme


def close_programme(programme: AwardProgramme) -> AwardProgramme:
    """No more nominations, whatever the deadline says."""
    programme = lock_row(AwardProgramme, programme.id)
    if programme.status != ProgrammeStatus.PUBLISHED:
        raise AwardError("not_published")
    programme.status = ProgrammeStatus.CLOSED
    programme.closed_at = utcnow()
    record_audit("award_programme.close", programme, str(programme))
    db.session.commit()
    return programme


def add_category(programme: AwardProgramme, name: str, description: str = "") -> AwardCategory:
    position = len(programme.categories)  # counted before the new one joins the collection
    category = AwardCategory(programme=programme, name=name.strip(), description=description.strip())
    category.position = position
    db.session.add(category)
    record_audit("award_category.add", programme, name)
    db.session.commit()
    return category


def add_criterion(programme: AwardProgramme, values: dict) -> Criterion:
    if programme.round_of(RoundKind.SCORING).state != RoundState.PLANNED:
        raise AwardError("round_not_planned")
    criterion = Criterion(programme=programme, position=len(programme.criteria))
    for name in CRITERION_FIELDS:
        if name in values:
            setattr(criterion, name, values[name])
    if not criterion.counts:  # a yes/no criterion
        criterion.scale_min, criterion.scale_max = 0, 1
    db.session.add(criterion)
    record_audit("award_criterion.add", programme, f"{criterion.name} ({criterion.weight})")
    db.session.commit()
    return criterion


def remove_criterion(criterion: Criterion) -> None:
    programme = criterion.programme
    if programme.round_of(RoundKind.SCORING).state != RoundState.PLANNED:
        raise AwardError("round_not_planned")
    record_audit("award_criterion.remove", programme, criterion.name)
    db.session.delete(criterion)
    db.session.commit()


def open_round(round_: Round) -> Round:
    """Open a round; an earlier round still open closes first (one round is open at a time)."""
    from events.awards.jury import suggest_conflicts

    round_ = lock_row(Round, round_.id)
    if round_.state != RoundState.PLANNED:
        raise AwardError("round_not_planned")
    programme = round_.programme
    for other in programme.rounds:
        if other.state == RoundState.OPEN:
            if other.position > round_.position:
                raise AwardError("round_order")
            _close(other)
    round_.state = RoundState.OPEN
    round_.opened_at = utcnow()
    record_audit("award_round.open", programme, round_.kind)
    db.session.commit()
    if round_.kind == RoundKind.SCORING:
        suggest_conflicts(programme)
    return round_


def _close(round_: Round) -> None:
    round_.state = RoundState.CLOSED
    round_.closed_at = utcnow()
    round_.frozen_results = freeze_round(round_.programme, RoundKind(round_.kind))
    record_audit("award_round.close", round_.programme, round_.kind)


def close_round(round_: Round) -> Round:
    """Close an open round; the scoring round's figures and the shortlist round's proposal are frozen."""
    round_ = lock_row(Round, round_.id)
    if round_.state != RoundState.OPEN:
        raise AwardError("round_not_open")
    _close(round_)
    db.session.commit()
    return round_


def open_calls() -> list[AwardProgramme]:
    return list(
        db.session.scalars(
            select(AwardProgramme)
            .where(AwardProgramme.status == ProgrammeStatus.PUBLISHED, AwardProgramme.deadline > utcnow())
            .order_by(AwardProgramme.deadline)
        )
    )


def all_programmes() -> list[AwardProgramme]:
    return list(db.session.scalars(select(AwardProgramme).order_by(AwardProgramme.edition.desc(), AwardProgramme.name)))


def _reprice_for_budget(programme: AwardProgramme) -> None:
    """A new budget: the decisions recorded already are paid from it (a budget split is split anew), or the change
    is refused when they no longer fit; once the decisions are released, their money stands."""
    try:
        if decision_is_released(programme):
            raise AwardError("decision_released")
        reprice_decisions(programme)
    except AwardError:
        db.session.rollback()
        raise
