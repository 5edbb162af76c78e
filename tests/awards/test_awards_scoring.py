"""The jury's figures, table by table: totals, mean and median, normalisation with its guards, Schulze."""

import pytest

from events.awards.scoring import (
    CriterionSpec,
    Scale,
    common_scale,
    figures,
    normalise,
    schulze,
    weighted_total,
)

IMPACT = CriterionSpec("impact", weight=2)
REACH = CriterionSpec("reach", weight=1)
PARTICIPATION = CriterionSpec("participation", counts=False, scale_min=0, scale_max=1)  # yes/no
TEN_POINTS = CriterionSpec("originality", weight=1, scale_min=0, scale_max=10)


@pytest.mark.parametrize(
    ("values", "criteria", "expected"),
    [
        ({"impact": 5, "reach": 2}, [IMPACT, REACH], 4.0),  # (2*5 + 1*2) / 3
        ({"impact": 3, "reach": 3}, [IMPACT, REACH], 3.0),
        ({"impact": 4}, [IMPACT, REACH], 4.0),  # a criterion without a value leaves its weight out too
        ({"impact": 5, "reach": 2, "participation": 0}, [IMPACT, REACH, PARTICIPATION], 4.0),  # yes/no: no say
        ({"impact": 1, "reach": 1, "participation": 1}, [IMPACT, REACH, PARTICIPATION], 1.0),
        ({"participation": 1}, [IMPACT, PARTICIPATION], None),  # nothing that counts
        ({}, [IMPACT, REACH], None),
        ({"impact": 5, "originality": 0}, [IMPACT, TEN_POINTS], pytest.approx(20 / 3)),  # on 0-10, 5 of 5 is 10
        ({"impact": 5, "reach": 1}, [IMPACT, CriterionSpec("reach", weight=0)], 5.0),  # weight 0 is left out
    ],
)
def test_a_jurors_total_is_the_weighted_mean_of_the_criteria_that_count(values, criteria, expected):
    assert weighted_total(values, criteria) == expected


def test_the_common_scale_ignores_yes_no_criteria():
    assert common_scale([IMPACT, PARTICIPATION]) == Scale(1, 5)
    assert common_scale([IMPACT, TEN_POINTS]) == Scale(0, 10)


FIVE = Scale(1, 5)


@pytest.mark.parametrize(
    ("totals", "count", "mean", "median", "spread", "disagreement"),
    [
        ([], 0, None, None, None, False),
        ([4.0], 1, 4.0, 4.0, 0.0, False),
        ([3.0, 4.0, 5.0], 3, 4.0, 4.0, 2.0, True),  # 2 of a range of 4: jurors disagree
        ([3.0, 3.5, 4.0, 4.5], 4, 3.75, 3.75, 1.5, False),
        ([1.0, 5.0, 5.0], 3, pytest.approx(11 / 3), 5.0, 4.0, True),  # the median resists the outlier
    ],
)
def test_figures_of_one_nomination(totals, count, mean, median, spread, disagreement):
    result = figures(totals, FIVE)
    assert (result.count, result.mean, result.median, result.spread, result.disagreement) == (
        count,
        mean,
        median,
        spread,
        disagreement,
    )


def test_normalisation_is_not_applied_when_every_juror_scored_the_same_nominations():
    totals = {("strict", "a"): 2.0, ("strict", "b"): 3.0, ("mild", "a"): 4.0, ("mild", "b"): 5.0}
    result = normalise(totals, FIVE)
    assert (result.applied, result.reason) == (False, "same_subsets")
    assert result.totals == totals


def test_normalisation_evens_out_a_strict_and_a_mild_juror_who_scored_different_nominations():
    # the strict juror gives 1-3, the mild one 3-5; both think their second nomination is their middle one
    totals = {
        ("strict", "a"): 1.0,
        ("strict", "b"): 2.0,
        ("strict", "c"): 3.0,
        ("mild", "d"): 3.0,
        ("mild", "e"): 4.0,
        ("mild", "f"): 5.0,
    }
    result = normalise(totals, FIVE)
    assert (result.applied, result.reason, result.kept_raw) == (True, "different_subsets", {})
    assert result.totals["strict", "b"] == pytest.approx(3.0)  # both middles land on the overall mean
    assert result.totals["mild", "e"] == pytest.approx(3.0)
    assert result.totals["strict", "c"] == pytest.approx(result.totals["mild", "f"])
    assert all(1.0 <= value <= 5.0 for value in result.totals.values())  # mapped back onto the scale


@pytest.mark.parametrize(
    ("guarded_totals", "why"),
    [
        ({("new", "a"): 5.0, ("new", "g"): 1.0}, "too_few"),  # two totals say nothing about a juror's strictness
        ({("flat", "a"): 4.0, ("flat", "g"): 4.0, ("flat", "h"): 4.0}, "no_spread"),  # all equal: no deviation
    ],
)
def test_a_juror_with_too_few_scores_or_no_spread_keeps_raw_totals(guarded_totals, why):
    totals = {("strict", "a"): 1.0, ("strict", "b"): 2.0, ("strict", "c"): 3.0, **guarded_totals}
    result = normalise(totals, FIVE)
    assert result.applied
    juror = next(iter(guarded_totals))[0]
    assert result.kept_raw == {juror: why}
    assert {key: result.totals[key] for key in guarded_totals} == guarded_totals


def test_normalisation_of_totals_that_are_all_equal_changes_nothing():
    totals = {("a", "x"): 3.0, ("b", "y"): 3.0}
    result = normalise(totals, FIVE)
    assert (result.applied, result.reason, result.totals) == (False, "no_spread", totals)


def _ballots(*groups):
    """(number of jurors, "ACB") -> ballots ranking the letters in that order."""
    return [{c: i for i, c in enumerate(order, start=1)} for n, order in groups for _ in range(n)]


@pytest.mark.parametrize(
    ("candidates", "ballots", "places"),
    [
        ("AB", _ballots((3, "AB"), (1, "BA")), [["A"], ["B"]]),
        ("AB", _ballots((2, "AB"), (2, "BA")), [["A", "B"]]),  # a tie shares the place
        ("ABC", _ballots((1, "ABC"), (1, "BCA"), (1, "CAB")), [["A", "B", "C"]]),  # a perfect cycle: all tied
        # a cycle with majorities of different strength is resolved (the classic example of the method)
        (
            "ABCDE",
            _ballots(
                (5, "ACBED"),
                (5, "ADECB"),
                (8, "BEDAC"),
                (3, "CABED"),
                (7, "CAEBD"),
                (2, "CBADE"),
                (7, "DCEBA"),
                (8, "EBADC"),
            ),
            [["E"], ["A"], ["C"], ["B"], ["D"]],
        ),
        ("ABC", [{"A": 1, "B": 1, "C": 2}, {"A": 1, "B": 1, "C": 2}], [["A", "B"], ["C"]]),  # tied on every ballot
        ("ABC", [{"C": 1}, {"C": 1}, {"A": 1, "B": 2}], [["C"], ["A"], ["B"]]),  # left out: after the ranked ones
        # a ballot that says nothing about A (its juror has a conflict on A) counts only between B and C
        ("ABC", [{"A": 1, "B": 2, "C": 3}, {"B": 1, "A": 2, "C": 3}, {"A": None, "C": 1, "B": 2}], [["A", "B"], ["C"]]),
        ("A", [{"A": 1}], [["A"]]),
        ("", [], []),
    ],
)
def test_schulze_ranking(candidates, ballots, places):
    assert schulze(list(candidates), ballots) == places
