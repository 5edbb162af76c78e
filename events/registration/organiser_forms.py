"""The forms with which an organiser adds or corrects a registration (built per event like the participant's)."""

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from events.core.districts import district_choices
from events.core.forms import Form
from events.core.timezone import days_between
from events.meetings.service import registration_definition
from events.registration.days import day_options
from events.registration.forms import NewRegistrationForm, PersonalDetailsForm, build_registration_form
from events.registration.service import workshop_fill


class AddedRegistrationForm(NewRegistrationForm):
    """A phone sign-up or a walk-in: the registration form, the consent confirmed by the organiser."""

    privacy_consent = BooleanField(
        _l("Die Person hat der Datenschutzerklärung zugestimmt"),
        validators=[DataRequired(_l("Bitte bestätigen Sie, dass die Person zugestimmt hat."))],
    )
    send_mail = BooleanField(
        _l("Bestätigung mit persönlichem Link per E-Mail senden"),
        default=True,
        description=_l("Ohne E-Mail erfährt die Person ihren Platz nur von Ihnen."),
    )


class CorrectionForm(PersonalDetailsForm):
    """What an organiser may correct, and an optional note to the person."""

    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(), Email(), Length(max=254)],
        description=_l("Eine neue Adresse bekommt einen neuen persönlichen Link; der bisherige gilt dann nicht mehr."),
    )
    notify = BooleanField(_l("Die Person per E-Mail über die Änderung informieren"))
    note = TextAreaField(
        _l("Nachricht an die Person (freiwillig)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Steht in der E-Mail über der geänderten Anmeldung."),
    )


def organiser_registration_form(
    event, base: type, data: dict | None = None, own_workshops=frozenset(), own_days=frozenset()
):
    """The organiser's form for this event: base (one of the classes above) plus the event's questions and
    workshops; every district may be chosen, and a full workshop only if the person has it already."""
    definition = registration_definition(event)
    form = build_registration_form(
        definition,
        workshop_fill(event.id) if definition.slots else {},
        district_choices(_("– keine Angabe –")),
        new=base is AddedRegistrationForm,
        own_workshops=own_workshops,
        days=day_options(event.id, own_days),
        base=base,
        data=data,
    )
    form.display_order = [*form.display_order, "send_mail", "notify", "note"]
    return form


def days_form(event, days, formdata=None):
    """Whether the event's days are booked one by one, and each day's capacity (empty: no limit of its own)."""

    class DaysForm(Form):
        per_day = BooleanField(
            _l("Die Tage sind einzeln buchbar"),
            description=_l("Angemeldete wählen dann einen oder mehrere Tage; jeder Tag kann eigene Plätze haben."),
        )

    existing = {d.day: d for d in days}
    for day in days_between(event.starts_at, event.ends_at):
        setattr(
            DaysForm,
            f"capacity_{day:%Y%m%d}",
            IntegerField(
                _l("Plätze am %(day)s", day=format_date(day, "full")),
                validators=[Optional(), NumberRange(min=0, max=100000)],
                default=existing[day].capacity if day in existing else None,
            ),
        )
    form = DaysForm(formdata=formdata, per_day=bool(days))
    form.day_fields = [(day, form[f"capacity_{day:%Y%m%d}"]) for day in days_between(event.starts_at, event.ends_at)]
    return form
