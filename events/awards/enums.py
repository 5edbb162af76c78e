"""The states and kinds of the award workflow: string enums that carry their translated labels, and the state
groups the rules and pages ask for."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a translated label (LABELS on the class)."""

    @property
    def label(self) -> str:
        return str(type(self).LABELS()[self])


class ProgrammeScope(LabelledEnum):
    STATE = "state"  # a state prize, e.g. the Bayerischer Integrationspreis
    REGION = "region"  # a prize of one Regierung, e.g. "Integration vor Ort"

    @staticmethod
    def LABELS():  # noqa: N802 (a constant table, built when asked so that it is translated)
        return {ProgrammeScope.STATE: _l("Landesweit"), ProgrammeScope.REGION: _l("Regierungsbezirk")}


class ProgrammeStatus(LabelledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"  # the call is public; nominations are accepted until the deadline
    CLOSED = "closed"  # no more nominations, whatever the deadline says

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            ProgrammeStatus.DRAFT: _l("Entwurf"),
            ProgrammeStatus.PUBLISHED: _l("Veröffentlicht"),
            ProgrammeStatus.CLOSED: _l("Geschlossen"),
        }


class NominationRoute(LabelledEnum):
    SELF = "self"  # the applicant applies for their own project
    THIRD_PARTY = "third_party"  # somebody proposes a project; the nominee confirms and consents
    ORGANISER = "organiser"  # entered by an organiser on somebody's behalf

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            NominationRoute.SELF: _l("Eigenbewerbung"),
            NominationRoute.THIRD_PARTY: _l("Vorschlag durch Dritte"),
            NominationRoute.ORGANISER: _l("Eingetragen vom Organisationsteam"),
        }


class NominationState(LabelledEnum):
    DRAFT = "draft"
    AWAITING_CONSENT = "awaiting_consent"  # proposed by a third party; the nominee has not yet agreed
    SUBMITTED = "submitted"  # complete, waiting for screening
    MORE_INFORMATION = "more_information"  # the organisers asked for documents or answers
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"  # a duplicate, merged into another nomination

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            NominationState.DRAFT: _l("Entwurf"),
            NominationState.AWAITING_CONSENT: _l("Wartet auf Zustimmung der vorgeschlagenen Person"),
            NominationState.SUBMITTED: _l("Eingereicht, wird geprüft"),
            NominationState.MORE_INFORMATION: _l("Unterlagen nachgefordert"),
            NominationState.ELIGIBLE: _l("Zugelassen"),
            NominationState.NOT_ELIGIBLE: _l("Nicht zugelassen"),
            NominationState.WITHDRAWN: _l("Zurückgezogen"),
            NominationState.MERGED: _l("Mit einem anderen Vorschlag zusammengeführt"),
        }


# State groups: what the applicant may still change, what the organisers screen, what is finished.
EDITABLE_STATES = frozenset({NominationState.DRAFT, NominationState.AWAITING_CONSENT, NominationState.MORE_INFORMATION})
TO_SCREEN_STATES = frozenset({NominationState.SUBMITTED, NominationState.MORE_INFORMATION})
WITHDRAWABLE_STATES = frozenset(
    {*EDITABLE_STATES, NominationState.SUBMITTED, NominationState.ELIGIBLE, NominationState.NOT_ELIGIBLE}
)
CLOSED_STATES = frozenset({NominationState.WITHDRAWN, NominationState.MERGED})


class NomineeKind(LabelledEnum):
    ORGANISATION = "organisation"  # an association, initiative, project
    PERSON = "person"  # an individual volunteer

    @staticmethod
    def LABELS():  # noqa: N802
        return {NomineeKind.ORGANISATION: _l("Verein, Initiative oder Projekt"), NomineeKind.PERSON: _l("Einzelperson")}


class RoundKind(LabelledEnum):
    SCREENING = "screening"  # the organisers check eligibility; the jury sees nothing yet
    SCORING = "scoring"  # each juror scores the eligible nominations
    SHORTLIST = "shortlist"  # each juror ranks the shortlist

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            RoundKind.SCREENING: _l("Vorprüfung"),
            RoundKind.SCORING: _l("Einzelbewertung"),
            RoundKind.SHORTLIST: _l("Rangfolge der Auswahlliste"),
        }


class RoundState(LabelledEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"

    @staticmethod
    def LABELS():  # noqa: N802
        return {RoundState.PLANNED: _l("Geplant"), RoundState.OPEN: _l("Offen"), RoundState.CLOSED: _l("Abgeschlossen")}


class ConflictState(LabelledEnum):
    NONE = "none"  # the juror declared that there is no conflict
    DECLARED = "declared"  # the juror declared a conflict of a type
    RECUSED = "recused"  # the juror stands back without naming a reason
    SUGGESTED = "suggested"  # the service found a likely conflict; until the chair decides, it counts
    CONFIRMED = "confirmed"  # the chair confirmed a suggestion
    DISMISSED = "dismissed"  # the chair dismissed a suggestion

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            ConflictState.NONE: _l("Kein Konflikt"),
            ConflictState.DECLARED: _l("Befangenheit erklärt"),
            ConflictState.RECUSED: _l("Enthält sich"),
            ConflictState.SUGGESTED: _l("Möglicher Konflikt, Entscheidung des Vorsitzes offen"),
            ConflictState.CONFIRMED: _l("Konflikt vom Vorsitz bestätigt"),
            ConflictState.DISMISSED: _l("Vorschlag vom Vorsitz verworfen"),
        }


# The states in which a juror may not see the nomination and counts in none of its figures.
CONFLICTED_STATES = frozenset(
    {ConflictState.DECLARED, ConflictState.RECUSED, ConflictState.SUGGESTED, ConflictState.CONFIRMED}
)


class ConflictType(LabelledEnum):
    SAME_ORGANISATION = "same_organisation"
    PERSONAL = "personal"  # family, friendship
    PROFESSIONAL = "professional"  # working together, supervising
    FINANCIAL = "financial"
    SAME_DISTRICT = "same_district"
    OTHER = "other"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            ConflictType.SAME_ORGANISATION: _l("Gleiche Organisation"),
            ConflictType.PERSONAL: _l("Persönliche Beziehung"),
            ConflictType.PROFESSIONAL: _l("Berufliche Zusammenarbeit"),
            ConflictType.FINANCIAL: _l("Finanzielles Interesse"),
            ConflictType.SAME_DISTRICT: _l("Enge Verbindung im selben Landkreis"),
            ConflictType.OTHER: _l("Anderer Grund"),
        }


class DocumentKind(LabelledEnum):
    ATTACHMENT = "attachment"  # part of the application
    SUPPORT_LETTER = "support_letter"  # a letter of support, e.g. from the proposer
    ANSWER = "answer"  # sent in answer to a document request

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            DocumentKind.ATTACHMENT: _l("Anlage"),
            DocumentKind.SUPPORT_LETTER: _l("Unterstützungsschreiben"),
            DocumentKind.ANSWER: _l("Nachgereichte Unterlage"),
        }
