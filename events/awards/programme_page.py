"""What packages above awards add to an organiser's programme page: links to what hangs on the programme (the
ceremony adds its own page, or where one is made). A package registers a function (programme) -> list of
ProgrammeLink with `programme_page.register`."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class ProgrammeLink(NamedTuple):
    text: str
    url: str


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    """Add a provider (usable as a decorator); registering the same function twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def links_for(programme) -> list[ProgrammeLink]:
    links: list[ProgrammeLink] = []
    for provider in _providers:
        links += provider(programme) or []
    return links
