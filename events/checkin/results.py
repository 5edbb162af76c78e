"""What a scan comes to: its result, the person the door shows, and the words for each refusal.

Kept apart from the scan itself (checkin.scanning), so that the rules, the search and the scan log name results
without importing the scanning service.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_time
from flask_babel import gettext as _

from events.checkin import welcome
from events.checkin.scopes import berlin_time
from events.directory.person_details import PersonDetails
from events.registration.models import Registration


class ScanResult(enum.StrEnum):
    WELCOME = "welcome"
    ALREADY = "already"
    INVALID = "invalid"
    REPLACED = "replaced"  # the genuine code of a ticket that has been re-issued since
    CANCELLED = "cancelled"
    OTHER_EVENT = "other_event"
    NOT_TODAY = "not_today"
    NOT_CHOSEN = "not_chosen"  # a workshop's check-in for someone who did not choose that workshop
    NOT_BOOKED_DAY = "not_booked_day"  # an event booked per day, on a day the person did not book


def door_person(registration_id: int, details: PersonDetails, workshops: list[str], lines=()) -> dict:
    """What the door shows of a person (the scanner's answer and the API's "person"); `lines`: what packages
    above add (checkin.welcome), such as a ceremony seat."""
    return {
        "id": registration_id,
        "name": details.name,
        "organisation": details.organisation,
        "district": details.district_label,
        "workshops": workshops,
        "details": list(lines),
    }


def person_summary(registration: Registration) -> dict:
    """Plain values about a person, for the scanner's answer and the API."""
    details = PersonDetails.from_registration(registration)
    workshops = [session.title for session in registration.workshops]
    return door_person(registration.id, details, workshops, welcome.lines_for(registration.id))


@dataclass
class ScanOutcome:
    result: str
    checkin_id: int | None = None
    person: dict | None = None
    scanned_at: datetime | None = None
    earlier_at: datetime | None = None  # for "already": when the standing check-in happened
    earlier_where: str | None = None  # and at which device or by whom
    replayed: bool = False  # an API retry with a nonce already seen
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result == ScanResult.WELCOME

    @property
    def tone(self) -> str:
        return {"welcome": "ok", "already": "warn", "not_chosen": "warn"}.get(self.result, "bad")

    @property
    def headline(self) -> str:
        if self.result == ScanResult.WELCOME:
            return _("Willkommen, %(name)s!", name=self.person["name"]) if self.person else _("Willkommen!")
        if self.result == ScanResult.ALREADY:
            if self.earlier_at:
                when = format_time(berlin_time(self.earlier_at), "HH:mm")
                if self.earlier_where:
                    return _("Heute schon eingecheckt um %(time)s (%(where)s)", time=when, where=self.earlier_where)
                return _("Heute schon eingecheckt um %(time)s", time=when)
            return _("Schon eingecheckt")
        return _REFUSAL_TEXTS.get(self.result, _REFUSAL_TEXTS[ScanResult.INVALID])[0]()

    @property
    def explanation(self) -> str:
        texts = _REFUSAL_TEXTS.get(self.result)
        return texts[1]() if texts else ""

    def as_json(self) -> dict:
        return {
            "result": self.result,
            "ok": self.ok,
            "tone": self.tone,
            "headline": self.headline,
            "explanation": self.explanation,
            "checkin_id": self.checkin_id,
            "person": self.person,
            "scanned_at": self.scanned_at.isoformat() if self.scanned_at else None,
            "earlier_at": self.earlier_at.isoformat() if self.earlier_at else None,
            "earlier_where": self.earlier_where,
            "replayed": self.replayed,
        }


# Headline and explanation of each refusal; translated only when shown.
_REFUSAL_TEXTS = {
    ScanResult.INVALID: (
        lambda: _("Nicht gültig"),
        lambda: _("Dieser Code ist kein gültiges Ticket dieser Veranstaltung."),
    ),
    ScanResult.REPLACED: (
        lambda: _("Ersetztes Ticket"),
        lambda: _(
            "Dieses Ticket wurde neu ausgestellt, der alte Code gilt nicht mehr. Bitte lassen Sie sich den neuen "
            "Code zeigen oder suchen Sie die Person mit ihrem Ausweis über die Namenssuche."
        ),
    ),
    ScanResult.CANCELLED: (lambda: _("Storniert"), lambda: _("Diese Anmeldung wurde storniert.")),
    ScanResult.OTHER_EVENT: (
        lambda: _("Andere Veranstaltung"),
        lambda: _("Dieses Ticket gehört zu einer anderen Veranstaltung."),
    ),
    ScanResult.NOT_TODAY: (lambda: _("Nicht heute"), lambda: _("Die Veranstaltung findet heute nicht statt.")),
    ScanResult.NOT_BOOKED_DAY: (
        lambda: _("Nicht für heute angemeldet"),
        lambda: _("Diese Person hat andere Tage der Veranstaltung gebucht und wird heute nicht eingelassen."),
    ),
    ScanResult.NOT_CHOSEN: (
        lambda: _("Nicht für diesen Workshop angemeldet"),
        lambda: _("Diese Person hat den Workshop nicht gewählt und wird hier nicht eingecheckt."),
    ),
}
