"""The one error type of tandem services: a code tests and views read, and its message in one table."""

from flask_babel import lazy_gettext as _l

from events.core.errors import ServiceError

MESSAGES = {
    "not_allowed": _l("Das ist in dieser Phase oder mit Ihrer Rolle nicht möglich."),
    "cross_region": _l(
        "Die beiden Organisationen liegen nicht im Regierungsbezirk der Gruppe. Nur das Organisationsteam kann "
        "das mit einer Begründung zulassen."
    ),
    "not_an_agency": _l(
        "Die erste Organisation muss eine Freiwilligenagentur, ein Freiwilligen-Zentrum oder eine KoBE sein."
    ),
    "is_an_agency": _l("Die Lotsen-Organisation darf keine Freiwilligenagentur sein."),
    "no_region": _l("Die Organisation hat keinen Landkreis im Verzeichnis; bitte dort ergänzen."),
    "pair_exists": _l("Dieses Tandem gibt es in der Gruppe schon."),
    "member_exists": _l("Die Person ist schon Mitglied der Gruppe."),
    "member_elsewhere": _l("Die Person ist schon Mitglied einer anderen Gruppe dieses Programms."),
    "no_email": _l("Die Person hat keine E-Mail-Adresse im Verzeichnis; ohne sie kann kein Link verschickt werden."),
    "stale_suggestion": _l("Der Baustein wurde inzwischen geändert; bitte prüfen Sie den Vorschlag neu."),
    "unchanged": _l("Der Text ist unverändert."),
    "frozen": _l("Der Leitfaden ist freigegeben und kann nicht mehr geändert werden."),
    "unknown_version": _l("Diese Fassung gibt es nicht."),
    "phase_order": _l("Die Freigabe ist nur in der Freigabephase möglich."),
}


class TandemError(ServiceError):
    """A tandem action refused, with a code from MESSAGES."""

    messages = MESSAGES
