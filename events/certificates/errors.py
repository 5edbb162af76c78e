"""Why a certificate action is refused: CertificateProblem, with a code and its message from this one table.

Some messages carry text worded elsewhere (the placeholder check, a kind's required CSV column, the upload
checks): those come with it as a value."""

from flask_babel import gettext as _

from events.core.errors import WordedServiceError

CERTIFICATE_MESSAGES = {
    "unknown_kind": lambda **_values: _("Unbekannte Art von Urkunde."),
    "placeholders": lambda problems: " ".join(problems),
    "nobody": lambda: _("Es gibt niemanden, für den eine Urkunde ausgestellt werden könnte."),
    "already_revoked": lambda: _("Diese Urkunde ist bereits widerrufen."),
    "revoked_not_correctable": lambda: _("Eine widerrufene Urkunde kann nicht berichtigt werden."),
    "name_missing": lambda: _("Bitte geben Sie den berichtigten Namen ein."),
    "registration_cancelled": lambda: _("Diese Anmeldung wurde storniert."),
    "event_not_over": lambda: _("Die Teilnahmebescheinigung gibt es, sobald die Veranstaltung vorbei ist."),
    "certificate_revoked": lambda: _(
        "Ihre Teilnahmebescheinigung wurde widerrufen. Bei Fragen wenden Sie sich bitte an das Organisationsteam."
    ),
    "no_attendance": lambda: _("Für diese Anmeldung ist keine Teilnahme (Check-in) verzeichnet."),
    "list_empty": lambda: _("Die Liste ist leer."),
    "too_many_rows": lambda count: _("Höchstens %(count)d Personen pro Liste.", count=count),
    "line_format": lambda line: _(
        "Zeile %(line)d: Ein Anführungszeichen ist nicht geschlossen oder ein Feld ist zu lang.", line=line
    ),
    "no_names": lambda: _("Die Liste enthält keine Namen."),
    "line_name_missing": lambda line: _("Zeile %(line)d: Der Name fehlt.", line=line),
    "line_name_too_long": lambda line: _("Zeile %(line)d: Der Name ist länger als 250 Zeichen.", line=line),
    "line_email_invalid": lambda line, email: _(
        "Zeile %(line)d: „%(email)s“ ist keine gültige E-Mail-Adresse.", line=line, email=email
    ),
    "line_value_missing": lambda text: text,
    "logo_refused": lambda reason: reason,
}


class CertificateProblem(WordedServiceError):
    """Something an organiser or participant can fix or must be told (codes: CERTIFICATE_MESSAGES); the message is
    shown as it is."""

    messages = CERTIFICATE_MESSAGES
