"""Nominations, three ways (self-application, a third party's proposal, entered by the organisers), and what an
applicant does through the personal link: complete, consent, submit, upload, answer a request, withdraw."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from events.awards import mails
from events.awards.certificates import revoke_prize_certificates
from events.awards.decisions import prize_of
from events.awards.documents import MAX_FILES, checked_upload, forget_document, store_document
from events.awards.errors import AwardError
from events.awards.links import NOMINEE, PROPOSER, give_links, placeholder_hash, renew_link
from events.awards.models import (
    AwardProgramme,
    DocumentKind,
    DocumentRequest,
    Nomination,
    NominationDocument,
    NominationRoute,
    NominationState,
    Score,
)
from events.awards.rules import (
    call_is_open,
    eligibility_failures,
    has_consent,
    is_finished,
    may_change_nomination,
    may_withdraw,
    missing_for_submission,
    organiser_may_correct,
    withdraws_a_released_prize,
)
from events.awards.signals import released_winner_withdrew
from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.models import District
from events.core.types import utcnow
from events.extensions import db

# What the applicant's form edits; the organisers' form and the third party's proposal edit the same fields.
NOMINATION_FIELDS = (
    *("category_id", "nominee_kind", "project_name", "description", "active_since", "district_id"),
    *("organisation_name", "contact_name", "contact_email", "contact_phone", "answers"),
)
PROPOSER_FIELDS = ("proposer_name", "proposer_email", "proposer_organisation")


def consent_text() -> str:
    """The wording the nominee agrees to, in the language it is shown in; kept with the consent."""
    return _(
        "Ich bin mit der Teilnahme am Wettbewerb einverstanden und damit, dass das Organisationsteam und die Jury"
        " meine Angaben und Unterlagen für die Auswahl verarbeiten."
    )


def _apply(nomination: Nomination, values: dict) -> None:
    for name in NOMINATION_FIELDS:
        if name in values:
            setattr(nomination, name, values[name])
    if "district_id" in values:
        district = db.session.get(District, values["district_id"]) if values["district_id"] else None
        nomination.region_id = district.region_id if district else None
    if nomination.contact_email:
        nomination.contact_email = nomination.contact_email.strip().lower()


def start_nomination(
    programme: AwardProgramme,
    route: NominationRoute,
    values: dict,
    *,
    language: str = "de",
    proposer: dict | None = None,
    created_by=None,
    consent_recorded: bool = False,
) -> Nomination:
    """Create a nomination: a self-application starts as a draft; a third party's proposal goes to the nominee for
    consent at once; the organisers' entry is a draft, submitted at once when complete and consent is recorded."""
    if route != NominationRoute.ORGANISER and not call_is_open(programme):
        raise AwardError("call_closed")
    nomination = Nomination(
        programme=programme,
        route=route,
        language=language,
        link_nonce="",
        token_hash=placeholder_hash(),
        created_by_id=created_by.id if created_by else None,
        answers={},
    )
    _apply(nomination, values)
    if route == NominationRoute.THIRD_PARTY:
        for name in PROPOSER_FIELDS:
            setattr(nomination, name, (proposer or {}).get(name))
        nomination.proposer_email = (nomination.proposer_email or "").strip().lower()
        nomination.proposer_language = language
        nomination.state = NominationState.AWAITING_CONSENT
    db.session.add(nomination)
    db.session.flush()
    give_links(nomination, proposer=route == NominationRoute.THIRD_PARTY)
    record_audit("award_nomination.create", nomination, f"{route}: {nomination.project_name}", actor=_actor(created_by))
    if route == NominationRoute.THIRD_PARTY:
        mails.send_consent_request(nomination)
        mails.send_proposer_link(nomination)
    elif route == NominationRoute.ORGANISER and consent_recorded:
        nomination.consent_at = utcnow()
        nomination.consent_text = _(
            "Einwilligung liegt dem Organisationsteam vor (erfasst von %(name)s).", name=created_by
        )
        if not missing_for_submission(nomination):
            _mark_submitted(nomination)
    if nomination.state == NominationState.DRAFT:
        mails.send_started(nomination)
    db.session.commit()
    return nomination


