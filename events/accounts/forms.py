from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from events.core.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(), Length(max=200)])


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(Form):
    password = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(), Length(min=12, max=200)],
        description=_l("Mindestens 12 Zeichen."),
    )
    confirm = PasswordField(
        _l("Passwort wiederholen"),
        validators=[
            DataRequired(),
            Length(max=200),  # as the first field: a browser cuts both alike, so a long pasted password still matches
            EqualTo("password", message=_l("Die Passwörter stimmen nicht überein.")),
        ],
    )


class ProfileForm(Form):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
