from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, URLField
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from events.core.districts import DistrictField
from events.core.forms import Form, optional_int, web_address
from events.core.models import OrganisationKind


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Art"), choices=OrganisationKind.choices())
    district_id = DistrictField(_l("Landkreis / kreisfreie Stadt"), coerce=optional_int, validators=[Optional()])
    email = EmailField(_l("E-Mail-Adresse"), validators=[Optional(), Email(), Length(max=254)])
    website = URLField(_l("Website"), filters=[web_address], validators=[Optional(), URL(), Length(max=300)])


class PersonForm(Form):
    first_name = StringField(_l("Vorname"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Nachname"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("E-Mail-Adresse"), validators=[Optional(), Email(), Length(max=254)])
    function = StringField(
        _l("Funktion"), validators=[Optional(), Length(max=120)], description=_l("z. B. Integrationslotsin")
    )
    organisation_id = SelectField(_l("Organisation"), coerce=optional_int, validators=[Optional()])
