from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

from events.core.forms import Form
from events.core.models import Role


class RolesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteUserForm(Form):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    roles = RolesField(_l("Rollen"), choices=Role.choices())


class EditUserForm(Form):
    roles = RolesField(_l("Rollen"), choices=Role.choices())
    active = BooleanField(_l("Konto aktiv"))
