"""The base class of every form: Flask-WTF's, with WTForms' own messages translated once per language."""

from functools import cache

from babel.support import Translations
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@cache
def _wtforms_translations(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            # Flask-WTF reads the catalogue from disk on every request; it never changes while the app runs.
            return _wtforms_translations(str(get_locale() or "de"))


def optional_text(value: str | None) -> str | None:
    """An optional text field as stored: trimmed, and None when nothing was typed."""
    return (value or "").strip() or None


def optional_int(value) -> int | None:
    """`coerce` for a select whose empty choice means "none" (an id or nothing)."""
    return int(value) if value not in (None, "", "None") else None


def web_address(value: str | None) -> str | None:
    """A `filters` entry for web-address fields: "www.example.org" as typed becomes "https://www.example.org".

    People type addresses as they read them on paper; a value with a scheme, or with spaces (no address), is left
    to the URL validator as it is.
    """
    value = (value or "").strip()
    if value and "://" not in value and " " not in value and "." in value.split("/")[0]:
        return "https://" + value
    return value
