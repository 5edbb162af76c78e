"""Forms of the ceremony pages. Field names are the model's columns, so a form fills from its row (`obj=`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from events.ceremonies.models import GuestKind, ItemKind, SectionKind
from events.core.forms import Form, optional_int


class CeremonyForm(Form):
    guest_allowance = IntegerField(
        _l("Gäste je Preisträgerin oder Preisträger"), default=2, validators=[InputRequired(), NumberRange(0, 20)]
    )
    requires_date_of_birth = BooleanField(
        _l("Der Veranstaltungsort verlangt das Geburtsdatum (Sicherheitsliste)"),
        description=_l("Nur dann wird es erfragt; es wird nach der Feier gelöscht."),
    )
    programme_id = SelectField(_l("Preis"), coerce=optional_int, validators=[Optional()])


class HonouredGuestForm(Form):
    kind = SelectField(
        _l("Art"),
        choices=[(kind.value, kind.label) for kind in (GuestKind.HONOURED, GuestKind.JURY)],
        default=GuestKind.HONOURED,
    )
    first_name = StringField(_l("Vorname"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Nachname"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])
    office = StringField(
        _l("Amt oder Titel"),
        validators=[Optional(), Length(max=200)],
        description=_l("z. B. „Staatsministerin des Innern“ oder „Mitglied des Landtags“"),
    )
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    protocol_rank = IntegerField(
        _l("Protokollarischer Rang"),
        validators=[InputRequired(), NumberRange(1, 999)],
        description=_l("1 wird zuerst begrüßt und sitzt vorn."),
    )
    language = SelectField(_l("Sprache der Einladung"), choices=[("de", "Deutsch"), ("en", "English")], default="de")

    def values(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "kind",
                "first_name",
                "last_name",
                "email",
                "office",
                "organisation",
                "protocol_rank",
                "language",
            )
        }


class CompanionForm(Form):
    first_name = StringField(_l("Vorname"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Nachname"), validators=[DataRequired(), Length(max=100)])
    date_of_birth = DateField(_l("Geburtsdatum"), validators=[Optional()])


class DateOfBirthForm(Form):
    date_of_birth = DateField(_l("Ihr Geburtsdatum"), validators=[DataRequired()])


class SectionForm(Form):
    kind = SelectField(_l("Art"), choices=SectionKind.choices(), default=SectionKind.TABLE)
    label = StringField(
        _l("Bezeichnung"), validators=[DataRequired(), Length(max=60)], description=_l("z. B. „Tisch 1“ oder „Reihe A“")
    )
    seat_count = IntegerField(_l("Plätze"), default=8, validators=[InputRequired(), NumberRange(1, 60)])


class PlaceForm(Form):
    guest_id = SelectField(_l("Gast"), coerce=int, validate_choice=False)
    seat_id = SelectField(_l("Platz"), coerce=int, validate_choice=False)


class ItemTextForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=300)])
    text = TextAreaField(_l("Text"), validators=[Optional(), Length(max=5000)])


class ItemForm(ItemTextForm):
    kind = SelectField(_l("Art"), choices=ItemKind.choices(), default=ItemKind.SPEECH)
