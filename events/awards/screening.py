"""The organisers' screening: the automatic checks, eligible or not (with the reason), requests for documents,
site visits, duplicates and their merging, and telling those not admitted, in one batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, utils
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from events.awards import mails
from events.awards.errors import AwardError
from events.awards.models import (
    CLOSED_STATES,
    AwardProgramme,
    DocumentRequest,
    Nomination,
    NominationState,
)
from events.awards.rules import awaits_screening, eligibility_failures, missing_for_submission
from events.core.audit import record_audit
from events.core.database import lock_row
from events.core.types import utcnow
from events.extensions import db

# Two nominations of one programme whose project names (or organisation and project together) are this similar,
# out of 100, are flagged as possible duplicates.
DUPLICATE_SIMILARITY = 88


@dataclass
class Checks:
    missing: list[str]
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.missing and not self.failures


def automatic_checks(nomination: Nomination) -> Checks:
    return Checks(missing_for_submission(nomination), eligibility_failures(nomination))


def programme_nominations(programme: AwardProgramme, state: str | None = None) -> list[Nomination]:
    query = (
        select(Nomination)
        .where(Nomination.programme_id == programme.id)
        .options(selectinload(Nomination.documents), selectinload(Nomination.district))
        .order_by(Nomination.created_at, Nomination.id)
    )
    if state:
        query = query.where(Nomination.state == state)
    return list(db.session.scalars(query))


def _locked_for_screening(nomination: Nomination) -> Nomination:
    nomination = lock_row(Nomination, nomination.id)
    if nomination is None or not awaits_screening(nomination):
        raise AwardError("not_screenable")
    return nomination


def screen(nomination: Nomination, eligible: bool, reason: str, by) -> Nomination:
    """Eligible, or not eligible with the reason the applicant is told (later, in one batch)."""
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise AwardError("reason_missing")
    nomination = _locked_for_screening(nomination)
    nomination.state = NominationState.ELIGIBLE if eligible else NominationState.NOT_ELIGIBLE
    nomination.screening_reason = "" if eligible else reason
    nomination.screened_at = utcnow()
    nomination.screened_by_id = by.id
    record_audit("award_nomination.screen", nomination, f"{nomination.state}: {reason}"[:500])
    db.session.commit()
    return nomination


def request_documents(nomination: Nomination, text: str, due_on: date, by) -> DocumentRequest:
    """Ask the applicant for documents or answers by a date; they answer through the personal link."""
    nomination = _locked_for_screening(nomination)
    request = DocumentRequest(nomination=nomination, text=text.strip(), due_on=due_on, requested_by_id=by.id)
    db.session.add(request)
    nomination.state = NominationState.MORE_INFORMATION
    db.session.flush()
    record_audit("award_request.create", nomination, text[:200])
    mails.send_document_request(nomination, request)
    db.session.commit()
    return request


def record_site_visit(nomination: Nomination, visited_on: date, note: str) -> Nomination:
    nomination = lock_row(Nomination, nomination.id)
    nomination.site_visit_at = visited_on
    nomination.site_visit_note = note.strip()
    record_audit("award_nomination.site_visit", nomination, note[:200])
    db.session.commit()
    return nomination


def _duplicate_key(nomination: Nomination) -> str:
    return utils.default_process(f"{nomination.project_name} {nomination.organisation_name}")


def possible_duplicates(programme: AwardProgramme) -> dict[int, list[Nomination]]:
    """For each open nomination, the others of the programme that look like the same project."""
    candidates = [n for n in programme_nominations(programme) if n.state not in CLOSED_STATES]
    keys = {n.id: (_duplicate_key(n), utils.default_process(n.project_name)) for n in candidates}
    found: dict[int, list[Nomination]] = {}
    for index, first in enumerate(candidates):
        for second in candidates[index + 1 :]:
            both, names = keys[first.id], keys[second.id]
            similarity = max(fuzz.token_sort_ratio(both[0], names[0]), fuzz.ratio(both[1], names[1]))
            if similarity >= DUPLICATE_SIMILARITY:
                found.setdefault(first.id, []).append(second)
                found.setdefault(second.id, []).append(first)
    return found


def merge_nominations(duplicate: Nomination, into: Nomination) -> Nomination:
    """Keep `into`; the duplicate's documents move over and it is marked as merged."""
    if duplicate.id == into.id or duplicate.programme_id != into.programme_id:
        raise AwardError("same_nomination")
    duplicate = lock_row(Nomination, duplicate.id)
    into = db.session.get(Nomination, into.id)
    if duplicate.state in CLOSED_STATES or into.state in CLOSED_STATES:
        raise AwardError("not_editable")
    for document in list(duplicate.documents):
        document.nomination = into
    duplicate.state = NominationState.MERGED
    duplicate.merged_into_id = into.id
    duplicate.shortlisted = False
    record_audit("award_nomination.merge", duplicate, f"-> {into.id} {into.project_name}")
    db.session.commit()
    return into


def refusals_to_send(programme: AwardProgramme) -> list[Nomination]:
    return [
        n
        for n in programme_nominations(programme, NominationState.NOT_ELIGIBLE)
        if n.refusal_sent_at is None and n.contact_email
    ]


def release_refusals(programme: AwardProgramme) -> int:
    """Tell every applicant not admitted (and not told yet) why, in one batch; returns how many were told."""
    lock_row(AwardProgramme, programme.id)
    pending = refusals_to_send(programme)
    now = utcnow()
    for nomination in pending:
        nomination.refusal_sent_at = now
        mails.send_refusal(nomination)
    programme.refusals_released_at = now
    record_audit("award_programme.release_refusals", programme, f"{len(pending)} refusals")
    db.session.commit()
    return len(pending)
