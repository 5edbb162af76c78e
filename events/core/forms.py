"""The base class of every form: Flask-WTF's, with WTForms' own messages translated once per language, and the checks
every form gets in one place (single-line fields without line breaks, e-mail addresses that can be delivered)."""

import re
from functools import cache

from babel.support import Translations
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError

LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")


@cache
def _wtforms_translations(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


def has_ascii_local_part(address: str) -> bool:
    """Whether the part before the @ is plain ASCII. Addresses such as zoë@example.org need SMTPUTF8 all the way
    (our SMTP server, every relay, the recipient's server); where one lacks it the mail is lost unnoticed, so such
    addresses are refused with a clear message instead of being accepted and never reached."""
    local_part = address.rpartition("@")[0]
    return local_part.isascii()


class AsciiLocalPart:
    """For every e-mail field (added by Form): a clear refusal of a non-ASCII part before the @."""

    def __call__(self, form, field):
        if field.data and not has_ascii_local_part(field.data):
            raise ValidationError(
                _l(
                    "Adressen mit Umlauten oder anderen Sonderzeichen vor dem @ können wir leider nicht "
                    "zuverlässig zustellen. Bitte geben Sie eine Adresse ohne solche Zeichen an (zum Beispiel "
                    "„zoe@…“ statt „zoë@…“)."
                )
            )


def one_line(value):
    """The filter of every single-line field (added by Form): line breaks become spaces. A pasted title with a
    line break would otherwise end up in a mail's subject, which no mail server accepts."""
    if isinstance(value, str) and LINE_BREAKS.search(value):
        return LINE_BREAKS.sub(" ", value)
    return value


def trimmed_choice(value):
    """The filter of every select (added by Form): a value of only white space counts as no choice."""
    return value.strip() if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            # Flask-WTF reads the catalogue from disk on every request; it never changes while the app runs.
            return _wtforms_translations(str(get_locale() or "de"))

        def bind_field(self, form, unbound_field, options):
            """Every form gets, in this one place: single-line text without line breaks, selects without white
            space, e-mail fields without non-ASCII before the @."""
            field_class = unbound_field.field_class
            kwargs = unbound_field.kwargs
            extra_filter = None
            if issubclass(field_class, SelectField):
                extra_filter = trimmed_choice
            elif issubclass(field_class, StringField) and not issubclass(field_class, TextAreaField | PasswordField):
                extra_filter = one_line
            if extra_filter is not None:
                options["filters"] = (*kwargs.get("filters", ()), extra_filter)
            if issubclass(field_class, EmailField):
                options["validators"] = (*kwargs.get("validators", ()), AsciiLocalPart())
            return unbound_field.bind(form=form, **options)


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
