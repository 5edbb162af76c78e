"""Why a ceremony action is refused: one error type with a code, and one table of messages."""

from flask_babel import gettext as _

from events.core.errors import ServiceError


class CeremonyError(ServiceError):
    messages = {
        "not_a_ceremony": lambda **_v: _(
            "Nur eine Veranstaltung der Art „Preisverleihung / Festakt“ kann eine Feier sein."
        ),
        "already_a_ceremony": lambda **_v: _("Für diese Veranstaltung ist die Feier bereits angelegt."),
        "allowance_used": lambda allowance, **_v: _(
            "Sie haben bereits %(allowance)d Gäste angemeldet; mehr sind nicht möglich.", allowance=allowance
        ),
        "event_full": lambda **_v: _("Die Veranstaltung ist voll; es kann kein weiterer Gast angemeldet werden."),
        "not_registered": lambda **_v: _(
            "Gäste können erst angemeldet werden, wenn Ihre eigene Anmeldung bestätigt ist."
        ),
        "date_of_birth": lambda **_v: _("Bitte geben Sie das Geburtsdatum an; der Veranstaltungsort verlangt es."),
        "event_over": lambda **_v: _("Die Feier ist vorbei; die Gästeliste kann nicht mehr geändert werden."),
        "seat_taken": lambda **_v: _(
            "Dieser Platz ist inzwischen vergeben. Bitte laden Sie den Sitzplan neu und wählen Sie einen anderen."
        ),
        "seat_blocked": lambda **_v: _("Dieser Platz ist gesperrt und kann nicht vergeben werden."),
        "seat_unknown": lambda **_v: _("Diesen Platz gibt es in dieser Feier nicht."),
        "guest_unknown": lambda **_v: _("Diesen Gast gibt es in dieser Feier nicht."),
        "seat_occupied": lambda **_v: _("Ein vergebener Platz kann nicht gesperrt werden; geben Sie ihn zuerst frei."),
        "item_unknown": lambda **_v: _("Diesen Programmpunkt gibt es in dieser Feier nicht."),
        "invitation": lambda reason, **_v: reason,
        "guest_list_changed": lambda **_v: _(
            "Die Gästeliste wurde gerade an anderer Stelle geändert. Bitte laden Sie die Seite neu und versuchen Sie "
            "es noch einmal."
        ),
        "not_released": lambda **_v: _(
            "Es gibt noch keine freigegebene Entscheidung, deren Preisträger eingeladen werden könnten."
        ),
    }
