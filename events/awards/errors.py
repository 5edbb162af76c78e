"""Why an award action is refused: one error type with a code, and one table of messages."""

from flask_babel import lazy_gettext as _l

from events.core.errors import ServiceError

MESSAGES = {
    "upload_refused": lambda reason: reason,  # worded by the shared upload checks
    "call_closed": _l("Die Einreichungsfrist ist abgelaufen oder die Ausschreibung ist geschlossen."),
    "not_editable": _l("Dieser Vorschlag kann nicht mehr geändert werden."),
    "already_scored": _l(
        "Die Jury hat diesen Vorschlag bereits bewertet. Damit die Bewertungen zu den Angaben passen, auf die sie"
        " sich beziehen, lassen sie sich nicht mehr berichtigen."
    ),
    "incomplete": _l("Der Vorschlag ist noch nicht vollständig."),
    "not_eligible": _l("Der Vorschlag erfüllt eine Teilnahmebedingung nicht."),
    "consent_missing": _l(
        "Ohne die Einwilligung der vorgeschlagenen Person kann der Vorschlag nicht eingereicht werden."
    ),
    "not_withdrawable": _l("Dieser Vorschlag kann nicht mehr zurückgezogen werden."),
    "not_screenable": _l("Dieser Vorschlag wartet nicht auf die Vorprüfung."),
    "reason_missing": _l("Bitte nennen Sie den Grund, der der Bewerberin oder dem Bewerber mitgeteilt wird."),
    "file_type": _l("Erlaubt sind PDF-Dateien sowie Bilder im Format JPEG oder PNG."),
    "file_size": _l("Die Datei ist größer als %(megabytes)d MB."),
    "file_empty": _l("Die Datei ist leer."),
    "too_many_files": _l("Es sind höchstens %(count)d Dateien je Vorschlag möglich."),
    "request_answered": _l("Diese Nachforderung ist bereits beantwortet."),
    "not_published": _l("Nur veröffentlichte Ausschreibungen können geschlossen werden."),
    "already_published": _l("Die Ausschreibung ist bereits veröffentlicht."),
    "no_criteria": _l("Vor dem Veröffentlichen braucht die Ausschreibung mindestens ein Kriterium, das zählt."),
    "unknown_user": _l("Es gibt kein Jury-Konto mit dieser E-Mail-Adresse."),
    "already_member": _l("Dieses Konto gehört bereits zur Jury."),
    "round_order": _l("Es kann immer nur eine Runde offen sein; schließen Sie zuerst die offene."),
    "round_not_planned": _l("Diese Runde wurde bereits geöffnet."),
    "round_not_open": _l("Diese Runde ist nicht offen."),
    "round_closed": _l("Die Bewertungsrunde ist nicht offen; Bewertungen können nicht mehr geändert werden."),
    "conflicted": _l("Wegen eines Interessenkonflikts ist diese Nominierung für Sie gesperrt."),
    "scores_missing": _l("Bitte bewerten Sie jedes Kriterium oder enthalten Sie sich mit Begründung."),
    "abstain_reason": _l("Bitte begründen Sie Ihre Enthaltung."),
    "value_out_of_scale": _l("Ein Wert liegt außerhalb der Skala."),
    "not_suggested": _l("Über diesen Konflikt ist bereits entschieden."),
    "chair_decides": _l("Über diesen möglichen Konflikt entscheidet der Vorsitz der Jury."),
    "same_nomination": _l("Ein Vorschlag kann nicht mit sich selbst zusammengeführt werden."),
    "not_shortlisted": _l("Nur Nominierungen der Auswahlliste können gereiht werden."),
    "rank_range": _l("Die Plätze reichen von 1 bis zur Zahl der Nominierungen auf der Auswahlliste."),
    "shortlist_fixed": _l("Die Auswahlliste steht fest, seit die Runde der Rangfolge geöffnet wurde."),
    # decisions, prize money, the announcement, certificates
    "place_missing": _l("Für einen Platz fehlt die Platznummer (ab 1)."),
    "laudation_missing": _l("Bitte geben Sie für jede ausgezeichnete Nominierung eine kurze Begründung an."),
    "amount_negative": _l("Ein Betrag kann nicht negativ sein."),
    "not_awarded_shared": _l("Der %(place)d. Platz ist als „nicht vergeben“ eingetragen und zugleich vergeben."),
    "place_order": _l(
        "Die Plätze passen nicht zusammen: Platz %(place)d folgt, erwartet wird Platz %(expected)d "
        "(geteilte Plätze belegen die folgenden mit)."
    ),
    "budget_missing": _l("Für die Aufteilung eines Budgets braucht die Ausschreibung ein Budget."),
    "place_without_money": _l(
        "Für den %(place)d. Platz bleibt aus dem Budget kein Preisgeld (es ist ausgeschöpft, auch durch die "
        "Entscheidungen anderer Kategorien, oder der Platz hat keinen Anteil). Vergeben Sie eine Anerkennung, oder "
        "lassen Sie vom Organisationsteam die Anteile ändern oder feste Beträge je Platz einstellen."
    ),
    "budget_exceeded": _l("Die Preisgelder (%(total)s) übersteigen das Budget der Ausschreibung (%(budget)s)."),
    "no_winner": _l("Bitte wählen Sie mindestens eine Auszeichnung oder tragen Sie ein, was nicht vergeben wird."),
    "not_candidate": _l("Diese Nominierung steht in dieser Kategorie nicht zur Entscheidung."),
    "decision_released": _l("Die Entscheidung ist bereits bekanntgegeben und kann nicht mehr geändert werden."),
    "no_decision": _l("Es gibt noch keine Entscheidung, die bekanntgegeben werden könnte."),
    "decision_missing": _l(
        "In %(categories)s fehlt noch die Entscheidung der Jury; erst danach kann alles bekanntgegeben werden."
    ),
    "already_released": _l("Die Entscheidung ist bereits bekanntgegeben."),
    "public_time_missing": _l("Bitte geben Sie an, ab wann die Seite der Preisträger öffentlich ist."),
    "not_released": _l("Urkunden gibt es erst, wenn die Entscheidung bekanntgegeben ist."),
    "nothing_to_issue": _l("Alle Preisträger und Jury-Mitglieder haben ihre Urkunde bereits."),
    "amount_too_high": _l("Ein Betrag oder Anteil je Platz kann höchstens %(limit)s sein."),
    "amounts_invalid": _l(
        "Bitte geben Sie die Beträge oder Anteile als ganze Zahlen, durch Schrägstriche getrennt, an."
    ),
}


class AwardError(ServiceError):
    """A user-facing reason why an award action cannot be done; str() is the code, `message` its wording."""

    messages = MESSAGES
