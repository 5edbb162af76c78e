"""What certificates say: placeholders and how they are filled, dates in German (the kinds: see kinds.py)."""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date, format_interval
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from events.certificates.kinds import COMMON_PLACEHOLDERS, kind_of
from events.core.timezone import berlin_date
from events.core.types import utcnow
from events.meetings.models import Event

CERTIFICATE_LANGUAGE = "de"  # certificates are worded in German, like the body texts organisers write


DESIGN_LABELS = {"classic": _l("Klassisch (zentriert, Doppelrahmen)"), "modern": _l("Modern (linksbündig, Farbband)")}

PLACEHOLDER_PATTERN = re.compile(r"\{([^{}]*)\}")

DEFAULT_ISSUER = "Programm Integrationslotsinnen und -lotsen"


# --- placeholders ----------------------------------------------------------------------------------------------


def placeholder_problems(text: str, kind: str) -> list[str]:
    """Messages for every placeholder the kind does not know, and for braces that open or close nothing."""
    known = kind_of(kind)
    allowed = known.allowed_placeholders if known else set(COMMON_PLACEHOLDERS)
    problems = []
    for name in PLACEHOLDER_PATTERN.findall(text or ""):
        if name not in allowed:
            problems.append(
                _(
                    "Unbekannter Platzhalter {%(name)s}. Möglich sind: %(allowed)s.",
                    name=name,
                    allowed=", ".join("{" + p + "}" for p in sorted(allowed)),
                )
            )
    if "{" in PLACEHOLDER_PATTERN.sub("", text or "") or "}" in PLACEHOLDER_PATTERN.sub("", text or ""):
        problems.append(_("Eine geschweifte Klammer ist nicht geschlossen oder nicht geöffnet."))
    return problems


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match[1], ""), text)


def local_today() -> date:
    return berlin_date(utcnow())


def long_date(day: date) -> str:
    return format_date(day, "d. MMMM y", locale=CERTIFICATE_LANGUAGE)


def event_dates(event: Event | None) -> str:
    if event is None:
        return ""
    start = berlin_date(event.starts_at)
    end = berlin_date(event.ends_at)
    if start == end:
        return long_date(start)
    return format_interval(start, end, "yMMMMd", locale=CERTIFICATE_LANGUAGE)
