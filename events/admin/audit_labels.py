"""The audit log in words: what each action code, kind of object and actor is called in the reader's language.

The log stores stable codes ("registration.cancel"), so that filters and exports keep working when a wording
changes; the page shows these labels, and the code only on hover. A code without a label is shown as it is.
"""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "certificates.issued": _l("Urkunden ausgestellt"),
    "certificates.reissued": _l("Urkunde neu ausgestellt"),
    "certificates.revoked": _l("Urkunde widerrufen"),
    "checkin.undone": _l("Check-in zurückgenommen"),
    "device.created": _l("Scan-Gerät angelegt"),
    "device.revoked": _l("Scan-Gerät gesperrt"),
    "event.cancel": _l("Veranstaltung abgesagt"),
    "event.copy": _l("Veranstaltung kopiert"),
    "event.create": _l("Veranstaltung angelegt"),
    "event.invitation_resent": _l("Einladung erneut gesendet"),
    "event.invitations": _l("Einladungen angelegt"),
    "event.publish": _l("Veranstaltung veröffentlicht"),
    "event.unpublish": _l("Veröffentlichung zurückgenommen"),
    "event.update": _l("Veranstaltung geändert"),
    "event_staff.assigned": _l("Einlasspersonal zugeordnet"),
    "event_staff.removed": _l("Einlasspersonal entfernt"),
    "login.failed": _l("Anmeldung fehlgeschlagen"),
    "login.success": _l("Angemeldet"),
    "login.throttled": _l("Anmeldung gebremst (zu viele Versuche)"),
    "organisation.create": _l("Organisation angelegt"),
    "password.changed": _l("Passwort geändert"),
    "password.reset_requested": _l("Neues Passwort angefordert"),
    "person.create": _l("Person angelegt"),
    "privacy.delete_personal_data": _l("Personenbezogene Daten gelöscht"),
    "question.create": _l("Frage angelegt"),
    "question.delete": _l("Frage gelöscht"),
    "registration.address_confirmed": _l("Adresse bestätigt, Platz bestätigt"),
    "registration.cancel": _l("Anmeldung storniert"),
    "registration.correct": _l("Anmeldung berichtigt"),
    "registration.create": _l("Anmeldung eingegangen"),
    "registration.hold_lapsed": _l("Reservierter Platz verfallen (Adresse nicht bestätigt)"),
    "registration.message": _l("Nachricht an Angemeldete"),
    "registration.photo_consent_withdrawn": _l("Foto-Einwilligung widerrufen"),
    "registration.renew_link": _l("Persönlicher Link erneuert"),
    "registration.reorder": _l("Warteliste umsortiert"),
    "registration.restore": _l("Stornierung zurückgenommen"),
    "registration.update": _l("Anmeldung geändert"),
    "session.create": _l("Programmpunkt angelegt"),
    "session.delete": _l("Programmpunkt gelöscht"),
    "session.others_ended": _l("Andere Sitzungen beendet"),
    "ticket.reissued": _l("Ticket neu ausgestellt"),
    "user.create": _l("Benutzerkonto angelegt"),
    "user.invitation_resent": _l("Kontoeinladung erneut gesendet"),
    "user.update": _l("Benutzerkonto geändert"),
}

OBJECT_LABELS = {
    "Certificate": _l("Urkunde"),
    "CertificateBatch": _l("Urkundenstapel"),
    "CheckIn": _l("Check-in"),
    "Device": _l("Scan-Gerät"),
    "Event": _l("Veranstaltung"),
    "EventSession": _l("Programmpunkt"),
    "EventStaff": _l("Einlasspersonal"),
    "Invitation": _l("Persönliche Einladung"),
    "Organisation": _l("Organisation"),
    "Person": _l("Person"),
    "Question": _l("Frage"),
    "Registration": _l("Anmeldung"),
    "User": _l("Benutzerkonto"),
}

ACTOR_LABELS = {"participant": _l("Teilnehmende Person (persönlicher Link)"), "system": _l("System")}


def audit_labels() -> dict:
    """For the audit page's template."""
    return {"action_labels": ACTION_LABELS, "object_labels": OBJECT_LABELS, "actor_labels": ACTOR_LABELS}
