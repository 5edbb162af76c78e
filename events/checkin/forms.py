from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
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


class ConfirmForm(Form):
    """A button that changes something (undo, revoke, re-issue): only the CSRF token."""
