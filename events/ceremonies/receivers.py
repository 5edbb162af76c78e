"""The link to the awards' decision: when an organiser releases a programme's decision, its winners are put on
the guest list of the programme's ceremony and invited (invite_winners); a winner who withdraws after the release
is taken off it again (withdrawals.cancel_withdrawn_winner)."""

from __future__ import annotations

import logging

from events.awards.decisions import winners_of
from events.awards.rules import decision_is_released
from events.awards.signals import decision_released, released_winner_withdrew
from events.ceremonies.errors import CeremonyError
from events.ceremonies.guests import ceremony_of, invite_winners
from events.ceremonies.withdrawals import cancel_withdrawn_winner
from events.extensions import db

log = logging.getLogger(__name__)


def released_winners(programme) -> list:
    """The winners of a released decision; none before the release (the embargo: no invitation may tell)."""
    if not decision_is_released(programme):
        return []
    return winners_of(programme)


def invite_released_winners(ceremony, programme) -> int:
    """Invite the released decision's winners to this ceremony (those on the list already are left as they are);
    returns how many were added. CeremonyError "not_released" before the release, "invitation" when the event
    sends no invitations now (a draft, say)."""
    winners = released_winners(programme)
    if not winners:
        raise CeremonyError("not_released")
    return invite_winners(ceremony, winners)


def invite_winners_of(programme) -> int | None:
    """Invite the released decision's winners to the programme's ceremony; None when there is no ceremony, or no
    released decision (before the release nobody may learn of it, not through an invitation either). An event
    that sends no invitations now (a draft) is noted, not raised: the release has been committed and stays; the
    organiser invites from the ceremony's page later."""
    ceremony = ceremony_of(programme)
    if ceremony is None or not released_winners(programme):
        return None
    try:
        return invite_released_winners(ceremony, programme)
    except CeremonyError as error:
        log.warning("ceremony %s: winners not invited (%s)", ceremony.id, error.code)
        return None


def _on_release(programme, **_kwargs) -> None:
    try:
        invite_winners_of(programme)
    finally:
        # a receiver commits its own work; and whatever it only read must not keep a transaction open (on SQLite
        # a request's transaction may hold the write lock) for the receivers after it
        db.session.commit()


def _on_withdrawal(nomination, **_kwargs) -> None:
    try:
        cancel_withdrawn_winner(nomination)
    finally:
        db.session.commit()


def connect() -> None:
    decision_released.connect(_on_release, weak=False)
    released_winner_withdrew.connect(_on_withdrawal, weak=False)
