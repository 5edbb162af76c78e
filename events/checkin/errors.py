"""Why a check-in action is refused: CheckInError (and StaffError for assigning door staff), each with a code and
its message from this one table."""

from flask_babel import gettext as _

from events.core.errors import WordedServiceError

CHECKIN_MESSAGES = {
    "not_undoable": lambda: _("Dieser Scan ist kein gültiger Check-in und kann nicht rückgängig gemacht werden."),
    "undo_not_allowed": lambda: _(
        "Nur wer eingecheckt hat, kann das innerhalb von 10 Minuten rückgängig machen; danach nur das Orga-Team."
    ),
    "unknown_account": lambda: _("Dieses Benutzerkonto gibt es nicht."),
    "not_door_staff": lambda: _("Zuordnen lassen sich nur aktive Benutzerkonten mit der Rolle „Einlass“."),
    "already_assigned": lambda name: _("%(name)s ist dieser Veranstaltung schon zugeordnet.", name=name),
}


class CheckInError(WordedServiceError):
    """A check-in action that is not allowed (codes: CHECKIN_MESSAGES); the door shows the message."""

    messages = CHECKIN_MESSAGES


class StaffError(CheckInError):
    """An assignment of check-in staff that is refused; the message is shown to the organiser."""
