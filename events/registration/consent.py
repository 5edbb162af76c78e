"""The consent texts people agree to when they register; the version and the exact text are stored."""

from flask_babel import gettext as _

PRIVACY_CONSENT_VERSION = "2026-11"
# The privacy consent text promises deletion six months after the event (see registration.retention).
PERSONAL_DATA_KEPT_MONTHS = 6


def privacy_consent_text() -> str:
    return _(
        "Ich willige ein, dass das Ministerium meine Angaben zur Organisation und Durchführung dieser "
        "Veranstaltung verarbeitet (Anmeldung, Einlass, Teilnahmebescheinigung). Die Angaben werden sechs Monate "
        "nach der Veranstaltung gelöscht. Ich kann die Einwilligung jederzeit über meinen persönlichen Link "
        "widerrufen, indem ich meine Anmeldung storniere."
    )


def photo_consent_text() -> str:
    return _(
        "Ich bin einverstanden, dass Fotos, auf denen ich zu sehen bin, in Berichten über die Veranstaltung "
        "veröffentlicht werden (freiwillig)."
    )
