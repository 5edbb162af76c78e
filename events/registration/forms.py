"""The registration form, built per event from its questions and workshops."""

import hashlib
from functools import lru_cache

from flask import request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from events.core.districts import DistrictField, district_choices_version
from events.core.forms import Form, optional_text
from events.meetings.models import QuestionKind
from events.meetings.programme import QuestionSpec, RegistrationDefinition, WorkshopSpec
from events.registration.consent import photo_consent_text, privacy_consent_text
from events.registration.places import workshop_is_full

LANGUAGE_CHOICES = [("de", "Deutsch"), ("en", "English")]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonalDetailsForm(Form):
    """What a registrant may change later through the personal link."""

    first_name = StringField(_l("Vorname"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Nachname"), validators=[DataRequired(), Length(max=100)])
    organisation_name = StringField(
        _l("Organisation"),
        validators=[Optional(), Length(max=200)],
        description=_l("Wählen Sie aus der Liste oder tippen Sie den Namen ein."),
    )
    district_id = DistrictField(_l("Landkreis / kreisfreie Stadt"), validators=[Optional()])
    function = StringField(
        _l("Funktion"), validators=[Optional(), Length(max=120)], description=_l("z. B. Integrationslotsin")
    )
    dietary_needs = TextAreaField(
        _l("Ernährung"),
        validators=[Optional(), Length(max=500)],
        description=_l("z. B. vegetarisch, vegan, Allergien"),
    )
    accessibility_needs = TextAreaField(
        _l("Barrierefreiheit"),
        validators=[Optional(), Length(max=500)],
        description=_l("z. B. rollstuhlgerechter Platz, Gebärdensprachdolmetschung, Induktionsschleife"),
    )
    photo_consent = BooleanField(_l("Fotoveröffentlichung"))
    language = SelectField(_l("Sprache für E-Mails"), choices=LANGUAGE_CHOICES)


class NewRegistrationForm(PersonalDetailsForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])
    privacy_consent = BooleanField(_l("Einwilligung Datenschutz"), validators=[DataRequired()])


def _question_field(question: QuestionSpec):
    label = question.label
    required = [InputRequired()] if question.required else [Optional()]
    if question.kind == QuestionKind.TEXT:
        return TextAreaField(
            label,
            validators=[*([DataRequired()] if question.required else [Optional()]), Length(max=2000)],
            filters=[optional_text],  # kept trimmed; blanks alone are no answer
        )
    if question.kind == QuestionKind.YESNO:
        return RadioField(label, choices=[("yes", _l("Ja")), ("no", _l("Nein"))], validators=required)
    choices = [SelectChoice(option, option) for option in question.options]
    if question.kind == QuestionKind.SINGLE:
        return RadioField(label, choices=choices, validators=required)
    return MultiCheckboxField(label, choices=choices, validators=required)


def _workshop_field(slot: tuple[WorkshopSpec, ...], slot_number: int, full: frozenset[int]):
    def label_for(workshop):
        text = workshop.title
        if workshop.room:
            text += f" ({workshop.room})"
        if workshop.id in full:
            text += " – " + str(_l("ausgebucht"))
        return text

    choices = [SelectChoice("", _l("Kein Workshop in diesem Zeitfenster"))]
    for workshop in slot:
        render_kw = {"disabled": True} if workshop.id in full else {}
        choices.append(SelectChoice(str(workshop.id), label_for(workshop), render_kw=render_kw))
    return RadioField(
        _l("Workshop, Zeitfenster %(number)d", number=slot_number), choices=choices, default="", validators=[Optional()]
    )


@lru_cache(maxsize=128)
def _form_class(base: type, locale: str, definition: RegistrationDefinition, full: frozenset[int], days: tuple = ()):
    """The form class for one shape of the form; kept, since building a class costs more than using it.

    base: the class with the fixed fields (a participant's new or personal form, or an organiser's);
    locale is part of the key because a full workshop's label is worded when the class is built.
    """

    class EventRegistrationForm(base):
        pass

    for question in definition.questions:
        setattr(EventRegistrationForm, f"question_{question.id}", _question_field(question))
    for number, slot in enumerate(definition.slots, start=1):
        setattr(EventRegistrationForm, f"workshop_slot_{number}", _workshop_field(slot, number, full))
    if days:  # an event booked per day (registration.days): (id, label, full) of each day
        EventRegistrationForm.days = MultiCheckboxField(
            _l("An welchen Tagen nehmen Sie teil?"),
            choices=[
                (str(i), label + (" – " + str(_l("ausgebucht, Warteliste")) if is_full else ""))
                for i, label, is_full in days
            ],
            validators=[InputRequired(_l("Bitte wählen Sie mindestens einen Tag."))],
        )
    return EventRegistrationForm


def _full_workshops(definition: RegistrationDefinition, fill: dict[int, int]) -> frozenset[int]:
    return frozenset(w.id for slot in definition.slots for w in slot if workshop_is_full(w, fill))


def build_registration_form(
    definition: RegistrationDefinition,
    fill,
    districts,
    *,
    new: bool,
    own_workshops=frozenset(),
    invited_email: str | None = None,
    base: type | None = None,
    days: tuple = (),
    **kwargs,
):
    """The form for an event: personal details, the event's questions and one choice per workshop slot.

    definition: meetings.programme.registration_definition(event); fill: confirmed choices per workshop id;
    own_workshops: the registrant's current choices, which stay selectable even when the workshop is full;
    invited_email: the address of the invitation the form is opened with, shown read-only in place of what was
    posted (registration.registering.register_for_event uses it in any case); base: the class with the fixed fields,
    when not a participant's (registration.organiser_forms).
    """
    adjusted_fill = {k: v - (1 if k in own_workshops else 0) for k, v in fill.items()}
    locale = str(get_locale() or "de")
    base = base or (NewRegistrationForm if new else PersonalDetailsForm)
    form = _form_class(base, locale, definition, _full_workshops(definition, adjusted_fill), days)(**kwargs)
    form.district_id.choices = districts
    form.photo_consent.description = photo_consent_text()
    if new:
        form.privacy_consent.description = privacy_consent_text()
    if invited_email is not None:
        form.email.data = invited_email
        form.email.render_kw = {"readonly": True}
        form.email.description = _l("Ihre Einladung gilt für diese Adresse.")
    if not form.is_submitted() and not form.language.data:  # a new form, also one filled from an invitation
        form.language.data = locale
    form.question_names = [(f"question_{question.id}", question) for question in definition.questions]
    form.slot_names = [(f"workshop_slot_{number}", slot) for number, slot in enumerate(definition.slots, start=1)]
    form.workshop_fill = adjusted_fill
    # the order of templates/registration/_fields.html (and the consent below it), for the error summary
    form.display_order = [
        *("first_name", "last_name", "email", "organisation_name", "district_id", "function"),
        "days",
        *(name for name, _question in form.question_names),
        *(name for name, _slot in form.slot_names),
        *("dietary_needs", "accessibility_needs", "photo_consent", "language", "privacy_consent"),
    ]
    return form


def registration_form_is_valid(form) -> bool:
    """validate_on_submit and the workshop check (validate_workshops_not_full) together, so that a person learns
    of every problem at once, a full workshop included, and not in rounds."""
    if not form.is_submitted():
        return False
    fields_valid = form.validate()
    workshops_valid = validate_workshops_not_full(form)
    return fields_valid and workshops_valid


def blank_page_key(event, definition: RegistrationDefinition, fill, organisations, free: int | None, days=()) -> str:
    """The cache key of the blank registration page at this address (see events.core.pagecache).

    It names everything that page shows: language, address, the event as last changed (its details, questions
    and workshops; see meetings.programme.registration_definition), which workshops are full, the organisation
    and district lists, and whether the event is booked up; any change gives a new key.
    """
    shown = (
        str(get_locale()),
        request.path,
        event.id,
        event.updated_at.isoformat(),
        sorted(_full_workshops(definition, fill)),
        organisations,
        district_choices_version(),
        free == 0,
        days,
    )
    return hashlib.sha256(repr(shown).encode()).hexdigest()


def registration_form_data(registration, definition: RegistrationDefinition) -> dict:
    """What the personal page's form shows at first: the registration as it stands."""
    own = {choice.session_id for choice in registration.workshop_choices}
    data = {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "organisation_name": registration.organisation_name,
        "district_id": str(registration.district_id or ""),
        "function": registration.function,
        "dietary_needs": registration.dietary_needs,
        "accessibility_needs": registration.accessibility_needs,
        "photo_consent": registration.photo_consent,
        "language": registration.language,
    }
    for question in definition.questions:
        data[f"question_{question.id}"] = (registration.answers or {}).get(str(question.id))
    for number, slot in enumerate(definition.slots, start=1):
        chosen = [w.id for w in slot if w.id in own]
        data[f"workshop_slot_{number}"] = str(chosen[0]) if chosen else ""
    data["days"] = [str(choice.event_day_id) for choice in getattr(registration, "day_choices", [])]
    return data


def chosen_workshop_ids(form) -> list[int]:
    return [int(form[name].data) for name, _slot in form.slot_names if form[name].data]


def answers_from(form) -> dict:
    answers = {}
    for name, question in form.question_names:
        value = form[name].data
        if value in (None, "", []):
            continue
        answers[str(question.id)] = value
    return answers


def registration_values(form) -> dict:
    """What the registration services take: the form's fields, "answers" and "workshops"."""
    data = dict(form.data)
    data["answers"] = answers_from(form)
    data["workshops"] = chosen_workshop_ids(form)
    data["days"] = [int(day) for day in (form.days.data or [])] if "days" in form else []
    return data


def validate_workshops_not_full(form) -> bool:
    """Refuse a full workshop with a message at its field; True when all choices still have room."""
    ok = True
    for name, slot in form.slot_names:
        value = form[name].data
        if not value:
            continue
        workshop = next((w for w in slot if str(w.id) == value), None)
        if workshop is None:
            form[name].errors = [*form[name].errors, str(_l("Bitte wählen Sie einen Workshop aus der Liste."))]
            ok = False
        elif workshop_is_full(workshop, form.workshop_fill):
            form[name].errors = [*form[name].errors, str(_l("Dieser Workshop ist leider ausgebucht."))]
            ok = False
    return ok


MESSAGE_HINT = _l(
    "Platzhalter: {name} – Name der Person, {event} – Titel der Veranstaltung, {personal_link} – ihr persönlicher "
    "Link. Formatierung mit Markdown wie in der Beschreibung der Veranstaltung: **fett**, *kursiv*, Listen mit "
    "„- “, Links als [Text](https://…)."
)


class OrganiserMessageForm(Form):
    subject = StringField(_l("Betreff"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Nachricht"), validators=[DataRequired(), Length(max=10000)], description=MESSAGE_HINT)
    greeting = BooleanField(
        _l("Mit Anrede beginnen"),
        default=True,
        description=_l("„Guten Tag …,“ mit dem Namen der Person (auf Englisch „Hello …,“)."),
    )
    subject_en = StringField(_l("Betreff auf Englisch"), validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(
        _l("Nachricht auf Englisch"), validators=[Optional(), Length(max=10000)], description=MESSAGE_HINT
    )

    def validate(self, extra_validators=None) -> bool:
        """Also: English text in both fields or in none (half a translation would go out half German)."""
        valid = super().validate(extra_validators)
        if bool((self.subject_en.data or "").strip()) != bool((self.body_en.data or "").strip()):
            missing = self.body_en if (self.subject_en.data or "").strip() else self.subject_en
            missing.errors = [
                *missing.errors,
                gettext("Für die englische Fassung bitte Betreff und Nachricht angeben."),
            ]
            return False
        return valid


class ResendLinkForm(Form):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])


class PromoteForm(Form):
    """An organiser moves a waiting person up; beyond the capacity only when ticked."""

    beyond_capacity = BooleanField(
        _l("Ja, über die Kapazität hinaus bestätigen"),
        description=_l("Die Veranstaltung hat dann mehr bestätigte Personen als Plätze. Das Protokoll vermerkt es."),
    )


class WaitingListPositionForm(Form):
    """Move a waiting person to a place of the waiting list (1 to its length)."""

    position = IntegerField(_l("Auf Platz"), validators=[InputRequired()])

    def __init__(self, waiting: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = max(waiting, 1)
        message = gettext("Bitte geben Sie einen Platz von 1 bis %(max)d an.", max=last)
        self.position.validators = [InputRequired(message), NumberRange(min=1, max=last, message=message)]


class InvitationImportForm(Form):
    file = FileField(
        _l("CSV-Datei"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Bitte eine CSV-Datei hochladen."))],
        description=_l(
            "Spalten: E-Mail, Vorname, Nachname, Organisation (oder email, first_name, last_name, organisation; "
            "Kopfzeile erforderlich; getrennt durch Semikolon, Komma oder Tabulator; UTF-8 oder Windows-1252, wie "
            "Excel speichert)"
        ),
    )
