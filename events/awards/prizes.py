"""Prize money and the tie-break, as pure functions on plain values: no database, no Flask request.

- Places are numbered from 1; nominations that share a place carry the same number and take up as many places as
  they are (two sharing the 2nd place take the 2nd and 3rd, the next is the 4th). A place may be "not awarded".
- Fixed amounts: each place has its amount (e.g. 2,500 / 1,500 / 1,000 EUR); those sharing a place pool the
  amounts of the places they take up and split them evenly (a cent left over goes to the first named).
- Budget split: the budget, less the special prizes, is split among the placed winners by the shares of their
  places (e.g. 3 : 2 : 1; equal shares when none are given); those sharing pool their places' shares; a place not
  awarded takes no share. A place the split leaves without money (the budget used up, or no share for it) is
  refused: it would be a prize of 0 EUR.
- Special prizes carry their own amount (e.g. 500 EUR for an individual), recognitions none; the total stays
  within the programme's budget, or the decision is refused.
- The tie-break: nominations ranked equal by the jury (the same Schulze place and the same score) are ordered by
  the programme's rule: the higher median, then the chair's vote (the chair's own ranking of the shortlist), or
  the chair's vote alone. Every tie that was broken is reported, so the decision page can say where.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from babel.numbers import format_currency
from flask import has_request_context
from flask_babel import get_locale

from events.awards.decision_models import PrizeKind, PrizeMode, TieBreakRule
from events.awards.errors import AwardError

WINNING_KINDS = (PrizeKind.PLACE, PrizeKind.SPECIAL, PrizeKind.RECOGNITION)


def euros(cents: int, locale: str | None = None) -> str:
    """An amount of cents as the reader writes euros ("2.500,00 €"); whole euros without the cents."""
    locale = locale or (str(get_locale()) if has_request_context() else "de")
    pattern = "#,##0 ¤" if locale.startswith("de") else "¤#,##0"
    if cents % 100:
        return format_currency(cents / 100, "EUR", locale=locale)
    return format_currency(cents // 100, "EUR", format=pattern, locale=locale, currency_digits=False)


@dataclass(frozen=True)
class Entry:
    """One line the chair enters: a nomination's prize (key: its id), or a place not awarded (key None)."""

    key: Hashable | None
    kind: str  # a PrizeKind value
    place: int | None = None
    amount_cents: int | None = None  # a special prize's own amount
    laudation: str = ""


def check_entries(entries: Sequence[Entry]) -> None:
    """Refuse entries that do not make a decision: AwardError with a code (and the place it is about)."""
    for entry in entries:
        if entry.kind in (PrizeKind.PLACE, PrizeKind.NOT_AWARDED) and (entry.place is None or entry.place < 1):
            raise AwardError("place_missing")
        if entry.kind != PrizeKind.NOT_AWARDED and entry.key is not None and not entry.laudation.strip():
            raise AwardError("laudation_missing")
        if entry.amount_cents is not None and entry.amount_cents < 0:
            raise AwardError("amount_negative")
    placed = defaultdict(list)
    for entry in entries:
        if entry.kind in (PrizeKind.PLACE, PrizeKind.NOT_AWARDED):
            placed[entry.place].append(entry)
    expected = 1
    for place in sorted(placed):
        group = placed[place]
        if any(e.kind == PrizeKind.NOT_AWARDED for e in group) and len(group) > 1:
            raise AwardError("not_awarded_shared", place=place)
        if place != expected:
            raise AwardError("place_order", place=place, expected=expected)
        expected = place + len(group)


def _place_values(mode: str, place_amounts: Sequence[int], place: int) -> int:
    index = place - 1
    if mode == PrizeMode.BUDGET:
        return place_amounts[index] if index < len(place_amounts) else (1 if not place_amounts else 0)
    return place_amounts[index] if index < len(place_amounts) else 0


def _split_evenly(total: int, keys: Sequence[Hashable]) -> dict[Hashable, int]:
    share, rest = divmod(total, len(keys))
    return {key: share + (1 if n < rest else 0) for n, key in enumerate(keys)}


