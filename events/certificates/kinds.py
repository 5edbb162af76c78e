"""The kinds of certificate: one entry each, and everything that differs between kinds lives in that entry.

A kind has a label (on the page above the title, in lists, in the kind chooser), the words of the organisers'
button, a default title and text (German, like the texts organisers write), the placeholders only it knows
(with their labels for the form), the extra columns of a list of names (and which of them must be filled),
whether its recipients come only from an event's checked-in participants, the reason shown on the public
verification page, and the detail line printed under the text. A new kind (jury thanks, tandem membership)
is one more `Kind(...)` in KINDS; see the README, "Certificates: adding a kind".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from events.documents.spreadsheets import Column

# Placeholders every kind knows, with their labels for the form.
COMMON_PLACEHOLDERS = {
    "name": _l("Name der Person"),
    "event": _l("Titel der Veranstaltung"),
    "date": _l("Datum der Veranstaltung (sonst Ausstellungsdatum)"),
    "organisation": _l("Organisation der Person"),
    "district": _l("Landkreis / kreisfreie Stadt der Person"),
    "function": _l("Funktion der Person"),
}


def titled_reason(title: str, values: dict[str, str]) -> str:
    """The reason a certificate was issued, as the verification page shows it: its title and event."""
    return f"{title}: {values['event']}" if values["event"] else title


def joined(*names: str) -> Callable[[dict[str, str]], str]:
    """The filled values of these placeholders joined by " · " (for a reason or a detail line)."""

    def join(values: dict[str, str]) -> str:
        return " · ".join(values[name] for name in names if values.get(name))

    return join


@dataclass(frozen=True)
class Kind:
    key: str  # stored with each batch and certificate
    label: object  # lazy text: "Teilnahmebescheinigung"
    default_title: str
    default_body: str
    issue_label: object = None  # lazy text of the organisers' button on the certificates page; None: no button
    placeholders: dict[str, object] = field(default_factory=dict)  # name -> lazy label, beyond the common ones
    samples: dict[str, str] = field(default_factory=dict)  # values of those placeholders in the preview
    csv_columns: tuple[Column, ...] = ()  # values of a list of names after name, e-mail and organisation
    required: dict[str, Callable[[int], str]] = field(default_factory=dict)  # column -> message for a line
    event_only: bool = False  # recipients only from an event's checked-in participants
    reason: Callable[[str, dict[str, str]], str] = titled_reason  # (title, values) -> verification reason
    detail_line: Callable[[dict[str, str]], str] = lambda values: ""  # printed under the text

    @property
    def allowed_placeholders(self) -> set[str]:
        return set(COMMON_PLACEHOLDERS) | set(self.placeholders)


DAYS = {"days": _l("besuchte Tage (nur Teilnahmebescheinigung)")}


def _attendance_reason(title: str, values: dict[str, str]) -> str:
    return f"Teilnahme an „{values['event']}“ ({values['days'] or values['date']})"


ATTENDANCE = Kind(
    key="attendance",
    label=_l("Teilnahmebescheinigung"),
    issue_label=_l("Teilnahmebescheinigungen ausstellen"),
    default_title="Teilnahmebescheinigung",
    default_body="hat am {days} an der Veranstaltung „{event}“ teilgenommen.",
    placeholders=DAYS,
    event_only=True,
    reason=_attendance_reason,
)
APPRECIATION = Kind(
    key="appreciation",
    label=_l("Dankesurkunde"),
    issue_label=_l("Dankesurkunden ausstellen"),
    default_title="Dankesurkunde",
    default_body="In Anerkennung und Würdigung des herausragenden ehrenamtlichen Engagements "
    "für die Integration in {district} sprechen wir Dank und Anerkennung aus.",
)
PRIZE = Kind(
    key="prize",
    label=_l("Urkunde"),
    issue_label=_l("Urkunden für Preise ausstellen"),
    default_title="Urkunde",
    default_body="erhält in der Kategorie „{category}“ den {place}.\n\n{prize}",
    placeholders={
        "place": _l("Platzierung (nur Urkunde)"),
        "category": _l("Kategorie (nur Urkunde)"),
        "prize": _l("Preis (nur Urkunde)"),
    },
    samples={"place": "1. Platz", "category": "Ehrenamt", "prize": "2.500 Euro"},
    csv_columns=(
        Column("place", ("Platz", "Platzierung", "Place")),
        Column("category", ("Kategorie", "Category")),
        Column("prize", ("Preis", "Prize")),
    ),
    required={"place": lambda line: _("Zeile %(line)d: Für eine Urkunde fehlt die Platzierung.", line=line)},
    reason=lambda title, values: joined("place", "category", "prize")(values),
    detail_line=joined("place", "category"),
)

# Issued by events.tandems.certificates to the members of a tandem group, for the days of its meetings.
TANDEM = Kind(
    key="tandem",
    label=_l("Teilnahmebestätigung Tandem-Projektgruppe"),
    default_title="Teilnahmebestätigung",
    default_body="hat in der Tandem-Projektgruppe „{event}“ mitgewirkt und an den Treffen am {days} teilgenommen.",
    placeholders=DAYS,
)

# Issued by events.awards.certificates once a programme's decisions are released: the Urkunde of each winner, and
# the thanks to each member of the jury. The verification page holds them back while a decision is under embargo.
AWARD_PRIZE = Kind(
    key="award_prize",
    label=_l("Urkunde eines Preises"),
    default_title="Urkunde",
    default_body="Die Jury des {programme} zeichnet das Projekt „{project}“ aus:\n\n{place}{category}\n\n{prize}"
    "\n\n{laudation}",
    placeholders={
        **PRIZE.placeholders,
        "programme": _l("Preis und Jahrgang (nur Preise und Jury)"),
        "project": _l("Projekt (nur Urkunde eines Preises)"),
        "laudation": _l("Begründung der Jury (nur Urkunde eines Preises)"),
    },
    samples={**PRIZE.samples, "programme": "Integrationspreis 2026", "project": "Sprachcafé am Bahnhof"},
    reason=lambda title, values: joined("place", "project", "programme")(values),
    detail_line=joined("place", "programme"),
)
JURY_THANKS = Kind(
    key="jury_thanks",
    label=_l("Dank für die Mitwirkung in der Jury"),
    default_title="Dankesurkunde",
    default_body="hat als {role} des {programme} mit Sachverstand und Sorgfalt an der Auswahl der "
    "Preisträgerinnen und Preisträger mitgewirkt. Dafür danken wir herzlich.",
    placeholders={
        "programme": _l("Preis und Jahrgang (nur Preise und Jury)"),
        "role": _l("Aufgabe in der Jury (nur Dank an die Jury)"),
    },
    samples={"programme": "Integrationspreis 2026", "role": "Mitglied der Jury"},
    reason=lambda title, values: f"{title}: {values['programme']}",
)

KINDS: dict[str, Kind] = {
    kind.key: kind for kind in (ATTENDANCE, APPRECIATION, PRIZE, TANDEM, AWARD_PRIZE, JURY_THANKS)
}

# What forms, pages and templates read, derived from KINDS.
KIND_LABELS = {key: kind.label for key, kind in KINDS.items()}
DEFAULT_TITLES = {key: kind.default_title for key, kind in KINDS.items()}
DEFAULT_BODIES = {key: kind.default_body for key, kind in KINDS.items()}
PLACEHOLDERS_BY_KIND = {key: kind.allowed_placeholders for key, kind in KINDS.items()}
PLACEHOLDER_LABELS = {
    **COMMON_PLACEHOLDERS,
    **{name: label for kind in KINDS.values() for name, label in kind.placeholders.items()},
}


def kind_of(key: str) -> Kind | None:
    return KINDS.get(key)
