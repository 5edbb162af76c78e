from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, Length, NumberRange, Optional, ValidationError

from events.core.forms import Form, web_address
from events.meetings.models import EventAccess, EventKind, EventStatus, QuestionKind, SessionKind

EVENT_KIND_LABELS = {
    EventKind.NETWORKING: _l("Vernetzungstreffen"),
    EventKind.TANDEM_MEETING: _l("Tandem-Treffen"),
    EventKind.CEREMONY: _l("Preisverleihung / Festakt"),
    EventKind.ONLINE_DIALOG: _l("Dialog digital (online)"),
}
EVENT_STATUS_LABELS = {
    EventStatus.DRAFT: _l("Entwurf"),
    EventStatus.PUBLISHED: _l("Veröffentlicht"),
    EventStatus.CANCELLED: _l("Abgesagt"),
}
ACCESS_LABELS = {
    EventAccess.OPEN: _l("Alle mit dem Link"),
    EventAccess.INVITED: _l("Nur eingeladene Personen (persönlicher Einladungslink)"),
}
SESSION_KIND_LABELS = {
    SessionKind.TALK: _l("Vortrag"),
    SessionKind.PANEL: _l("Podium"),
    SessionKind.WORKSHOP: _l("Workshop"),
    SessionKind.BREAK: _l("Pause"),
}
QUESTION_KIND_LABELS = {
    QuestionKind.TEXT: _l("Freitext"),
    QuestionKind.SINGLE: _l("Einfachauswahl"),
    QuestionKind.MULTIPLE: _l("Mehrfachauswahl"),
    QuestionKind.YESNO: _l("Ja/Nein"),
}

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class EventForm(Form):
    kind = SelectField(_l("Art"), choices=[(k.value, v) for k, v in EVENT_KIND_LABELS.items()])
    series_name = StringField(
        _l("Reihe"),
        validators=[Optional(), Length(max=200)],
        description=_l("z. B. „Vernetzungstreffen“; leer lassen für eine einzelne Veranstaltung"),
    )
    edition = StringField(_l("Ausgabe"), validators=[Optional(), Length(max=40)], description=_l("z. B. 2026"))
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Beschreibung"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Formatierung mit Markdown: **fett**, *kursiv*, Listen mit „- “, Links als [Text](https://…)"),
    )
    starts_at = DateTimeLocalField(_l("Beginn"), format=DATETIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ende"), format=DATETIME_FORMAT, validators=[DataRequired()])
    venue_name = StringField(_l("Veranstaltungsort"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])
    online_url = URLField(
        _l("Online-Link"),
        filters=[web_address],
        # no Optional(): it would end the validation of an empty field before validate_online_url runs
        validators=[Length(max=500)],
        description=_l("Für Online- und Hybridveranstaltungen"),
    )
    capacity = IntegerField(
        _l("Plätze"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
        description=_l("Leer lassen für unbegrenzt"),
    )
    registration_opens_at = DateTimeLocalField(
        _l("Anmeldung ab"), format=DATETIME_FORMAT, validators=[Optional()], description=_l("Leer: sofort")
    )
    registration_closes_at = DateTimeLocalField(
        _l("Anmeldeschluss"), format=DATETIME_FORMAT, validators=[Optional()], description=_l("Leer: bis zum Beginn")
    )
    cancellation_deadline = DateTimeLocalField(
        _l("Stornieren möglich bis"),
        format=DATETIME_FORMAT,
        validators=[Optional()],
        description=_l("Leer: bis zum Beginn"),
    )
    access = SelectField(_l("Wer darf sich anmelden?"), choices=[(k.value, v) for k, v in ACCESS_LABELS.items()])
    contact_email = EmailField(
        _l("Kontakt-E-Mail"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Antworten auf alle E-Mails zu dieser Veranstaltung gehen an diese Adresse."),
    )

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Das Ende muss nach dem Beginn liegen."))

    def validate_registration_opens_at(self, field):
        if field.data and self.ends_at.data and field.data >= self.ends_at.data:
            raise ValidationError(_l("Die Anmeldung muss vor dem Ende der Veranstaltung beginnen."))

    def validate_registration_closes_at(self, field):
        if field.data and self.registration_opens_at.data and field.data <= self.registration_opens_at.data:
            raise ValidationError(_l("Der Anmeldeschluss muss nach dem Anmeldebeginn liegen."))
        if field.data and self.ends_at.data and field.data > self.ends_at.data:
            raise ValidationError(_l("Der Anmeldeschluss darf nicht nach dem Ende der Veranstaltung liegen."))

    def validate_cancellation_deadline(self, field):
        if field.data and self.ends_at.data and field.data > self.ends_at.data:
            raise ValidationError(_l("Die Stornierungsfrist darf nicht nach dem Ende der Veranstaltung liegen."))

    def validate_online_url(self, field):
        if not field.data:
            if self.kind.data == EventKind.ONLINE_DIALOG:
                raise ValidationError(_l("Eine Online-Veranstaltung braucht einen Online-Link."))
            return
        URL()(self, field)


class SessionForm(Form):
    kind = SelectField(_l("Art"), choices=[(k.value, v) for k, v in SESSION_KIND_LABELS.items()])
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=5000)])
    starts_at = DateTimeLocalField(_l("Beginn"), format=DATETIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ende"), format=DATETIME_FORMAT, validators=[DataRequired()])
    room = StringField(_l("Raum"), validators=[Optional(), Length(max=120)])
    speakers = StringField(_l("Mitwirkende"), validators=[Optional(), Length(max=300)])
    capacity = IntegerField(
        _l("Plätze (nur Workshops)"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
        description=_l("Leer lassen für unbegrenzt"),
    )

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Das Ende muss nach dem Beginn liegen."))


class QuestionForm(Form):
    label = StringField(_l("Frage"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Antwortart"), choices=[(k.value, v) for k, v in QUESTION_KIND_LABELS.items()])
    options = TextAreaField(
        _l("Auswahlmöglichkeiten"),
        validators=[Length(max=3000)],  # no Optional(): validate_options must also see an empty field
        description=_l("Eine pro Zeile; nur bei Einfach- und Mehrfachauswahl"),
    )
    required = BooleanField(_l("Pflichtfrage"))

    def validate_options(self, field):
        lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if self.kind.data in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(lines) < 2:
            raise ValidationError(_l("Bitte geben Sie mindestens zwei Auswahlmöglichkeiten an."))
        if any(len(line) > 200 for line in lines):
            raise ValidationError(_l("Eine Auswahlmöglichkeit darf höchstens 200 Zeichen lang sein."))


class CancelEventForm(Form):
    reason = TextAreaField(
        _l("Nachricht an alle Angemeldeten"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Wird in die Absage-E-Mail übernommen."),
    )
    confirm = BooleanField(
        _l("Ja, die Veranstaltung absagen und alle Angemeldeten benachrichtigen"),
        validators=[DataRequired(message=_l("Bitte bestätigen Sie die Absage mit dem Häkchen."))],
    )
