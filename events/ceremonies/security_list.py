"""The list for the venue's building security: everyone coming (registered, or a guest of a registered winner)
with name and organisation, and the date of birth only when the venue requires it."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from events.ceremonies.guests import guests_coming
from events.ceremonies.models import Ceremony
from events.ceremonies.rules import asks_date_of_birth
from events.core.database import alphabetical_key
from events.documents.spreadsheets import table_csv, table_xlsx


def security_table(ceremony: Ceremony) -> tuple[list[str], list[list]]:
    with_birth = asks_date_of_birth(ceremony)
    header = [_("Nachname"), _("Vorname"), _("Organisation")] + ([_("Geburtsdatum")] if with_birth else [])
    rows = []
    for guest in sorted(
        guests_coming(ceremony), key=lambda g: (alphabetical_key(g.last_name), alphabetical_key(g.first_name))
    ):
        organisation = guest.organisation or (guest.host.organisation if guest.host else None) or ""
        row = [guest.last_name, guest.first_name, organisation]
        if with_birth:
            row.append(format_date(guest.date_of_birth, "dd.MM.yyyy") if guest.date_of_birth else "")
        rows.append(row)
    return header, rows


def security_csv(ceremony: Ceremony) -> bytes:
    return table_csv(*security_table(ceremony))


def security_xlsx(ceremony: Ceremony) -> bytes:
    header, rows = security_table(ceremony)
    return table_xlsx(header, rows, _("Sicherheitsliste"))
