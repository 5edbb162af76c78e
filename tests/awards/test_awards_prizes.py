"""Prize money and the tie-break as pure functions: fixed amounts, a budget split, shared places, a budget exceeded,
places out of order, and ties ordered by the programme's rule."""

import pytest

from events.awards.errors import AwardError
from events.awards.prizes import Entry, Ranked, order_with_tie_break, prize_amounts

FIXED = [250_000, 150_000, 100_000]


def place(key, number, laudation="Vorbildlich."):
    return Entry(key, "place", place=number, laudation=laudation)


@pytest.mark.parametrize(
    ("entries", "mode", "amounts", "budget", "expected"),
    [
        # fixed amounts, one winner per place
        (
            [place("a", 1), place("b", 2), place("c", 3)],
            "fixed",
            FIXED,
            500_000,
            {"a": 250_000, "b": 150_000, "c": 100_000},
        ),
        # two share the 2nd place: they pool the 2nd and 3rd amounts
        (
            [place("a", 1), place("b", 2), place("c", 2)],
            "fixed",
            FIXED,
            500_000,
            {"a": 250_000, "b": 125_000, "c": 125_000},
        ),
        # two share the 1st place: 4,000 EUR between them, the next is the 3rd
        (
            [place("a", 1), place("b", 1), place("c", 3)],
            "fixed",
            FIXED,
            500_000,
            {"a": 200_000, "b": 200_000, "c": 100_000},
        ),
        # three share the 1st place: an odd cent goes to the first named
        ([place("a", 1), place("b", 1), place("c", 1)], "fixed", [100, 0, 0], None, {"a": 34, "b": 33, "c": 33}),
        # the 3rd place not awarded: its money is not paid
        (
            [place("a", 1), place("b", 2), Entry(None, "not_awarded", place=3)],
            "fixed",
            FIXED,
            500_000,
            {"a": 250_000, "b": 150_000},
        ),
        # a special prize and a recognition next to the places
        (
            [
                place("a", 1),
                Entry("s", "special", amount_cents=50_000, laudation="Ein Leben lang."),
                Entry("r", "recognition", laudation="Mutig."),
            ],
            "fixed",
            FIXED,
            500_000,
            {"a": 250_000, "s": 50_000, "r": None},
        ),
        # a budget of 9,000 EUR split evenly among three
        (
            [place("a", 1), place("b", 2), place("c", 3)],
            "budget",
            [],
            900_000,
            {"a": 300_000, "b": 300_000, "c": 300_000},
        ),
        # a budget split 3 : 2 : 1, less a special prize of 500 EUR
        (
            [
                place("a", 1),
                place("b", 2),
                place("c", 3),
                Entry("s", "special", amount_cents=60_000, laudation="Eine Person."),
            ],
            "budget",
            [3, 2, 1],
            660_000,
            {"a": 300_000, "b": 200_000, "c": 100_000, "s": 60_000},
        ),
        # a budget split with two sharing the 1st place: they pool the shares of the 1st and 2nd
        (
            [place("a", 1), place("b", 1), place("c", 3)],
            "budget",
            [3, 2, 1],
            600_000,
            {"a": 250_000, "b": 250_000, "c": 100_000},
        ),
    ],
)
def test_prize_money_is_split_as_the_rules_say(entries, mode, amounts, budget, expected):
    assert prize_amounts(entries, mode, amounts, budget) == expected


@pytest.mark.parametrize(
    ("entries", "mode", "amounts", "budget", "code"),
    [
        ([place("a", 1), place("b", 2), place("c", 3)], "fixed", FIXED, 400_000, "budget_exceeded"),
        (
            [place("a", 1), Entry("s", "special", amount_cents=80_000, laudation="x")],
            "budget",
            [],
            50_000,
            "budget_exceeded",
        ),
        ([place("a", 1)], "budget", [], None, "budget_missing"),
        ([place("a", 1), place("b", 1), place("c", 2)], "fixed", FIXED, None, "place_order"),  # the 2nd is taken
        ([place("a", 2)], "fixed", FIXED, None, "place_order"),  # no 1st place
        ([place("a", 1), Entry(None, "not_awarded", place=1)], "fixed", FIXED, None, "not_awarded_shared"),
        ([place("a", 1, laudation=" ")], "fixed", FIXED, None, "laudation_missing"),
        ([Entry("a", "place", place=None, laudation="x")], "fixed", FIXED, None, "place_missing"),
        ([Entry("a", "special", amount_cents=-5, laudation="x")], "fixed", FIXED, None, "amount_negative"),
    ],
)
def test_a_decision_that_does_not_add_up_is_refused(entries, mode, amounts, budget, code):
    with pytest.raises(AwardError) as refused:
        prize_amounts(entries, mode, amounts, budget)
    assert refused.value.code == code


def test_the_refusal_names_the_total_and_the_budget_in_euros(app):
    with app.test_request_context(), pytest.raises(AwardError) as refused:
        prize_amounts([place("a", 1), place("b", 2), place("c", 3)], "fixed", FIXED, 400_000)
    assert "5.000 €" in refused.value.message and "4.000 €" in refused.value.message


@pytest.mark.parametrize(
    ("rule", "rows", "order", "decided_by"),
    [
        # equal standing: the higher median wins
        (
            "median_chair",
            [Ranked("a", "A", (1, -4.0), 3.5, 1), Ranked("b", "B", (1, -4.0), 4.2, 2)],
            ["b", "a"],
            "median",
        ),
        # equal medians too: the chair's vote
        (
            "median_chair",
            [Ranked("a", "A", (1, -4.0), 4.0, 2), Ranked("b", "B", (1, -4.0), 4.0, 1)],
            ["b", "a"],
            "chair",
        ),
        # the chair's vote alone, whatever the medians
        ("chair", [Ranked("a", "A", (1, -4.0), 4.5, 2), Ranked("b", "B", (1, -4.0), 3.0, 1)], ["b", "a"], "chair"),
        # nothing tells them apart: the order stays, and the page says the rule did not decide
        ("median_chair", [Ranked("a", "A", (1, -4.0), 4.0), Ranked("b", "B", (1, -4.0), 4.0)], ["a", "b"], "open"),
    ],
)
def test_a_tie_is_broken_by_the_programmes_rule_and_reported(rule, rows, order, decided_by):
    ordered, breaks = order_with_tie_break(rows + [Ranked("c", "C", (2, -3.0), 5.0, 1)], rule)
    assert [r.key for r in ordered] == [*order, "c"]
    assert len(breaks) == 1
    assert breaks[0].decided_by == decided_by
    assert breaks[0].names == tuple(r.upper() for r in order)


def test_without_a_tie_the_rule_is_not_applied():
    ordered, breaks = order_with_tie_break(
        [Ranked("b", "B", (2, -4.0), 5.0), Ranked("a", "A", (1, -3.0), 1.0)], "median_chair"
    )
    assert [r.key for r in ordered] == ["a", "b"]
    assert breaks == []


@pytest.mark.parametrize(
    ("entries", "shares", "budget", "place_refused"),
    [
        ([place("a", 1)], [3, 2, 1], 0, 1),  # the budget is used up (by the decisions of other categories)
        ([place("a", 1), place("b", 2), place("c", 3), place("d", 4)], [3, 2, 1], 600_000, 4),  # no share
    ],
)
def test_a_budget_split_refuses_a_place_it_leaves_without_money(entries, shares, budget, place_refused):
    with pytest.raises(AwardError) as refused:
        prize_amounts(entries, "budget", shares, budget)
    assert refused.value.code == "place_without_money" and refused.value.values["place"] == place_refused
