"""The consent texts people agree to when they register; the version and the exact text are stored."""

from flask_babel import gettext as _

PRIVACY_CONSENT_VERSION = "2026-12"  # raise it with every change of the text: each registration keeps its own
# The privacy consent text promises deletion six months after the event (see privacy.retention), and that cancelling
# the registration withdraws the consent: a cancelled registration is kept CANCELLED_KEPT_DAYS (time to undo a
# mistake, to answer a question about it, and for the cancellation mail to go out).
PERSONAL_DATA_KEPT_MONTHS = 6
CANCELLED_KEPT_DAYS = 30


def privacy_consent_text() -> str:
    return _(
        "Ich willige ein, dass das Ministerium meine Angaben zur Organisation und Durchführung dieser "
        "Veranstaltung verarbeitet (Anmeldung, Einlass, Teilnahmebescheinigung). Die Angaben werden sechs Monate "
        "nach der Veranstaltung gelöscht. Ich kann die Einwilligung jederzeit widerrufen: bis zum "
        "Stornierungsschluss, indem ich meine Anmeldung über meinen persönlichen Link storniere, danach mit einer "
        "Nachricht an das Organisationsteam."
    )


def photo_consent_text() -> str:
    return _(
        "Ich bin einverstanden, dass Fotos, auf denen ich zu sehen bin, in Berichten über die Veranstaltung "
        "veröffentlicht werden (freiwillig; jederzeit über meinen persönlichen Link widerrufbar)."
    )
