"""Named predicates of the award workflow: services, views, access decorators and templates all ask these."""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from flask_babel import ngettext

from events.awards.models import (
    CLOSED_STATES,
    CONFLICTED_STATES,
    EDITABLE_STATES,
    TO_SCREEN_STATES,
    WITHDRAWABLE_STATES,
    AwardProgramme,
    ConflictDeclaration,
    ConflictState,
    DocumentKind,
    JuryMember,
    JuryReview,
    Nomination,
    NominationState,
    ProgrammeScope,
    ProgrammeStatus,
    Round,
    RoundKind,
    RoundState,
)
from events.core.timezone import berlin_date
from events.core.types import utcnow

# --- the call ---------------------------------------------------------------------------------------------------


def call_is_open(programme: AwardProgramme, now: datetime | None = None) -> bool:
    """Published and before its deadline: nominations may be started, completed and submitted."""
    return programme.status == ProgrammeStatus.PUBLISHED and (now or utcnow()) < programme.deadline


def call_is_public(programme: AwardProgramme) -> bool:
    return programme.status in (ProgrammeStatus.PUBLISHED, ProgrammeStatus.CLOSED)


# --- a nomination -----------------------------------------------------------------------------------------------


def may_change_nomination(nomination: Nomination, now: datetime | None = None) -> bool:
    """The applicant may still edit: a draft, or waiting for consent, or asked for more, and the call open."""
    return nomination.state in EDITABLE_STATES and call_is_open(nomination.programme, now)


def organiser_may_correct(nomination: Nomination, scored: bool) -> bool:
    """Organisers correct a nomination's details (a typo in the project's name or the contact address) until the
    jury has scored it: after that, jurors would have judged something else than the record says. A withdrawn or
    merged nomination stays as it was."""
    return not scored and nomination.state not in (NominationState.WITHDRAWN, NominationState.MERGED)


def may_withdraw(nomination: Nomination) -> bool:
    return nomination.state in WITHDRAWABLE_STATES


def awaits_screening(nomination: Nomination) -> bool:
    return nomination.state in TO_SCREEN_STATES


def is_finished(nomination: Nomination) -> bool:
    return nomination.state in CLOSED_STATES


def has_consent(nomination: Nomination) -> bool:
    """The nominee agreed to take part (for a third party's proposal: the nominee themself, through their link)."""
    return nomination.consent_at is not None


def attachments_of(nomination: Nomination) -> list:
    return [d for d in nomination.documents if d.kind != DocumentKind.SUPPORT_LETTER]


def missing_for_submission(nomination: Nomination) -> list[str]:
    """What a nomination still lacks before it can be submitted, worded for the applicant (empty: complete)."""
    programme = nomination.programme
    missing = []
    if not (nomination.description or "").strip():
        missing.append(_("eine Beschreibung des Projekts"))
    if programme.categories and nomination.category_id is None:
        missing.append(_("die Kategorie"))
    if nomination.district_id is None:
        missing.append(_("der Landkreis oder die kreisfreie Stadt"))
    if nomination.active_since is None:
        missing.append(_("seit wann das Projekt aktiv ist"))
    for number, question in enumerate(programme.questions or [], start=1):
        if question.get("required") and not str((nomination.answers or {}).get(str(number), "")).strip():
            missing.append(_("eine Antwort auf „%(question)s“", question=question.get("label", "")))
    needed = programme.required_attachments or 0
    if len(attachments_of(nomination)) < needed:
        missing.append(ngettext("mindestens %(num)d Anlage", "mindestens %(num)d Anlagen", needed))
    return missing


def nomination_is_complete(nomination: Nomination) -> bool:
    return not missing_for_submission(nomination)


def eligibility_failures(nomination: Nomination) -> list[str]:
    """The call's rules the service can check itself, each failure with its reason (empty: no rule refuses).

    Active for at least N months, counted back from the deadline; the district in the call's region or state.
    """
    programme = nomination.programme
    failures = []
    months = programme.min_active_months or 0
    if months and nomination.active_since is not None:
        latest_start = berlin_date(programme.deadline) - relativedelta(months=months)
        if nomination.active_since > latest_start:
            failures.append(
                ngettext(
                    "Das Projekt muss zum Einsendeschluss seit mindestens %(num)d Monat aktiv sein.",
                    "Das Projekt muss zum Einsendeschluss seit mindestens %(num)d Monaten aktiv sein.",
                    months,
                )
            )
    district = nomination.district
    if district is not None:
        if (
            programme.scope == ProgrammeScope.REGION
            and programme.region_id
            and district.region_id != programme.region_id
        ):
            failures.append(
                _("Der Preis wird nur für Projekte im Regierungsbezirk %(region)s vergeben.", region=programme.area)
            )
        elif programme.scope == ProgrammeScope.STATE and district.region.state != programme.state:
            failures.append(_("Der Preis wird nur für Projekte in %(state)s vergeben.", state=programme.state))
    return failures


