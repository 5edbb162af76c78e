"""Forms of the tandem programme; choices that come from the database are filled in by the views."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from events.core.database import german_order
from events.core.forms import Form, optional_int
from events.core.models import Organisation, Person
from events.extensions import db
from events.registration.forms import MultiCheckboxField
from events.tandems.models import BlockState, MemberRole, Phase, TandemGroup
from events.tandems.programmes import AGENCY_KINDS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ProgrammeForm(Form):
    title = StringField(_l("Titel des Programms"), validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(_l("Beginn"), validators=[DataRequired()])
    ends_on = DateField(_l("Ende"), validators=[DataRequired()])
    partner_id = SelectField(_l("Partnerorganisation"), coerce=optional_int, validate_choice=False)
    guideline_title = StringField(_l("Titel des Leitfadens"), validators=[DataRequired(), Length(max=200)])
    foreword = TextAreaField(_l("Vorwort (Markdown)"), validators=[Optional(), Length(max=20000)])
    imprint = TextAreaField(_l("Impressum (Markdown)"), validators=[Optional(), Length(max=5000)])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Das Ende liegt vor dem Beginn."))


class GroupForm(Form):
    name = StringField(_l("Name der Gruppe"), validators=[DataRequired(), Length(max=200)])
    region_id = SelectField(_l("Regierungsbezirk"), coerce=int)
    topic = StringField(_l("Thema"), validators=[Optional(), Length(max=300)])


class ChapterForm(Form):
    title = StringField(_l("Titel des Kapitels"), validators=[DataRequired(), Length(max=200)])
    introduction = TextAreaField(_l("Einleitung (Markdown)"), validators=[Optional(), Length(max=5000)])


class PairForm(Form):
    agency_id = SelectField(_l("Freiwilligenagentur, -Zentrum oder KoBE"), coerce=int)
    lotsen_id = SelectField(_l("Organisation der Integrationslotsinnen und -lotsen"), coerce=int)
    override_reason = TextAreaField(
        _l("Begründung für ein Tandem über Bezirksgrenzen"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Nur nötig, wenn eine Organisation nicht im Regierungsbezirk der Gruppe liegt."),
    )


class MemberForm(Form):
    person_id = SelectField(_l("Person aus dem Verzeichnis"), coerce=int)
    role = SelectField(_l("Rolle"), choices=[(role.value, role.label) for role in MemberRole])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.value, role.label) for role in MemberRole]


class MeetingForm(Form):
    starts_at = DateTimeLocalField(_l("Beginn"), format=DATETIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ende"), format=DATETIME_FORMAT, validators=[DataRequired()])
    venue_name = StringField(_l("Ort"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=300)])

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Das Ende liegt nicht nach dem Beginn."))


class PhaseForm(Form):
    phase = SelectField(_l("Phase"))
    phase_until = DateField(_l("bis"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase.choices = [(phase.value, phase.label) for phase in Phase]


class SignOffForm(Form):
    approved_by = StringField(
        _l("Freigegeben von (Name und Funktion im Ministerium)"), validators=[DataRequired(), Length(max=200)]
    )


class BlockForm(Form):
    title = StringField(_l("Titel der Empfehlung"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(_l("Text (Markdown)"), validators=[DataRequired(), Length(max=20000)])
    group_id = SelectField(_l("Gruppe"), coerce=optional_int, validate_choice=False)


class CommentForm(Form):
    comment = TextAreaField(_l("Ihr Kommentar"), validators=[DataRequired(), Length(max=5000)])


class SuggestionForm(Form):
    proposal = TextAreaField(_l("Vorgeschlagener Text"), validators=[DataRequired(), Length(max=20000)])
    reason = TextAreaField(_l("Begründung"), validators=[Optional(), Length(max=2000)])


class StateForm(Form):
    state = SelectField(_l("Stand"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [(state.value, state.label) for state in BlockState if state != BlockState.MERGED]


class MergeForm(Form):
    into_id = SelectField(_l("Zusammenführen mit"), coerce=int)


class MinutesForm(Form):
    minutes = TextAreaField(_l("Kurzprotokoll (Markdown)"), validators=[DataRequired(), Length(max=20000)])
    block_ids = MultiCheckboxField(_l("Entstandene Empfehlungen"), coerce=int)


def _organisation_choices(agencies: bool):
    kind = Organisation.kind.in_(AGENCY_KINDS) if agencies else Organisation.kind.not_in(AGENCY_KINDS)
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).where(kind).order_by(german_order(Organisation.name))
    ).all()
    return [(row.id, row.name) for row in rows]


def group_admin_forms(group: TandemGroup, pair_form=None, member_form=None, meeting_form=None) -> dict:
    """The organisers' forms on a group page (pairs, members, meetings), filled with their choices."""
    pair_form = pair_form or PairForm(formdata=None)
    pair_form.agency_id.choices = _organisation_choices(True)
    pair_form.lotsen_id.choices = _organisation_choices(False)
    member_form = member_form or MemberForm(formdata=None)
    people = db.session.scalars(
        select(Person).where(Person.email.is_not(None)).order_by(german_order(Person.last_name))
    )
    member_form.person_id.choices = [(person.id, f"{person.last_name}, {person.first_name}") for person in people]
    return {
        "pair_form": pair_form,
        "member_form": member_form,
        "meeting_form": meeting_form or MeetingForm(formdata=None),
    }
