"""The two languages of the service and how each writes dates, times and numbers.

A language is named by its code ("de", "en") everywhere: in the session, on registrations, in `<html lang>`,
in the translation folders. Its formats come from a region: German from Germany, English from Great Britain
(24-hour clock, day before month: "6 December 2026, 14:30"), as the programme's readers expect, not the United
States style Babel gives a bare "en". `spoken_locale` is the Babel locale Flask-Babel works with: it formats like
en_GB, yet reads as "en" (str), so translations and every comparison with the language code stay as they are.
"""

from __future__ import annotations

from babel import Locale
from flask_babel import force_locale

# language code -> the region whose formats it follows
FORMAT_REGIONS = {"de": "DE", "en": "GB"}


class SpokenLocale(Locale):
    """A Babel locale with a region's formats whose name is the bare language code."""

    def __init__(self, language: str, territory: str | None = None) -> None:
        super().__init__(language, territory)  # loads the region's data under its full name
        self.spoken = language

    def __str__(self) -> str:
        return getattr(self, "spoken", None) or super().__str__()


_LOCALES: dict[str, Locale] = {}


def spoken_locale(language: str | Locale | None) -> Locale | None:
    """The locale for a language code ("en" formats as en_GB); a locale given stays as it is."""
    if language is None or isinstance(language, Locale):
        return language
    if language not in _LOCALES:
        region = FORMAT_REGIONS.get(language)
        _LOCALES[language] = SpokenLocale(language, region) if region else Locale.parse(language)
    return _LOCALES[language]


def force_language(language: str | Locale | None):
    """flask_babel.force_locale for a language code, with the language's formats (see spoken_locale)."""
    return force_locale(spoken_locale(language))
