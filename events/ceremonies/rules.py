"""The ceremony's rules as named predicates; services, views and templates ask these."""

from __future__ import annotations

from events.ceremonies.models import Ceremony, Guest, GuestKind
from events.meetings.rules import event_is_over


def guest_list_is_open(ceremony: Ceremony) -> bool:
    """Winners register their guests, and dates of birth are asked, until the ceremony is over."""
    return not event_is_over(ceremony.event)


def asks_date_of_birth(ceremony: Ceremony) -> bool:
    """The date of birth is asked only when the venue requires it, and never again once it has been deleted."""
    return ceremony.requires_date_of_birth and ceremony.dates_of_birth_deleted_at is None


def may_bring_guests(guest: Guest) -> bool:
    return guest.kind == GuestKind.WINNER and guest.allowance > 0


def guests_left(guest: Guest) -> int:
    """How many more guests a winner may register."""
    return max(guest.allowance - len(guest.companions), 0)
