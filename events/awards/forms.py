"""Forms of the award workflow. A form's fields are named as the model's columns, so it fills from the model
(`obj=`) and its `values()` go to the service as they are."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from events.awards.models import ConflictState, ConflictType, NominationRoute, NomineeKind, ProgrammeScope
from events.core.districts import district_choices
from events.core.forms import Form, optional_int
from events.core.timezone import aware_to_berlin_naive, berlin_to_aware

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _choices(enum_class, members=None) -> list[tuple[str, str]]:
    """(value, label) of an enum's members, the labels translated when the form is shown."""
    labels = enum_class.LABELS()
    return [(member.value, labels[member]) for member in members or enum_class]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ProgrammeForm(Form):
    name = StringField(_l("Name des Preises"), validators=[DataRequired(), Length(max=200)])
    edition = IntegerField(_l("Jahr"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    motto = StringField(_l("Motto"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=20000)])
    scope = RadioField(_l("Geltungsbereich"), choices=_choices(ProgrammeScope), default="state")
    state = StringField(_l("Land"), default="Bayern", validators=[DataRequired(), Length(max=40)])
    region_id = SelectField(_l("Regierungsbezirk"), coerce=optional_int)  # required for a regional prize, below
    deadline = DateTimeLocalField(_l("Einsendeschluss"), format=DATETIME_FORMAT, validators=[DataRequired()])
    budget = DecimalField(_l("Preisgeld insgesamt (Euro)"), places=2, validators=[Optional(), NumberRange(min=0)])
    min_active_months = IntegerField(
        _l("Mindestens aktiv seit (Monaten)"), default=0, validators=[Optional(), NumberRange(min=0, max=600)]
    )
    required_attachments = IntegerField(
        _l("Pflichtanlagen (Anzahl)"), default=0, validators=[Optional(), NumberRange(min=0, max=10)]
    )
    question_lines = TextAreaField(
        _l("Eigene Fragen der Ausschreibung"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Eine Frage je Zeile; ein Stern am Anfang macht die Antwort verpflichtend."),
    )
    conditions = TextAreaField(_l("Weitere Teilnahmebedingungen"), validators=[Optional(), Length(max=10000)])
    contact_email = EmailField(_l("Kontaktadresse"), validators=[Optional(), Email(), Length(max=254)])
    category_lines = TextAreaField(
        _l("Kategorien"), validators=[Optional(), Length(max=3000)], description=_l("Eine Kategorie je Zeile")
    )

    def validate_region_id(self, field):
        if self.scope.data == ProgrammeScope.REGION and not field.data:
            raise ValidationError(_l("Bitte wählen Sie den Regierungsbezirk."))

    def fill_from(self, programme) -> None:
        self.deadline.data = aware_to_berlin_naive(programme.deadline)
        self.budget.data = programme.budget_cents / 100 if programme.budget_cents is not None else None
        self.question_lines.data = "\n".join(
            ("*" if q.get("required") else "") + q.get("label", "") for q in programme.questions or []
        )

    def values(self) -> dict:
        questions = [
            {"label": line.lstrip("*").strip(), "required": line.startswith("*")}
            for line in _lines(self.question_lines.data)
        ]
        return {
            **{name: getattr(self, name).data for name in ("name", "edition", "scope", "state", "region_id")},
            "motto": (self.motto.data or "").strip(),
            "description": self.description.data or "",
            "deadline": berlin_to_aware(self.deadline.data),
            "budget_cents": int(self.budget.data * 100) if self.budget.data is not None else None,
            "min_active_months": self.min_active_months.data or 0,
            "required_attachments": self.required_attachments.data or 0,
            "questions": questions,
            "conditions": self.conditions.data or "",
            "contact_email": (self.contact_email.data or "").strip().lower() or None,
        }

    def categories(self) -> list[str]:
        return _lines(self.category_lines.data)


class CategoryForm(Form):
    name = StringField(_l("Kategorie"), validators=[DataRequired(), Length(max=200)])


class CriterionForm(Form):
    name = StringField(_l("Kriterium"), validators=[DataRequired(), Length(max=200)])
    weight = FloatField(_l("Gewicht"), default=1.0, validators=[InputRequired(), NumberRange(min=0, max=100)])
    counts = RadioField(
        _l("Art"),
        choices=[("1", _l("Skala, zählt zur Gesamtwertung")), ("0", _l("Ja/Nein, zählt nicht zur Gesamtwertung"))],
        default="1",
    )
    scale_max = IntegerField(_l("Höchste Stufe"), default=5, validators=[Optional(), NumberRange(min=2, max=10)])
    descriptor_lines = TextAreaField(
        _l("Beschreibung der Stufen"),
        validators=[Optional(), Length(max=3000)],
        description=_l("Eine Zeile je Stufe, von der niedrigsten an"),
    )

    def values(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "weight": self.weight.data,
            "counts": self.counts.data == "1",
            "scale_min": 1,
            "scale_max": self.scale_max.data or 5,
            "descriptors": _lines(self.descriptor_lines.data),
        }


class JuryMemberForm(Form):
    email = EmailField(_l("E-Mail-Adresse des Jury-Kontos"), validators=[DataRequired(), Email(), Length(max=254)])
    is_chair = BooleanField(_l("Vorsitz"))
    category_id = SelectField(_l("Kategorie"), coerce=optional_int, validators=[Optional()])
    organisation_name = StringField(
        _l("Eigene Organisation"),
        validators=[Optional(), Length(max=200)],
        description=_l("Für die Vorschläge möglicher Interessenkonflikte"),
    )
    district_id = SelectField(_l("Eigener Landkreis"), coerce=optional_int, validators=[Optional()])


class NominationForm(Form):
    """The application: the same fields for self-applications, proposals and the organisers' entries."""

    category_id = SelectField(_l("Kategorie"), coerce=optional_int, validators=[Optional()])
    nominee_kind = RadioField(_l("Wer wird vorgeschlagen?"), choices=_choices(NomineeKind), default="organisation")
    project_name = StringField(_l("Name des Projekts"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Beschreibung des Projekts"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Was tut das Projekt, für wen, mit wem, und was hat es bewirkt?"),
    )
    active_since = DateField(_l("Aktiv seit"), validators=[Optional()])
    district_id = SelectField(_l("Landkreis oder kreisfreie Stadt"), coerce=optional_int, validators=[Optional()])
    organisation_name = StringField(
        _l("Organisation, Verein oder Initiative"), validators=[Optional(), Length(max=200)]
    )
    contact_name = StringField(_l("Ansprechperson"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])
    contact_phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=40)])

    def validate_active_since(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("Das Datum liegt in der Zukunft."))

    def fill_answers(self, questions: list[dict], answers: dict) -> None:
        for number, _question in enumerate(questions, start=1):
            field = self._fields.get(f"q{number}")
            if field is not None and not field.raw_data:
                field.data = (answers or {}).get(str(number), "")

    def values(self, questions: list[dict]) -> dict:
        values = {name: self[name].data for name in ("category_id", "nominee_kind", "district_id", "active_since")}
        for name in ("project_name", "description", "organisation_name", "contact_name", "contact_email"):
            values[name] = (self[name].data or "").strip()
        values["contact_phone"] = (self.contact_phone.data or "").strip()
        values["answers"] = {
            str(n): (self[f"q{n}"].data or "").strip() for n in range(1, len(questions) + 1) if f"q{n}" in self
        }
        return values


