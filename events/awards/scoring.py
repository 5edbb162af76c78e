"""The jury's figures, as pure functions on plain values: no database, no Flask.

- A juror's total for a nomination is the weighted mean of the criteria that count (yes/no criteria are kept out),
  each value mapped onto one common scale first.
- Per nomination: how many jurors scored, mean, median, spread, and a flag when jurors disagree.
- Normalisation: when jurors scored different subsets of the nominations, a strict juror would pull down exactly
  the nominations they happened to get. Each juror's totals are turned into z-scores (how far above or below the
  juror's own mean, in the juror's own standard deviations) and mapped back onto the scale with the mean and
  standard deviation of all totals. Guard: a juror with fewer than MIN_SCORES_FOR_NORMALISATION totals, or whose
  totals are all equal (no spread), has no meaningful mean or deviation; their totals stay raw.
- Schulze: the jurors' rankings of the shortlist combined into one proposal for the places, ties and cycles
  included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import sqrt
from statistics import fmean, median


def pstdev(values: Sequence[float]) -> float:
    """The population standard deviation, in floats (statistics.pstdev computes exactly, with fractions: slow)."""
    mean = fmean(values)
    return sqrt(max(fmean([(v - mean) ** 2 for v in values]), 0.0))


MIN_SCORES_FOR_NORMALISATION = 3
# Jurors disagree when their totals for one nomination lie this share of the scale's range or more apart.
DISAGREEMENT_SHARE = 0.4
NO_SPREAD = 1e-9  # a standard deviation below this is none (equal totals, up to rounding)


@dataclass(frozen=True)
class CriterionSpec:
    id: Hashable
    weight: float = 1.0
    counts: bool = True  # False: a yes/no criterion, shown but kept out of the total
    scale_min: int = 1
    scale_max: int = 5


@dataclass(frozen=True)
class Scale:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def clamp(self, value: float) -> float:
        return min(max(value, self.low), self.high)


def common_scale(criteria: Iterable[CriterionSpec]) -> Scale:
    """The scale totals are given on: from the lowest to the highest level of the criteria that count."""
    counting = [c for c in criteria if c.counts]
    if not counting:
        return Scale(0, 1)
    return Scale(min(c.scale_min for c in counting), max(c.scale_max for c in counting))


def weighted_total(
    values: Mapping[Hashable, int | None], criteria: Sequence[CriterionSpec], scale: Scale | None = None
) -> float | None:
    """The weighted mean of a juror's values for the criteria that count, on the common scale (give it when
    computing many totals of the same criteria).

    Criteria without a value or with weight 0 are left out (their weight too); None when nothing counts.
    """
    scale = scale or common_scale(criteria)
    weighted = weights = 0.0
    for criterion in criteria:
        value = values.get(criterion.id)
        if not criterion.counts or criterion.weight <= 0 or value is None:
            continue
        own_width = criterion.scale_max - criterion.scale_min
        share = (value - criterion.scale_min) / own_width if own_width else 1.0
        weighted += criterion.weight * (scale.low + share * scale.width)
        weights += criterion.weight
    return weighted / weights if weights else None


@dataclass(frozen=True)
class Figures:
    count: int
    mean: float | None
    median: float | None
    spread: float | None  # highest minus lowest total
    disagreement: bool


def figures(totals: Sequence[float], scale: Scale) -> Figures:
    """Mean, median and spread of the jurors' totals for one nomination."""
    if not totals:
        return Figures(0, None, None, None, False)
    spread = max(totals) - min(totals)
    disagreement = len(totals) >= 2 and spread >= DISAGREEMENT_SHARE * scale.width
    return Figures(len(totals), fmean(totals), median(totals), spread, disagreement)


@dataclass
class Normalisation:
    applied: bool
    reason: str  # "different_subsets", "same_subsets", "no_spread" (no total differs), "guarded" (every juror)
    totals: dict[tuple[Hashable, Hashable], float]  # (juror, nomination) -> normalised (or raw) total
    kept_raw: dict[Hashable, str] = field(default_factory=dict)  # juror -> "too_few" or "no_spread"


def normalise(totals: Mapping[tuple[Hashable, Hashable], float], scale: Scale) -> Normalisation:
    """Per-juror z-scores mapped back onto the scale, when jurors scored different subsets of the nominations.

    totals: (juror, nomination) -> the juror's weighted total. Jurors with too few totals or without spread keep
    their raw totals (kept_raw names them and why). When every juror scored the same nominations, each
    nomination meets every juror's strictness alike and the raw totals are returned unchanged.
    """
    by_juror: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
    for (juror, nomination), total in totals.items():
        by_juror[juror][nomination] = total
    raw = dict(totals)
    subsets = {frozenset(scored) for scored in by_juror.values()}
    if len(subsets) <= 1:
        return Normalisation(False, "same_subsets", raw)
    everything = list(totals.values())
    overall_sd = pstdev(everything) if len(everything) >= 2 else 0.0
    if overall_sd < NO_SPREAD:
        return Normalisation(False, "no_spread", raw)
    overall_mean = fmean(everything)
    result, kept_raw = {}, {}
    for juror, scored in by_juror.items():
        own = list(scored.values())
        own_sd = pstdev(own) if len(own) >= 2 else 0.0
        if len(own) < MIN_SCORES_FOR_NORMALISATION:
            kept_raw[juror] = "too_few"
        elif own_sd < NO_SPREAD:
            kept_raw[juror] = "no_spread"
        own_mean = fmean(own)
        for nomination, total in scored.items():
            if juror in kept_raw:
                result[juror, nomination] = total
            else:
                result[juror, nomination] = scale.clamp(overall_mean + (total - own_mean) / own_sd * overall_sd)
    applied = len(kept_raw) < len(by_juror)
    return Normalisation(applied, "different_subsets" if applied else "guarded", result, kept_raw)


def schulze(candidates: Sequence[Hashable], ballots: Iterable[Mapping[Hashable, int | None]]) -> list[list[Hashable]]:
    """The Schulze method: the candidates in places, best first; candidates sharing a place are tied.

    A ballot maps candidates to ranks (1 best; equal ranks are ties); candidates a ballot leaves out share the
    place after its last one; a candidate mapped to None is one the ballot says nothing about (a juror with a
    conflict on it): no pair with it counts from that ballot. Candidates in a place keep the order they were given.
    """
    candidates = list(candidates)
    preferred: dict[tuple[Hashable, Hashable], int] = defaultdict(int)  # d[a, b]: ballots ranking a above b
    for ballot in ballots:
        last = max((r for r in ballot.values() if r is not None), default=0) + 1
        rank = {c: ballot.get(c, last) for c in candidates}
        for a in candidates:
            for b in candidates:
                if rank[a] is not None and rank[b] is not None and rank[a] < rank[b]:
                    preferred[a, b] += 1
    # strength of the strongest path from a to b (Floyd-Warshall over the widest path)
    strength = {
        (a, b): (preferred[a, b] if preferred[a, b] > preferred[b, a] else 0)
        for a in candidates
        for b in candidates
        if a != b
    }
    for via in candidates:
        for a in candidates:
            if a == via:
                continue
            for b in candidates:
                if b in (a, via):
                    continue
                strength[a, b] = max(strength[a, b], min(strength[a, via], strength[via, b]))
    # a beats b when its strongest path is the stronger; this relation is transitive, so counting wins orders it
    wins = {a: sum(1 for b in candidates if b != a and strength[a, b] > strength[b, a]) for a in candidates}
    places: list[list[Hashable]] = []
    for count in sorted(set(wins.values()), reverse=True):
        places.append([c for c in candidates if wins[c] == count])
    return places
