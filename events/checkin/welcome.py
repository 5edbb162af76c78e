"""What the door says about a person beyond name and organisation: short lines that packages above checkin add
(a ceremony adds "Platz: Tisch 1, 3"). A package registers a function registration id -> list of lines with
`checkin.welcome.register`; the scanner's answer and the API's "person" carry the lines as "details"."""

from __future__ import annotations

from collections.abc import Callable

_providers: list[Callable[[int], list[str]]] = []


def register(provider: Callable[[int], list[str]]) -> Callable[[int], list[str]]:
    """Add a provider (usable as a decorator); registering the same function twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def lines_for(registration_id: int) -> list[str]:
    """Every provider's lines for this registration, in the order they were registered."""
    lines: list[str] = []
    for provider in _providers:
        lines += [str(line) for line in provider(registration_id) or ()]
    return lines
