"""Why an event cannot be changed as asked: EventError and what each of its codes says to the organiser."""

from flask_babel import gettext as _

from events.core.errors import ServiceError

EVENT_MESSAGES = {
    "cancelled": lambda: _("Eine abgesagte Veranstaltung kann nicht mehr geändert werden."),
    "cancelled_not_published": lambda: _("Eine abgesagte Veranstaltung kann nicht veröffentlicht werden."),
    "has_registrations": lambda: _(
        "Es gibt schon Anmeldungen. Sagen Sie die Veranstaltung ab, statt sie zurückzuziehen."
    ),
    "already_cancelled": lambda: _("Die Veranstaltung ist bereits abgesagt."),
}


class EventError(ServiceError):
    """A user-facing reason why an event action cannot be done (codes: EVENT_MESSAGES)."""

    messages = EVENT_MESSAGES
