"""Forms of the decisions and the announcement: the chair's decision in a category (one line per candidate), the
prize-money settings, the release with the winners page's time, the certificates."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from events.awards.decision_models import PrizeKind, PrizeMode, TieBreakRule
from events.awards.prizes import Entry
from events.core.forms import BerlinDateTimeField, Form, stripped

NO_PRIZE = ""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def decision_form_class(candidates, max_place: int):
    """The chair's form: per candidate an award (none, place, special prize, recognition), its place, a special
    prize's amount in euros and the laudation line; places not awarded; the jurors present; a note."""

    class DecisionForm(Form):
        not_awarded = StringField(
            _l("Nicht vergebene Plätze"),
            description=_l("z. B. 3, oder mehrere durch Komma getrennt"),
            validators=[Optional(), Length(max=40)],
            filters=[stripped],
        )
        present = MultiCheckboxField(_l("Anwesende Jury-Mitglieder"), coerce=int, validate_choice=False)
        note = TextAreaField(_l("Anmerkung für das Protokoll"), validators=[Optional(), Length(max=2000)])

        def entries(self) -> list[Entry]:
            found = []
            for candidate in candidates:
                kind = self[f"k{candidate.id}"].data
                if kind == NO_PRIZE:
                    continue
                amount = self[f"a{candidate.id}"].data
                found.append(
                    Entry(
                        candidate.id,
                        kind,
                        place=self[f"p{candidate.id}"].data if kind == PrizeKind.PLACE else None,
                        amount_cents=int(amount * 100) if kind == PrizeKind.SPECIAL and amount is not None else None,
                        laudation=self[f"l{candidate.id}"].data or "",
                    )
                )
            for place in self.not_awarded_places():
                found.append(Entry(None, PrizeKind.NOT_AWARDED, place=place))
            return found

        def not_awarded_places(self) -> list[int]:
            text = (self.not_awarded.data or "").replace(" ", "")
            return [int(p) for p in text.split(",") if p.isdigit()]

    kinds = [(NO_PRIZE, _l("– keine Auszeichnung –"))] + [
        (k.value, k.label) for k in PrizeKind if k != PrizeKind.NOT_AWARDED
    ]
    for candidate in candidates:
        setattr(DecisionForm, f"k{candidate.id}", SelectField(_l("Auszeichnung"), choices=kinds, default=NO_PRIZE))
        setattr(
            DecisionForm,
            f"p{candidate.id}",
            IntegerField(_l("Platz"), validators=[Optional(), NumberRange(min=1, max=max(max_place, 1))]),
        )
        setattr(
            DecisionForm,
            f"a{candidate.id}",
            DecimalField(
                _l("Betrag eines Sonderpreises (Euro)"),
                places=2,
                validators=[Optional(), NumberRange(min=Decimal(0), max=Decimal(1_000_000))],
            ),
        )
        setattr(
            DecisionForm,
            f"l{candidate.id}",
            StringField(_l("Begründung (eine Zeile)"), validators=[Optional(), Length(max=300)], filters=[stripped]),
        )
    return DecisionForm


class PrizeSettingsForm(Form):
    prize_mode = SelectField(_l("Preisgeld"), choices=PrizeMode.choices(), validators=[InputRequired()])
    amounts = StringField(
        _l("Beträge je Platz in Euro, oder Anteile je Platz bei einem Budget"),
        description=_l("z. B. 2500 / 1500 / 1000, oder 3 / 2 / 1"),
        validators=[Optional(), Length(max=200)],
        filters=[stripped],
    )
    tie_break_rule = SelectField(
        _l("Regel bei Gleichstand"), choices=TieBreakRule.choices(), validators=[InputRequired()]
    )
    tie_break_text = TextAreaField(
        _l("Regel bei Gleichstand, wie die Ausschreibung sie nennt"), validators=[Optional(), Length(max=1000)]
    )


class ReleaseForm(Form):
    winners_public_at = BerlinDateTimeField(
        _l("Seite der Preisträger öffentlich ab"),
        description=_l("z. B. das Ende der Preisverleihung"),
        validators=[DataRequired()],
    )
