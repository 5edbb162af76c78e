"""What a RegistrationError says to the person who caused it, by its code, in the reader's language."""

from flask_babel import gettext as _

from events.registration.service import RegistrationError

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
    "day_full": lambda: _("Ein gewählter Tag ist inzwischen ausgebucht. Bitte wählen Sie einen anderen."),
    "days_chosen": lambda: _(
        "Angemeldete haben schon einzelne Tage gewählt; die Veranstaltung bleibt daher tageweise buchbar."
    ),
    "day_capacity_below_taken": lambda: _("An einem Tag sind schon mehr Plätze vergeben, als Sie angeben."),
    "anonymised": lambda: _("Die persönlichen Daten dieser Anmeldung sind gelöscht; sie kann nicht geändert werden."),
}


def error_message(error: RegistrationError) -> str:
    return ERROR_MESSAGES.get(str(error), lambda: _("Das ist leider nicht möglich."))()
