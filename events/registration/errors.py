"""Registration's refusals (RegistrationError, InvitationError) and what each code says to people; the flash
messages the pages share."""

from flask import flash
from flask_babel import gettext as _

from events.core.errors import ServiceError

ERROR_MESSAGES = {
    "not_yet": lambda: _("Die Anmeldung ist noch nicht geöffnet."),
    "closed": lambda: _("Die Anmeldung ist geschlossen."),
    "over": lambda: _("Die Veranstaltung ist vorbei."),
    "cancelled": lambda: _("Die Veranstaltung ist abgesagt."),
    "draft": lambda: _("Diese Veranstaltung ist noch nicht veröffentlicht."),
    "invitation_required": lambda: _("Die Anmeldung ist nur mit einem persönlichen Einladungslink möglich."),
    "workshop_full": lambda: _("Ein gewählter Workshop ist inzwischen ausgebucht. Bitte wählen Sie einen anderen."),
    "two_in_one_slot": lambda: _("Bitte wählen Sie höchstens einen Workshop pro Zeitfenster."),
    "unknown_workshop": lambda: _("Bitte wählen Sie einen Workshop aus der Liste."),
    "deadline_passed": lambda: _(
        "Die Frist für Stornierungen ist abgelaufen. Bitte wenden Sie sich an das Organisationsteam."
    ),
    "already_cancelled": lambda: _("Diese Anmeldung ist bereits storniert."),
    "event_cancelled": lambda: _("Die Veranstaltung ist abgesagt. Eine Stornierung ist daher nicht nötig."),
    "not_waiting": lambda: _("Diese Person steht nicht auf der Warteliste."),
    "no_free_place": lambda: _(
        "Es ist kein Platz frei. Erhöhen Sie die Zahl der Plätze, stornieren Sie zuerst, oder bestätigen Sie die "
        "Person ausdrücklich über die Kapazität hinaus."
    ),
    "unknown_event": lambda: _("Diese Veranstaltung gibt es nicht."),
    "not_restorable": lambda: _("Eine Stornierung kann nur innerhalb von 10 Minuten zurückgenommen werden."),
    "cancelled_by_organiser": lambda: _(
        "Diese Anmeldung hat das Organisationsteam storniert. Bitte wenden Sie sich an das Organisationsteam."
    ),
    "no_recipients": lambda: _("Zu dieser Auswahl gehört niemand. Die Nachricht ist nicht gesendet."),
    "already_registered": lambda: _(
        "Diese E-Mail-Adresse ist für die Veranstaltung schon angemeldet. Ändern Sie die bestehende Anmeldung."
    ),
    "email_taken": lambda: _("Unter dieser E-Mail-Adresse ist schon eine andere Person angemeldet."),
    "no_day": lambda: _("Bitte wählen Sie mindestens einen Tag."),
    "unknown_day": lambda: _("Bitte wählen Sie einen Tag aus der Liste."),
    "days_chosen": lambda: _(
        "Angemeldete haben schon einzelne Tage gewählt; die Veranstaltung bleibt daher tageweise buchbar."
    ),
    "day_capacity_below_taken": lambda: _("An einem Tag sind schon mehr Plätze vergeben, als Sie angeben."),
    "hold_lapsed": lambda: _(
        "Dieser Platz war nur bis zur Bestätigungsfrist reserviert und ist inzwischen verfallen. Bitte melden Sie "
        "sich erneut an, solange die Anmeldung offen ist."
    ),
    "anonymised": lambda: _("Die persönlichen Daten dieser Anmeldung sind gelöscht; sie kann nicht geändert werden."),
}


class RegistrationError(ServiceError):
    """Why a registration cannot be made or changed (codes: ERROR_MESSAGES)."""

    messages = ERROR_MESSAGES


# Why an event sends no invitations, or not this one again (registration.invitations).
INVITATION_MESSAGES = {
    "draft": lambda **_values: _("Einladungen können Sie verschicken, sobald die Veranstaltung veröffentlicht ist."),
    "cancelled": lambda **_values: _("Die Veranstaltung ist abgesagt. Es werden keine Einladungen mehr verschickt."),
    "registration_over": lambda **_values: _(
        "Die Anmeldung ist geschlossen; eine Einladung würde nur dorthin führen. Es werden keine Einladungen mehr "
        "verschickt."
    ),
    "registered": lambda email="", **_values: _(
        "%(email)s hat sich schon angemeldet; die Einladung wird nicht erneut verschickt.", email=email
    ),
    "sent_again": lambda email="", **_values: _(
        "Die Einladung an %(email)s ist gerade schon erneut verschickt worden.", email=email
    ),
}


class InvitationError(ServiceError):
    """Why invitations are not sent (codes: INVITATION_MESSAGES)."""

    messages = INVITATION_MESSAGES


def flash_dropped_workshops(titles: list[str]) -> None:
    """After a cancellation is taken back or a promotion: which chosen workshops filled up in the meantime."""
    if titles:
        flash(
            _("Inzwischen ausgebucht und daher nicht mehr gewählt: %(workshops)s", workshops=", ".join(titles)),
            "warning",
        )