def nomination_form_class(questions: list[dict], base=NominationForm):
    """The form with the call's own questions as fields q1, q2, ..."""

    class CallForm(base):
        pass

    for number, question in enumerate(questions or [], start=1):
        setattr(
            CallForm,
            f"q{number}",
            TextAreaField(question.get("label", ""), validators=[Optional(), Length(max=5000)]),
        )
    return CallForm


class ApplicationForm(NominationForm):
    """The public form: a self-application or a proposal by someone else, who then gives their own contact."""

    route = RadioField(
        _l("Wie reichen Sie ein?"),
        choices=[
            (NominationRoute.SELF.value, _l("Ich bewerbe mich mit meinem eigenen Projekt")),
            (NominationRoute.THIRD_PARTY.value, _l("Ich schlage ein Projekt oder eine Person vor")),
        ],
        default=NominationRoute.SELF.value,
    )
    proposer_name = StringField(_l("Ihr Name"), validators=[Optional(), Length(max=200)])
    proposer_email = EmailField(_l("Ihre E-Mail-Adresse"), validators=[Optional(), Email(), Length(max=254)])
    proposer_organisation = StringField(_l("Ihre Organisation"), validators=[Optional(), Length(max=200)])

    def validate_proposer_email(self, field):
        if self.route.data == NominationRoute.THIRD_PARTY and not field.data:
            raise ValidationError(_l("Bitte geben Sie Ihre E-Mail-Adresse an, damit wir Sie erreichen."))

    def validate_proposer_name(self, field):
        if self.route.data == NominationRoute.THIRD_PARTY and not (field.data or "").strip():
            raise ValidationError(_l("Bitte geben Sie Ihren Namen an."))

    def proposer(self) -> dict:
        return {
            name: (self[name].data or "").strip()
            for name in ("proposer_name", "proposer_email", "proposer_organisation")
        }