def _split_by_weights(total: int, weights: dict[Hashable, float]) -> dict[Hashable, int]:
    """Whole cents proportional to the weights, summing to the total (largest remainder)."""
    whole = sum(weights.values())
    if whole <= 0:
        return dict.fromkeys(weights, 0)
    exact = {key: total * weight / whole for key, weight in weights.items()}
    amounts = {key: int(value) for key, value in exact.items()}
    left = total - sum(amounts.values())
    for key in sorted(exact, key=lambda k: -(exact[k] - amounts[k]))[:left]:
        amounts[key] += 1
    return amounts


def prize_amounts(
    entries: Sequence[Entry], mode: str, place_amounts: Sequence[int], budget_cents: int | None
) -> dict[Hashable, int | None]:
    """Each winner's amount in cents (None: no money), after check_entries; refuses a total beyond the budget."""
    check_entries(entries)
    amounts: dict[Hashable, int | None] = {}
    groups = defaultdict(list)  # place -> keys of the winners sharing it
    for entry in entries:
        if entry.kind == PrizeKind.PLACE:
            groups[entry.place].append(entry.key)
        elif entry.kind == PrizeKind.SPECIAL:
            amounts[entry.key] = entry.amount_cents or None
        elif entry.kind == PrizeKind.RECOGNITION:
            amounts[entry.key] = None
    special = sum(amounts[e.key] or 0 for e in entries if e.kind == PrizeKind.SPECIAL)
    pooled = {
        place: sum(_place_values(mode, place_amounts, p) for p in range(place, place + len(keys)))
        for place, keys in groups.items()
    }
    if mode == PrizeMode.BUDGET:
        if budget_cents is None:
            raise AwardError("budget_missing")
        available = budget_cents - special
        if available < 0:
            raise AwardError("budget_exceeded", total=euros(special), budget=euros(budget_cents))
        weights = {place: float(value) for place, value in pooled.items()}
        for place, total in _split_by_weights(available, weights).items():
            if total <= 0:  # a place without money is a recognition, not a silent 0 EUR prize
                raise AwardError("place_without_money", place=place)
            amounts.update(_split_evenly(total, groups[place]))
    else:
        for place, total in pooled.items():
            amounts.update(_split_evenly(total, groups[place]))
    total = sum(value or 0 for value in amounts.values())
    if budget_cents is not None and total > budget_cents:
        raise AwardError("budget_exceeded", total=euros(total), budget=euros(budget_cents))
    return amounts


# --- the tie-break ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A nomination as the jury ranked it: `standing` orders (lower is better; equal standings are a tie)."""

    key: Hashable
    name: str
    standing: tuple
    median: float | None = None
    chair_rank: int | None = None  # the chair's own place for it in the shortlist ranking


@dataclass(frozen=True)
class TieBreak:
    """Where the rule was applied: the tied names in the order it gave, and what decided ("median", "chair", or
    "open" when the rule could not tell them apart)."""

    names: tuple[str, ...]
    decided_by: str
    medians: tuple[float | None, ...] = ()


def _median_key(row: Ranked) -> float:
    return -(row.median if row.median is not None else float("-inf"))


def _chair_key(row: Ranked) -> float:
    return row.chair_rank if row.chair_rank is not None else float("inf")


def _broken_by(group: list[Ranked], rule: str) -> str:
    if rule == TieBreakRule.MEDIAN_THEN_CHAIR and len({_median_key(r) for r in group}) == len(group):
        return "median"
    keys = [(_median_key(r), _chair_key(r)) if rule == TieBreakRule.MEDIAN_THEN_CHAIR else _chair_key(r) for r in group]
    return "chair" if len(set(keys)) == len(group) else "open"


def order_with_tie_break(rows: Sequence[Ranked], rule: str) -> tuple[list[Ranked], list[TieBreak]]:
    """The rows best first, ties ordered by the rule, and a TieBreak for every tie."""
    ordered, breaks = [], []
    by_standing = defaultdict(list)
    for row in rows:
        by_standing[row.standing].append(row)
    for standing in sorted(by_standing):
        group = by_standing[standing]
        if len(group) > 1:
            if rule == TieBreakRule.MEDIAN_THEN_CHAIR:
                group = sorted(group, key=lambda r: (_median_key(r), _chair_key(r)))
            else:
                group = sorted(group, key=_chair_key)
            breaks.append(
                TieBreak(tuple(r.name for r in group), _broken_by(group, rule), tuple(r.median for r in group))
            )
        ordered.extend(group)
    return ordered, breaks
