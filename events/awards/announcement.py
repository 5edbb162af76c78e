"""The announcement under embargo: the programme's prize-money settings, releasing the decisions (every winner and
every other applicant mailed in one batch, each in their language), and the time the public winners page appears.

Until the release nothing of a decision leaves the jury and the organisers: no mail is queued, the personal links
say nothing, the winners page answers 404 and no prize certificate verifies (awards.rules, awards.certificates).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from events.awards import mails
from events.awards.decision_models import PrizeMode, TieBreakRule
from events.awards.decisions import decisions_of, reprice_decisions, undecided_categories, winners_of
from events.awards.errors import AwardError
from events.awards.models import AwardProgramme, Nomination
from events.awards.prizes import euros
from events.awards.rules import TOLD_NO_STATES, decision_is_released
from events.awards.signals import decision_released
from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.types import utcnow
from events.extensions import db

# the highest amount per place (and share) the settings take, as for a special prize (awards.decision_forms)
MAX_AMOUNT_EUROS = 1_000_000


def parse_amounts(text: str, mode: str) -> list[int]:
    """ "2500 / 1500 / 1000" (euros per place) or "3 / 2 / 1" (shares) as the list the programme keeps: cents for
    fixed amounts, the shares as they are for a budget split."""
    parts = [p.strip().replace(".", "").replace(" ", "") for p in (text or "").replace(";", "/").split("/")]
    parts = [p for p in parts if p]
    if not all(p.isdigit() for p in parts):
        raise AwardError("amounts_invalid")
    if any(int(p) > MAX_AMOUNT_EUROS for p in parts):  # beyond any prize, and beyond what the columns hold
        raise AwardError("amount_too_high", limit=euros(MAX_AMOUNT_EUROS * 100))
    return [int(p) * 100 if mode == PrizeMode.FIXED else int(p) for p in parts]


def amounts_text(programme: AwardProgramme) -> str:
    values = programme.place_amounts or []
    return " / ".join(str(v // 100 if programme.prize_mode == PrizeMode.FIXED else v) for v in values)


def prize_settings_line(programme: AwardProgramme) -> str:
    """The prize money in one line: "Feste Beträge je Platz: 2.500 € / 1.500 € / 1.000 € · Budget 5.000 €"."""
    values = programme.place_amounts or []
    if programme.prize_mode == PrizeMode.FIXED:
        amounts = " / ".join(euros(v) for v in values)
    else:
        amounts = " : ".join(str(v) for v in values)
    line = (
        f"{PrizeMode(programme.prize_mode).label}: {amounts}" if amounts else str(PrizeMode(programme.prize_mode).label)
    )
    if programme.budget_cents is not None:
        line += " · " + _("Budget %(amount)s", amount=euros(programme.budget_cents))
    return line


def tie_break_rule_text(programme: AwardProgramme) -> str:
    return programme.tie_break_text or str(TieBreakRule(programme.tie_break_rule).label)


def save_prize_settings(programme: AwardProgramme, mode: str, amounts: str, rule: str, rule_text: str) -> None:
    programme = lock_row(AwardProgramme, programme.id)
    if decision_is_released(programme):
        raise AwardError("decision_released")
    programme.prize_mode = PrizeMode(mode)
    programme.place_amounts = parse_amounts(amounts, mode)
    programme.tie_break_rule = TieBreakRule(rule)
    programme.tie_break_text = (rule_text or "").strip()
    try:  # decisions recorded already are paid as the settings now say
        reprice_decisions(programme)
    except AwardError:
        db.session.rollback()
        raise
    record_audit(
        "award_programme.prize_settings", programme, f"{mode}: {programme.place_amounts}; tie-break {rule}"[:500]
    )
    db.session.commit()


def _told_no(programme: AwardProgramme) -> list[Nomination]:
    return list(
        db.session.scalars(
            select(Nomination)
            .where(Nomination.programme_id == programme.id, Nomination.state.in_(TOLD_NO_STATES))
            .order_by(Nomination.id)
        )
    )


def release_decisions(programme: AwardProgramme, by, public_at: datetime | None) -> tuple[int, int]:
    """Release the decisions: mail every winner and every other applicant in one batch, in their language, and set
    the time the winners page appears; then tell the packages above (signals.decision_released). Returns
    (winners told, others told)."""
    if public_at is None:
        raise AwardError("public_time_missing")
    programme = lock_row(AwardProgramme, programme.id)
    if decision_is_released(programme):
        raise AwardError("already_released")
    if not decisions_of(programme):
        raise AwardError("no_decision")
    missing = undecided_categories(programme)
    if missing:  # releasing now would tell that category's applicants "no" before its jury decided
        raise AwardError("decision_missing", categories=", ".join(f"„{c.name}“" for c in missing))
    programme.decision_released_at = utcnow()
    programme.decision_released_by_id = by.id
    programme.winners_public_at = public_at
    winning = {w.nomination_id for w in winners_of(programme)}
    others = [n for n in _told_no(programme) if n.id not in winning]
    for nomination_id in sorted(winning):
        mails.send_decision(db.session.get(Nomination, nomination_id), won=True)
    for nomination in others:
        mails.send_decision(nomination, won=False)
    record_audit(
        "award_programme.release_decisions",
        programme,
        f"{len(winning)} winners, {len(others)} others told; public from {public_at.isoformat()}",
    )
    db.session.commit()
    decision_released.send(programme)
    return len(winning), len(others)


def set_publication_time(programme: AwardProgramme, public_at: datetime | None) -> None:
    """Move the time the winners page appears (e.g. to the end of the ceremony)."""
    if public_at is None:
        raise AwardError("public_time_missing")
    programme = lock_row(AwardProgramme, programme.id)
    programme.winners_public_at = public_at
    record_audit("award_programme.publication_time", programme, public_at.isoformat())
    db.session.commit()