def _actor(user) -> str:
    return user.email if user is not None else "applicant"


def _locked(nomination: Nomination) -> Nomination:
    locked = lock_row(Nomination, nomination.id)
    if locked is None:
        raise AwardError("not_editable")
    return locked


def save_nomination(nomination: Nomination, values: dict) -> Nomination:
    """Save what the applicant typed (a draft may stay incomplete)."""
    nomination = _locked(nomination)
    if not may_change_nomination(nomination):
        raise AwardError("not_editable")
    _apply(nomination, values)
    db.session.commit()
    return nomination


def submission_problems(nomination: Nomination) -> list[str]:
    """Everything that keeps the nomination from being submitted now: missing parts, then refusing rules."""
    return missing_for_submission(nomination) + eligibility_failures(nomination)


def submit_nomination(nomination: Nomination, consent: bool) -> Nomination:
    """Submit a complete nomination with the nominee's consent; refuses with what is missing or which rule fails."""
    nomination = _locked(nomination)
    if not may_change_nomination(nomination):
        raise AwardError("not_editable" if call_is_open(nomination.programme) else "call_closed")
    if missing_for_submission(nomination):
        raise AwardError("incomplete")
    if eligibility_failures(nomination):
        raise AwardError("not_eligible")
    if not has_consent(nomination):
        if not consent:
            raise AwardError("consent_missing")
        nomination.consent_at = utcnow()
        nomination.consent_text = consent_text()
    _mark_submitted(nomination)
    record_audit("award_nomination.submit", nomination, nomination.project_name, actor="applicant")
    mails.send_submitted(nomination)
    db.session.commit()
    return nomination


def _mark_submitted(nomination: Nomination) -> None:
    nomination.state = NominationState.SUBMITTED
    nomination.submitted_at = utcnow()


def withdraw_nomination(nomination: Nomination) -> Nomination:
    """The applicant withdraws. A winner withdrawing after the release gives the prize up: its certificates are
    revoked here, and the packages above are told (signals.released_winner_withdrew: the ceremony's guest list)."""
    nomination = _locked(nomination)
    if not may_withdraw(nomination):
        raise AwardError("not_withdrawable")
    gives_prize_up = withdraws_a_released_prize(nomination, prize_of(nomination) is not None)
    nomination.state = NominationState.WITHDRAWN
    nomination.withdrawn_at = utcnow()
    nomination.shortlisted = False
    record_audit("award_nomination.withdraw", nomination, nomination.project_name, actor="applicant")
    if gives_prize_up:
        revoke_prize_certificates(nomination, "Vorschlag nach der Bekanntgabe der Entscheidung zurückgezogen")
    db.session.commit()
    if gives_prize_up:
        released_winner_withdrew.send(nomination)
    return nomination


def may_upload(nomination: Nomination, role: str) -> bool:
    """The nominee adds attachments while they may edit, or while asked for more; a proposer adds letters of
    support until the nomination is screened."""
    if is_finished(nomination):
        return False
    if role == PROPOSER:
        return nomination.state in (
            NominationState.AWAITING_CONSENT,
            NominationState.SUBMITTED,
            NominationState.MORE_INFORMATION,
        )
    return may_change_nomination(nomination) or nomination.state == NominationState.MORE_INFORMATION


def add_document(nomination: Nomination, role: str, filename: str, stream) -> NominationDocument:
    """Check and keep an upload: the nominee's attachments, answers to a request, a proposer's support letter."""
    if not may_upload(nomination, role):
        raise AwardError("not_editable")
    if len(nomination.documents) >= MAX_FILES:
        raise AwardError("too_many_files", count=MAX_FILES)
    name, content_type, data = checked_upload(filename, stream)
    key = store_document(data)  # before the write lock: the database store writes on a connection of its own
    nomination = lock_row(Nomination, nomination.id)
    if nomination is None or not may_upload(nomination, role):
        forget_document(key)
        raise AwardError("not_editable")
    if role == PROPOSER:
        kind = DocumentKind.SUPPORT_LETTER
    elif nomination.state == NominationState.MORE_INFORMATION:
        kind = DocumentKind.ANSWER
    else:
        kind = DocumentKind.ATTACHMENT
    document = NominationDocument(
        nomination=nomination,
        kind=kind,
        filename=name,
        content_type=content_type,
        size=len(data),
        storage_key=key,
        uploaded_by=role,
    )
    db.session.add(document)
    record_audit("award_document.add", nomination, f"{kind}: {name}", actor=role)
    db.session.commit()
    return document


