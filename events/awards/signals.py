"""What happens to award decisions, announced to the packages above awards that hang on them (the ceremony).

Awards knows nothing of ceremonies: it announces here, and a package above it connects a receiver (blinker).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the AwardProgramme whose decisions were just released, after the commit (winners and the others are
# queued their mails). Receivers commit their own work; the ceremony package invites the winners
# (awards.decisions.winners_of gives them).
decision_released = _signals.signal("award-decision-released")

# sender: the Nomination of a winner who withdrew after the release, after the commit (the prize certificates are
# revoked by then, and winners_of names them no more). The ceremony package takes them off its guest list.
released_winner_withdrew = _signals.signal("award-released-winner-withdrew")