class OrganiserNominationForm(NominationForm):
    consent_recorded = BooleanField(_l("Die Einwilligung der vorgeschlagenen Person liegt schriftlich vor"))


class CorrectionForm(NominationForm):
    """The organisers correct a nomination (a typo in a name or an address)."""

    tell_applicant = BooleanField(_l("Die Kontaktperson per E-Mail über die Berichtigung informieren"))
    note = TextAreaField(_l("Nachricht an die Kontaktperson (freiwillig)"), validators=[Optional(), Length(max=2000)])


class SubmitForm(Form):
    consent = BooleanField(_l("Einwilligung"))


class UploadForm(Form):
    file = FileField(_l("Datei (PDF, JPEG oder PNG, höchstens 10 MB)"), validators=[FileRequired()])


class AnswerForm(Form):
    answer = TextAreaField(_l("Ihre Antwort"), validators=[DataRequired(), Length(max=10000)])


class ScreeningForm(Form):
    decision = RadioField(
        _l("Ergebnis der Vorprüfung"),
        choices=[("eligible", _l("Zugelassen")), ("not_eligible", _l("Nicht zugelassen"))],
        validators=[InputRequired()],
    )
    reason = TextAreaField(
        _l("Begründung für die Bewerberin oder den Bewerber"),
        validators=[Optional(), Length(max=3000)],
        description=_l("Pflicht, wenn der Vorschlag nicht zugelassen wird"),
    )


class DocumentRequestForm(Form):
    text = TextAreaField(_l("Was wird nachgefordert?"), validators=[DataRequired(), Length(max=3000)])
    due_on = DateField(_l("Frist"), validators=[DataRequired()])


class SiteVisitForm(Form):
    visited_on = DateField(_l("Besucht am"), validators=[DataRequired()])
    note = TextAreaField(_l("Eindruck"), validators=[DataRequired(), Length(max=5000)])


class MergeForm(Form):
    into = SelectField(_l("Zusammenführen mit"), coerce=int)


class ConflictForm(Form):
    state = RadioField(
        _l("Ihre Erklärung"),
        choices=_choices(ConflictState, (ConflictState.NONE, ConflictState.DECLARED, ConflictState.RECUSED)),
        validators=[InputRequired()],
    )
    conflict_type = SelectField(
        _l("Art des Konflikts"),
        choices=[("", "–"), *_choices(ConflictType)],
        validators=[Optional()],
    )
    note = TextAreaField(_l("Erläuterung"), validators=[Optional(), Length(max=2000)])

    def validate_conflict_type(self, field):
        if self.state.data == ConflictState.DECLARED and not field.data:
            raise ValidationError(_l("Bitte wählen Sie die Art des Konflikts."))


class DecisionForm(Form):
    decision = RadioField(
        _l("Entscheidung"),
        choices=[("confirm", _l("Bestätigen")), ("dismiss", _l("Verwerfen"))],
        validators=[InputRequired()],
    )


class ReviewForm(Form):
    comment = TextAreaField(_l("Kommentar"), validators=[Optional(), Length(max=5000)])
    abstained = BooleanField(_l("Ich enthalte mich bei dieser Nominierung"))
    abstain_reason = TextAreaField(_l("Grund der Enthaltung"), validators=[Optional(), Length(max=2000)])


def review_form_class(criteria):
    """The scoring form: one group of radio buttons per criterion (its levels with their descriptors)."""

    class CriteriaReviewForm(ReviewForm):
        pass

    for criterion in criteria:
        if criterion.counts:
            choices = [(str(v), f"{v} – {text}" if text else str(v)) for v, text in criterion.levels]
        else:
            choices = [("1", _l("Ja")), ("0", _l("Nein"))]
        setattr(
            CriteriaReviewForm,
            f"c{criterion.id}",
            RadioField(criterion.name, choices=choices, validators=[Optional()], description=criterion.description),
        )
    return CriteriaReviewForm


def ranking_form_class(nominations):
    class RankingForm(Form):
        pass

    for nomination in nominations:
        setattr(
            RankingForm,
            f"n{nomination.id}",
            IntegerField(nomination.project_name, validators=[Optional(), NumberRange(min=1, max=len(nominations))]),
        )
    return RankingForm


def prepare_nomination_form(form, programme) -> None:
    """Choices of the nomination forms: the call's categories and the districts."""
    form.category_id.choices = [("", _("– bitte wählen –"))] + [(c.id, c.name) for c in programme.categories]
    form.district_id.choices = district_choices(_("– bitte wählen –"))