def remove_document(nomination: Nomination, document: NominationDocument, role: str) -> None:
    if document.nomination_id != nomination.id or document.uploaded_by != role or not may_upload(nomination, role):
        raise AwardError("not_editable")
    key = document.storage_key
    db.session.delete(document)
    record_audit("award_document.remove", nomination, document.filename, actor=role)
    db.session.commit()
    forget_document(key)


def answer_request(nomination: Nomination, request: DocumentRequest, answer: str) -> Nomination:
    """The applicant answers a request; with every request answered, the nomination goes back to screening."""
    nomination = _locked(nomination)
    request = db.session.get(DocumentRequest, request.id)
    if request.answered_at is not None:
        raise AwardError("request_answered")
    if nomination.state != NominationState.MORE_INFORMATION:
        raise AwardError("not_editable")
    request.answer = answer.strip()
    request.answered_at = utcnow()
    if all(r.answered_at is not None for r in nomination.requests):
        nomination.state = NominationState.SUBMITTED
    record_audit("award_request.answer", nomination, nomination.project_name, actor=NOMINEE)
    db.session.commit()
    return nomination


def send_links_again(programme: AwardProgramme, email: str) -> int:
    """New personal links to every nomination of the programme that this address holds (as nominee or as
    proposer), each by mail to the address; the old links stop working. The visitor is told the same whether or
    not there is one (the view); returns how many links were sent."""
    address = (email or "").strip().lower()
    nominations = db.session.scalars(
        select(Nomination)
        .where(
            Nomination.programme_id == programme.id,
            Nomination.state.not_in([NominationState.WITHDRAWN, NominationState.MERGED]),
            or_(func.lower(Nomination.contact_email) == address, func.lower(Nomination.proposer_email) == address),
        )
        .order_by(Nomination.id)
    ).all()
    sent = 0
    for nomination in nominations:
        nomination = _locked(nomination)
        for role, recipient in ((NOMINEE, nomination.contact_email), (PROPOSER, nomination.proposer_email)):
            if (recipient or "").strip().lower() != address or (
                role == PROPOSER and not nomination.proposer_link_nonce
            ):
                continue
            renew_link(nomination, role)
            record_audit(
                "award_nomination.renew_link", nomination, f"{nomination.project_name}: {role}", actor="applicant"
            )
            mails.send_link_again(nomination, role)
            sent += 1
    db.session.commit()
    return sent


def correction_refused(nomination: Nomination) -> AwardError | None:
    """Why the organisers cannot correct the nomination, or None (see rules.organiser_may_correct)."""
    scored = db.session.scalar(select(Score.id).where(Score.nomination_id == nomination.id).limit(1)) is not None
    if organiser_may_correct(nomination, scored):
        return None
    return AwardError("already_scored" if scored else "not_editable")


def correct_nomination(nomination: Nomination, values: dict, by, *, note: str = "", tell: bool = False) -> list[str]:
    """An organiser corrects the nomination's details; audited with the old and new values, and the applicant told
    (with the organiser's note) when asked for. Returns the names of the fields that changed."""
    nomination = _locked(nomination)
    refused = correction_refused(nomination)
    if refused is not None:
        db.session.rollback()
        raise refused
    before = {name: getattr(nomination, name) for name in NOMINATION_FIELDS}
    _apply(nomination, values)
    changed = [name for name in NOMINATION_FIELDS if getattr(nomination, name) != before[name]]
    if not changed:
        db.session.rollback()
        return []
    record_audit(
        "award_nomination.correct",
        nomination,
        f"{nomination.project_name}: {', '.join(changed)}",
        details={name: [str(before[name]), str(getattr(nomination, name))] for name in changed},
        actor=_actor(by),
    )
    if tell:
        mails.send_corrected(nomination, (note or "").strip())
    db.session.commit()
    return changed
