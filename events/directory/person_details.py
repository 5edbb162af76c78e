"""PersonDetails: who a person is, as plain values, whichever record they come from.

A registration, a person of the directory and a line of an uploaded table all describe someone by name,
address, organisation, district, function and language. Code that only needs those values (certificates,
the door's answer, invitations, award and tandem lists) takes a PersonDetails and does not care where it
came from. Registrations and people are read through their attributes, so this module imports neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_LANGUAGE = "de"


@dataclass(frozen=True)
class PersonDetails:
    name: str  # as written on a certificate or a badge: "Erika Mustermann"
    email: str | None = None
    organisation: str = ""
    district: str = ""  # the district's name ("München")
    district_label: str = ""  # as lists show it ("München (Stadt)" for a kreisfreie Stadt); the name if not given
    function: str = ""  # e.g. "Integrationslotsin"
    language: str = DEFAULT_LANGUAGE
    first_name: str = ""
    last_name: str = ""

    def __post_init__(self):
        if not self.district_label and self.district:
            object.__setattr__(self, "district_label", self.district)

    @classmethod
    def named(cls, first_name: str, last_name: str, **details) -> PersonDetails:
        first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
        return cls(f"{first_name} {last_name}".strip(), first_name=first_name, last_name=last_name, **details)

    @classmethod
    def from_registration(cls, registration) -> PersonDetails:
        """From a registration: the organisation as typed, else the directory's one it was matched to."""
        organisation = registration.organisation_name or (
            registration.organisation.name if registration.organisation else ""
        )
        district = registration.district
        return cls.named(
            registration.first_name,
            registration.last_name,
            email=registration.email,
            organisation=organisation,
            district=district.name if district else "",
            district_label=district.label if district else "",
            function=registration.function or "",
            language=registration.language or DEFAULT_LANGUAGE,
        )

    @classmethod
    def from_person(cls, person) -> PersonDetails:
        """From a person of the directory: organisation and district are those of their organisation."""
        organisation = person.organisation
        district = organisation.district if organisation else None
        return cls.named(
            person.first_name,
            person.last_name,
            email=person.email,
            organisation=organisation.name if organisation else "",
            district=district.name if district else "",
            district_label=district.label if district else "",
            function=person.function or "",
        )

    @classmethod
    def from_row(cls, values: Mapping[str, str]) -> PersonDetails:
        """From a line of a table (documents.spreadsheets.read_table): a "name" column, or first and last name."""

        def value(key: str) -> str:
            return (values.get(key) or "").strip()

        details = {
            "email": value("email") or None,
            "organisation": value("organisation"),
            "district": value("district"),
            "function": value("function"),
            "language": value("language") or DEFAULT_LANGUAGE,
        }
        if value("name"):
            return cls(value("name"), **details)
        return cls.named(value("first_name"), value("last_name"), **details)
