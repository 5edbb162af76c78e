"""The navigation each role sees."""

from flask_babel import lazy_gettext as _l

from events.core.rules import effective_roles

# (endpoint, label, roles that see it); "admin" sees what organisers see.
NAVIGATION = [
    ("pages.start", _l("Start"), None),
    ("meetings.index", _l("Veranstaltungen"), None),
    ("awards.calls", _l("Ausschreibungen"), None),
    ("meetings.manage", _l("Veranstaltungen verwalten"), {"organiser"}),
    ("directory.organisations", _l("Organisationen"), {"organiser"}),
    ("directory.people", _l("Personen"), {"organiser"}),
    ("mail.sent", _l("Versandte E-Mails"), {"organiser"}),
    ("checkin.index", _l("Einlass"), {"checkin", "organiser"}),
    ("certificates.index", _l("Urkunden"), {"organiser"}),
    ("awards.programmes", _l("Preise"), {"organiser"}),
    ("ceremonies.index", _l("Feiern"), {"organiser"}),
    ("awards.jury_start", _l("Jury"), {"jury"}),
    ("tandems.index", _l("Tandems"), {"organiser"}),
    ("admin.users", _l("Benutzer"), {"admin"}),
    ("admin.audit_log", _l("Protokoll"), {"admin"}),
    ("calendar.subscribe", _l("Kalender"), None),
]


def navigation_for(user) -> list[tuple[str, str]]:
    roles = effective_roles(user)
    return [(endpoint, label) for endpoint, label, allowed in NAVIGATION if allowed is None or roles & allowed]
