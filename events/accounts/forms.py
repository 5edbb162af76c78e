from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from events.accounts.passwords import MIN_LENGTH, is_easy_to_guess
from events.core.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(), Length(max=200)])


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(Form):
    password = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)],
        description=_l("Mindestens 12 Zeichen, kein häufiges oder leicht zu erratendes Passwort."),
    )
    confirm = PasswordField(
        _l("Passwort wiederholen"),
        validators=[
            DataRequired(),
            Length(max=200),  # as the first field: a browser cuts both alike, so a long pasted password still matches
            EqualTo("password", message=_l("Die Passwörter stimmen nicht überein.")),
        ],
    )

    def __init__(self, *args, own_inputs: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.own_inputs = own_inputs  # the account's address and name: a password made of them is refused

    def validate_password(self, field) -> None:
        if is_easy_to_guess(field.data or "", self.own_inputs):
            raise ValidationError(
                _l(
                    "Dieses Passwort ist zu leicht zu erraten: es ist verbreitet, steht in Listen gestohlener "
                    "Passwörter oder ähnelt Ihrem Namen oder Ihrer Adresse. Bitte wählen Sie ein anderes, "
                    "zum Beispiel mehrere ungewöhnliche Wörter."
                )
            )


class EndOtherSessionsForm(Form):
    """Only the CSRF token: the button that signs out the user's other sessions."""


class ProfileForm(Form):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
