import base64
import binascii

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from events.certificates.errors import CertificateProblem
from events.certificates.kinds import ATTENDANCE, KIND_LABELS, kind_of
from events.certificates.logos import check_logo
from events.certificates.recipients import parse_recipient_csv
from events.certificates.wording import (
    DEFAULT_ISSUER,
    DESIGN_LABELS,
    placeholder_problems,
)
from events.core.forms import Form, optional_int

MAX_CSV_UPLOAD = 1024 * 1024


SOURCE_LABELS = {
    "event": _l("Alle eingecheckten Teilnehmenden einer Veranstaltung"),
    "people": _l("Ausgewählte Personen aus dem Adressbuch"),
    "csv": _l("Liste von Namen (CSV)"),
}


class BatchForm(Form):
    """Settings and recipients of a batch of certificates; the same form serves preview and issue."""

    kind = RadioField(
        _l("Art"),
        choices=list(KIND_LABELS.items()),
        default=ATTENDANCE.key,
    )
    source = RadioField(_l("Empfängerinnen und Empfänger"), choices=list(SOURCE_LABELS.items()), default="event")
    # no Optional() on event_id and csv_text: it would end the validation of an empty field before the
    # validate_* methods below, which decide by the chosen source whether the field is needed
    event_id = SelectField(_l("Veranstaltung"), coerce=optional_int)
    person_ids = SelectMultipleField(
        _l("Personen"),
        coerce=int,
        validate_choice=True,
        description=_l("Mehrfachauswahl mit Strg- bzw. Umschalttaste."),
    )
    csv_text = TextAreaField(
        _l("Namensliste"),
        validators=[Length(max=500_000)],
        description=_l(
            "Eine Person pro Zeile: Name; E-Mail; Organisation – für Urkunden zusätzlich Platzierung; Kategorie; Preis."
        ),
    )
    csv_file = FileField(_l("… oder CSV-Datei hochladen"))
    design = RadioField(_l("Gestaltung"), choices=list(DESIGN_LABELS.items()), default="classic")
    title = StringField(_l("Überschrift"), validators=[DataRequired(), Length(max=200)])
    body_template = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=3000)],
        description=_l(
            "Platzhalter in geschweiften Klammern, z. B. {name}, {event}, {date}. Leerzeile = neuer Absatz."
        ),
    )
    signatory_1_name = StringField(_l("1. Unterschrift: Name"), validators=[Optional(), Length(max=120)])
    signatory_1_office = StringField(_l("1. Unterschrift: Amt"), validators=[Optional(), Length(max=160)])
    signatory_2_name = StringField(_l("2. Unterschrift: Name"), validators=[Optional(), Length(max=120)])
    signatory_2_office = StringField(_l("2. Unterschrift: Amt"), validators=[Optional(), Length(max=160)])
    signatory_3_name = StringField(_l("3. Unterschrift: Name"), validators=[Optional(), Length(max=120)])
    signatory_3_office = StringField(_l("3. Unterschrift: Amt"), validators=[Optional(), Length(max=160)])
    place = StringField(_l("Ort"), validators=[Optional(), Length(max=100)], description=_l("z. B. München"))
    issue_date = DateField(_l("Datum"), validators=[Optional()], description=_l("Leer lassen für heute."))
    issuer = StringField(
        _l("Ausstellende Stelle"),
        validators=[DataRequired(), Length(max=200)],
        default=DEFAULT_ISSUER,
        description=_l("Erscheint auf der Prüfseite und im Siegel, wenn kein Logo hochgeladen ist."),
    )
    logo = FileField(_l("Logo oder Siegel"), description=_l("PNG oder SVG, höchstens 512 KB."))
    logo_data = HiddenField()  # a logo uploaded earlier in this form, kept across previews (base64)
    remove_logo = BooleanField(_l("Logo entfernen"))
    list_workshops = BooleanField(
        _l("Workshops und Stunden aufführen"),
        description=_l(
            "Nur Teilnahmebescheinigung: nennt die besuchten Workshops und den Umfang der Teilnahme in Stunden "
            "(aus Check-ins, Anmeldung und Programm)."
        ),
    )
    send_mail = BooleanField(_l("Jeder Person ihre Urkunde per E-Mail schicken (soweit eine Adresse bekannt ist)"))

    # filled in by validate(): the checked logo and the parsed list
    logo_bytes: bytes | None = None
    logo_type: str | None = None
    csv_recipients: list | None = None

    def signatories(self) -> list[dict]:
        rows = []
        for n in (1, 2, 3):
            name = (self[f"signatory_{n}_name"].data or "").strip()
            if name:
                rows.append({"name": name, "office": (self[f"signatory_{n}_office"].data or "").strip()})
        return rows

    def validate_kind(self, field):
        kind = kind_of(field.data)
        if kind is not None and kind.event_only and self.source.data != "event":
            raise ValidationError(_l("Teilnahmebescheinigungen gibt es nur für die Teilnehmenden einer Veranstaltung."))

    def validate_event_id(self, field):
        if self.source.data == "event" and not field.data:
            raise ValidationError(_l("Bitte wählen Sie eine Veranstaltung."))

    def validate_person_ids(self, field):
        if self.source.data == "people" and not field.data:
            raise ValidationError(_l("Bitte wählen Sie mindestens eine Person."))

    def validate_csv_text(self, field):
        if self.source.data != "csv":
            return
        text = field.data or ""
        upload = self.csv_file.data
        if upload and getattr(upload, "filename", ""):
            data = upload.read(MAX_CSV_UPLOAD + 1)
            if len(data) > MAX_CSV_UPLOAD:
                raise ValidationError(_l("Die CSV-Datei ist zu groß (höchstens 1 MB)."))
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
            field.data = text  # shown in the text area, so the list survives a preview
        try:
            self.csv_recipients = parse_recipient_csv(text, self.kind.data)
        except CertificateProblem as problem:
            raise ValidationError(str(problem)) from None

    def validate_title(self, field):
        problems = placeholder_problems(field.data, self.kind.data)
        if problems:
            raise ValidationError(" ".join(problems))

    def validate_body_template(self, field):
        problems = placeholder_problems(field.data, self.kind.data)
        if problems:
            raise ValidationError(" ".join(problems))

    def validate_logo(self, field):
        upload = field.data
        if self.remove_logo.data:
            self.logo_data.data = ""
            return
        if upload and getattr(upload, "filename", ""):
            data = upload.read(1024 * 1024 + 1)
        elif self.logo_data.data:
            try:
                data = base64.b64decode(self.logo_data.data, validate=True)
            except (binascii.Error, ValueError):
                self.logo_data.data = ""
                raise ValidationError(
                    _l("Das Logo konnte nicht gelesen werden. Bitte laden Sie es erneut hoch.")
                ) from None
        else:
            return
        try:
            self.logo_bytes, self.logo_type = check_logo(data)
        except CertificateProblem as problem:
            self.logo_data.data = ""
            raise ValidationError(str(problem)) from None
        self.logo_data.data = base64.b64encode(self.logo_bytes).decode()


class RevokeForm(Form):
    reason = StringField(_l("Grund des Widerrufs"), validators=[DataRequired(), Length(max=300)])


class CorrectNameForm(Form):
    name = StringField(
        _l("Berichtigter Name"),
        validators=[DataRequired(), Length(max=250)],
        description=_l("Die Urkunde wird mit neuer Nummer neu ausgestellt; die alte wird widerrufen."),
    )
