"""Why an account action cannot be done: AccountError and what each of its codes says."""

from flask_babel import gettext as _

from events.core.errors import ServiceError

ACCOUNT_MESSAGES = {
    "exists": lambda **_values: _("Für diese Adresse gibt es schon ein Konto."),
    "last-admin": lambda **_values: _(
        "Mindestens ein aktives Konto muss die Rolle Administration behalten. "
        "Geben Sie die Rolle zuerst einer weiteren Person."
    ),
    "expired": lambda **_values: _("Dieser Link ist abgelaufen. Bitte fordern Sie einen neuen an."),
    "invalid": lambda **_values: _("Dieser Link ist ungültig oder wurde schon benutzt."),
    "accepted": lambda name="", **_values: _(
        "%(name)s hat die Einladung schon angenommen und ein Passwort festgelegt.", name=name
    ),
    "inactive": lambda name="", **_values: _(
        "Das Konto von %(name)s ist deaktiviert; es wurde keine Einladung verschickt.", name=name
    ),
}


class AccountError(ServiceError):
    """A user-facing reason why an account action cannot be done (codes: ACCOUNT_MESSAGES)."""

    messages = ACCOUNT_MESSAGES
