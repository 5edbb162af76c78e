from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from events.core.forms import Form


class ScanForm(Form):
    """A scanned or typed ticket code (a hardware scanner types it into the field and presses Enter)."""

    code = StringField(
        _l("Ticket-Code"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Kamera, Hand-Scanner oder Eingabe; mit der Eingabetaste bestätigen."),
    )
    device_name = HiddenField(validators=[Optional(), Length(max=100)])
    scope = HiddenField(validators=[Optional(), Length(max=30)])


class ManualCheckInForm(Form):
    device_name = HiddenField(validators=[Optional(), Length(max=100)])
    scope = HiddenField(validators=[Optional(), Length(max=30)])


class DeviceForm(Form):
    name = StringField(
        _l("Name des Geräts"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("z. B. „Tablet Eingang Nord“"),
    )


def account_id(value) -> int | None:
    """`coerce` for a select of accounts: an id, or None for the empty choice and anything that is no id."""
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**31 else None


class StaffForm(Form):
    """An account with the check-in role to assign to the event; the view fills the choices.

    Which accounts may be assigned is decided by service.assign_staff (it explains a refusal), so the form only
    makes sure an id was chosen.
    """

    user_id = SelectField(
        _l("Benutzerkonto mit der Rolle „Einlass“"),
        coerce=account_id,
        validate_choice=False,
        validators=[DataRequired(message=_l("Bitte wählen Sie eine Person aus."))],
    )


class ConfirmForm(Form):
    """A button that changes something (undo, revoke, re-issue): only the CSRF token."""
