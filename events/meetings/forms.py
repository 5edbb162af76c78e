from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, Length, NumberRange, Optional, ValidationError

from events.core.forms import BerlinDateTimeField, Form, optional_text, stripped, text_or_empty, web_address
from events.meetings.models import EventAccess, EventKind, QuestionKind, SessionKind


def english_title():
    """The optional English title of an event or programme item, shown to English readers instead."""
    return StringField(
        _l("Titel auf Englisch"),
        filters=[optional_text],
        validators=[Optional(), Length(max=200)],
        description=_l("Optional: englischsprachige Leserinnen und Leser sehen ihn statt des deutschen Titels"),
    )


def english_description():
    """The optional English description; empty: English readers read the German one."""
    return TextAreaField(
        _l("Beschreibung auf Englisch"),
        filters=[optional_text],
        validators=[Optional(), Length(max=20000)],
        description=_l("Optional; leer: Englischsprachige lesen die deutsche Beschreibung"),
    )


class EventForm(Form):
    kind = SelectField(_l("Art"), choices=EventKind.choices())
    series_name = StringField(
        _l("Reihe"),
        filters=[optional_text],
        validators=[Optional(), Length(max=200)],
        description=_l("z. B. „Vernetzungstreffen“; leer lassen für eine einzelne Veranstaltung"),
    )
    edition = StringField(
        _l("Ausgabe"), filters=[optional_text], validators=[Optional(), Length(max=40)], description=_l("z. B. 2026")
    )
    title = StringField(_l("Titel"), filters=[stripped], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Beschreibung"),
        filters=[text_or_empty],
        validators=[Optional(), Length(max=20000)],
        description=_l("Formatierung mit Markdown: **fett**, *kursiv*, Listen mit „- “, Links als [Text](https://…)"),
    )
    title_en = english_title()
    description_en = english_description()
    starts_at = BerlinDateTimeField(_l("Beginn"), validators=[DataRequired()])
    ends_at = BerlinDateTimeField(_l("Ende"), validators=[DataRequired()])
    venue_name = StringField(_l("Veranstaltungsort"), filters=[optional_text], validators=[Optional(), Length(max=200)])
    address = StringField(_l("Adresse"), filters=[optional_text], validators=[Optional(), Length(max=300)])
    online_url = URLField(
        _l("Online-Link"),
        filters=[web_address, optional_text],
        # no Optional(): it would end the validation of an empty field before validate_online_url runs
        validators=[Length(max=500)],
        description=_l("Für Online- und Hybridveranstaltungen"),
    )
    capacity = IntegerField(
        _l("Plätze"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
        description=_l("Leer lassen für unbegrenzt"),
    )
    registration_opens_at = BerlinDateTimeField(
        _l("Anmeldung ab"), validators=[Optional()], description=_l("Leer: sofort")
    )
    registration_closes_at = BerlinDateTimeField(
        _l("Anmeldeschluss"), validators=[Optional()], description=_l("Leer: bis zum Beginn")
    )
    cancellation_deadline = BerlinDateTimeField(
        _l("Stornieren möglich bis"),
        validators=[Optional()],
        description=_l("Leer: bis zum Beginn"),
    )
    access = SelectField(_l("Wer darf sich anmelden?"), choices=EventAccess.choices())
    confirm_address_first = BooleanField(
        _l("Adresse zuerst bestätigen lassen"),
        default=True,
        description=_l(
            "Wer sich über das offene Formular anmeldet, bekommt den Platz zunächst nur reserviert und muss ihn "
            "über den Link in der E-Mail bestätigen. Unbestätigte Plätze verfallen nach der Haltefrist und gehen "
            "an die Warteliste. Anmeldungen mit Einladungslink gelten sofort."
        ),
    )
    listed_publicly = BooleanField(
        _l("In der öffentlichen Übersicht zeigen"),
        description=_l(
            "Nur für Veranstaltungen mit Einladung: sie erscheinen sonst weder in der Übersicht noch im Kalender-Abo. "
            "Freie Plätze werden bei ihnen nie gezeigt."
        ),
    )
    contact_email = EmailField(
        _l("Kontakt-E-Mail"),
        filters=[optional_text],
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
    kind = SelectField(_l("Art"), choices=SessionKind.choices())
    title = StringField(_l("Titel"), filters=[stripped], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Beschreibung"), filters=[text_or_empty], validators=[Optional(), Length(max=5000)])
    title_en = english_title()
    description_en = english_description()
    starts_at = BerlinDateTimeField(_l("Beginn"), validators=[DataRequired()])
    ends_at = BerlinDateTimeField(_l("Ende"), validators=[DataRequired()])
    room = StringField(_l("Raum"), filters=[optional_text], validators=[Optional(), Length(max=120)])
    speakers = StringField(_l("Mitwirkende"), filters=[optional_text], validators=[Optional(), Length(max=300)])
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
    kind = SelectField(_l("Antwortart"), choices=QuestionKind.choices())
    options = TextAreaField(
        _l("Auswahlmöglichkeiten"),
        validators=[Length(max=3000)],  # no Optional(): validate_options must also see an empty field
        description=_l("Eine pro Zeile; nur bei Einfach- und Mehrfachauswahl"),
    )
    required = BooleanField(_l("Pflichtfrage"))

    def validate_options(self, field):
        lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if self.kind.data in QuestionKind.WITH_OPTIONS and len(lines) < 2:
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
