"""Enums whose members carry their translated label, so no form or service keeps a table of labels of its own."""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """A StrEnum whose members are declared with their label: `DRAFT = "draft", _l("Entwurf")`.

    A member compares equal to its stored string, so `labels()[event.status]` and `event.status in GROUP` work on
    values read from the database. Groups of members that rules ask about are declared as `enum.nonmember`.
    """

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self):
        """The member's label (a lazy string: translated when shown)."""
        return self._label

    @classmethod
    def labels(cls) -> dict:
        """Every member (and so its stored string) with its label."""
        return {member: member.label for member in cls}

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        """(value, label) of every member, for a form's select field."""
        return [(member.value, member.label) for member in cls]
