"""What packages above registration add to a registrant's personal page: short lines, each perhaps a link (a
ceremony adds the seat and the page where a winner registers their guests). A package registers a function
(registration, personal-link token) -> list of PersonalLine with `personal_page.register`."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class PersonalLine(NamedTuple):
    text: str
    url: str | None = None


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    """Add a provider (usable as a decorator); registering the same function twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def lines_for(registration, token: str) -> list[PersonalLine]:
    lines: list[PersonalLine] = []
    for provider in _providers:
        lines += provider(registration, token) or []
    return lines