def reaches_jury(nomination: Nomination) -> bool:
    """Admitted in the screening and consented to by the nominee: only then does the jury see it."""
    return nomination.state == NominationState.ELIGIBLE and has_consent(nomination)


# --- the jury ---------------------------------------------------------------------------------------------------


def is_conflicted(conflict: ConflictDeclaration | None) -> bool:
    """A declared, recused, confirmed or still undecided suggested conflict: the juror neither sees nor counts."""
    return conflict is not None and conflict.state in CONFLICTED_STATES


def may_declare_over(conflict: ConflictDeclaration) -> bool:
    """A member changes their own declaration, or declares over a dismissed suggestion; a suggestion the chair has
    not dismissed, and a confirmed one, stand."""
    return conflict.state not in (ConflictState.SUGGESTED, ConflictState.CONFIRMED)


def covers(member: JuryMember, nomination: Nomination) -> bool:
    """The member judges the nomination's category (a member without a category judges all of them)."""
    return member.programme_id == nomination.programme_id and (
        member.category_id is None or member.category_id == nomination.category_id
    )


def may_open_nomination(member: JuryMember, nomination: Nomination, conflict: ConflictDeclaration | None) -> bool:
    return covers(member, nomination) and reaches_jury(nomination) and not is_conflicted(conflict)


def round_is_open(round_: Round | None, kind: RoundKind) -> bool:
    return round_ is not None and round_.kind == kind and round_.state == RoundState.OPEN


def may_score(
    member: JuryMember, nomination: Nomination, conflict: ConflictDeclaration | None, programme: AwardProgramme
) -> bool:
    """An assigned, non-conflicted member, on an admitted nomination, while the scoring round is open."""
    return may_open_nomination(member, nomination, conflict) and round_is_open(
        programme.round_of(RoundKind.SCORING), RoundKind.SCORING
    )


def may_see_other_scores(review: JuryReview | None) -> bool:
    """Jurors see each other's scores only after submitting their own."""
    return review is not None and review.submitted_at is not None


def may_rank_shortlist(programme: AwardProgramme) -> bool:
    return round_is_open(programme.round_of(RoundKind.SHORTLIST), RoundKind.SHORTLIST)


def results_are_frozen(programme: AwardProgramme) -> bool:
    """Once the scoring round closed, its figures and the shortlist stand as they were."""
    scoring = programme.round_of(RoundKind.SCORING)
    return scoring is not None and scoring.state == RoundState.CLOSED and scoring.frozen_results is not None


def jury_sees_nominations(programme: AwardProgramme) -> bool:
    """Jurors see nominations from the scoring round on (not while the organisers screen)."""
    scoring = programme.round_of(RoundKind.SCORING)
    return scoring is not None and scoring.state != RoundState.PLANNED


# --- decisions and their embargo --------------------------------------------------------------------------------


# Who hears "no" when the decisions are released: submitted or admitted, and not among the winners (those not
# admitted were told why in the screening's own batch).
TOLD_NO_STATES = (NominationState.SUBMITTED, NominationState.MORE_INFORMATION, NominationState.ELIGIBLE)


def is_told_no_at_release(nomination: Nomination) -> bool:
    """Whether the release tells this applicant "no" when it is not among the winners (mail and personal link)."""
    return nomination.state in TOLD_NO_STATES


def decision_is_released(programme: AwardProgramme) -> bool:
    """The organisers released the jury's decision: winners and the others are told, certificates may be issued.
    Before, nobody outside the jury and the organisers sees anything of it."""
    return programme.decision_released_at is not None


def withdraws_a_released_prize(nomination: Nomination, has_prize: bool) -> bool:
    """A winner withdrawing once the decision is out gives the prize up: its certificate is revoked, its place at
    the ceremony cancelled, and the organisers are told on the decision's and the ceremony's pages."""
    return has_prize and decision_is_released(nomination.programme)


def may_change_decision(programme: AwardProgramme) -> bool:
    """The chair records and corrects decisions until they are released."""
    return not decision_is_released(programme)


def winners_page_is_public(programme: AwardProgramme, now: datetime | None = None) -> bool:
    """Released, and the publication time the organisers set (e.g. the end of the ceremony) has passed."""
    return (
        decision_is_released(programme)
        and programme.winners_public_at is not None
        and (now or utcnow()) >= programme.winners_public_at
    )


def record_is_outdated(programme: AwardProgramme, fingerprint: str, latest_decision: datetime | None) -> bool:
    """The decision record no longer says what was decided: a decision (or its money) changed after it was made.
    `fingerprint`: the decisions as they stand (awards.record.decisions_fingerprint); a record made before records
    kept theirs is compared by time with the latest decision."""
    if programme.record_key is None:
        return False
    if programme.record_fingerprint is None:
        return latest_decision is not None and latest_decision > programme.record_rendered_at
    return programme.record_fingerprint != fingerprint
