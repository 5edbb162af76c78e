"""Certificates of an award programme, through the certificates machinery: the Urkunde of every winner (kind
"award_prize": place, category, prize, laudation line) and the thanks to every jury member (kind "jury_thanks").
Issued only once the decisions are released, each person's once, in one batch per kind that the worker renders;
the verification page holds a prize certificate back while its programme's decision is not released.
"""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from events.awards.decision_models import AwardCertificate, Prize
from events.awards.decisions import RECORD_LANGUAGE, winners_of
from events.awards.errors import AwardError
from events.awards.models import AwardProgramme, Nomination, NomineeKind
from events.awards.prizes import euros
from events.awards.rules import decision_is_released
from events.certificates.batches import start_rendering
from events.certificates.issuing import issue_certificates, mark_revoked, new_batch
from events.certificates.kinds import AWARD_PRIZE, JURY_THANKS
from events.certificates.models import Certificate, CertificateBatch
from events.certificates.recipients import Recipient
from events.certificates.verification import register_embargo
from events.certificates.wording import DEFAULT_ISSUER
from events.core.audit import record_audit
from events.core.database import lock_row
from events.directory.person_details import PersonDetails
from events.extensions import db


def _plain(text: str) -> str:
    return (text or "").replace("{", "(").replace("}", ")")  # braces would read as placeholders


def _issued(programme: AwardProgramme) -> tuple[set[int], set[int]]:
    rows = db.session.execute(
        select(AwardCertificate.prize_id, AwardCertificate.jury_member_id)
        .join(Certificate, Certificate.id == AwardCertificate.certificate_id)
        .where(AwardCertificate.programme_id == programme.id, Certificate.revoked_at.is_(None))
    ).all()
    return {p for p, _m in rows if p}, {m for _p, m in rows if m}


def _prize_recipients(programme: AwardProgramme, done: set[int]) -> list[tuple[int, Recipient]]:
    found = []
    with force_locale(RECORD_LANGUAGE):
        for winner in winners_of(programme):
            if winner.prize_id in done:
                continue
            prize = winner.amount_cents and euros(winner.amount_cents, "de")
            values = {
                "programme": _plain(str(programme)),
                "project": _plain(winner.project),
                "place": _plain(winner.prize_label),
                "category": _plain(f" in der Kategorie „{winner.category_name}“" if winner.category_name else ""),
                "prize": _plain(f"Preisgeld: {prize}" if prize else ""),
                "laudation": _plain(winner.laudation),
            }
            nomination = db.session.get(Nomination, winner.nomination_id)
            named = winner.person.name if nomination.nominee_kind == NomineeKind.PERSON else winner.person.organisation
            person = PersonDetails(
                named or winner.person.name,
                email=winner.person.email,
                organisation=winner.person.organisation,
                district=winner.person.district,
                language=winner.person.language,
            )
            found.append((winner.prize_id, Recipient(person, values=values)))
    return found


def _jury_recipients(programme: AwardProgramme, done: set[int]) -> list[tuple[int, Recipient]]:
    found = []
    for member in sorted(programme.jury, key=lambda m: (not m.is_chair, m.name)):
        if member.id in done:
            continue
        values = {
            "programme": _plain(str(programme)),
            "role": "Vorsitzende oder Vorsitzender der Jury" if member.is_chair else "Mitglied der Jury",
        }
        person = PersonDetails(member.name, email=member.user.email, organisation=member.organisation_name)
        found.append((member.id, Recipient(person, values=values)))
    return found


def issue_award_certificates(programme: AwardProgramme, user_id: int | None = None) -> list[CertificateBatch]:
    """A batch of Urkunden for the winners and one of thanks for the jury, for those who have none yet; the worker
    renders them. Refused before the release."""
    programme = lock_row(AwardProgramme, programme.id)
    if not decision_is_released(programme):
        raise AwardError("not_released")
    prizes_done, members_done = _issued(programme)
    plans = [
        (AWARD_PRIZE, _prize_recipients(programme, prizes_done), "prize_id"),
        (JURY_THANKS, _jury_recipients(programme, members_done), "jury_member_id"),
    ]
    if not any(recipients for _kind, recipients, _column in plans):
        raise AwardError("nothing_to_issue")
    batches = []
    for kind, recipients, column in plans:
        if not recipients:
            continue
        batch = new_batch(kind.key, kind.default_title, kind.default_body, created_by_id=user_id)
        certificates = issue_certificates(batch, [r for _id, r in recipients], DEFAULT_ISSUER)
        for (owner_id, _recipient), certificate in zip(recipients, certificates, strict=True):
            db.session.add(
                AwardCertificate(programme_id=programme.id, certificate_id=certificate.id, **{column: owner_id})
            )
        batches.append(batch)
    record_audit("award_programme.certificates", programme, ", ".join(f"{b.kind}: {b.total}" for b in batches))
    db.session.flush()
    for batch in batches:
        start_rendering(batch)  # commits, then hands the batch to the worker
    return batches


def certificates_of(programme: AwardProgramme) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .join(AwardCertificate, AwardCertificate.certificate_id == Certificate.id)
            .where(AwardCertificate.programme_id == programme.id)
            .order_by(Certificate.id)
        )
    )


def revoke_prize_certificates(nomination: Nomination, reason: str) -> int:
    """Revoke the valid prize certificates of a nomination's prizes (a winner who withdrew after the release): the
    verification page then says they are no longer valid. Leaves the commit to the caller; returns how many."""
    certificates = db.session.scalars(
        select(Certificate)
        .join(AwardCertificate, AwardCertificate.certificate_id == Certificate.id)
        .join(Prize, Prize.id == AwardCertificate.prize_id)
        .where(Prize.nomination_id == nomination.id, Certificate.revoked_at.is_(None))
    ).all()
    for certificate in certificates:
        mark_revoked(certificate, reason)
    return len(certificates)


def _prize_under_embargo(certificate: Certificate) -> bool:
    """A prize certificate verifies only once its programme's decision is released."""
    if certificate.kind != AWARD_PRIZE.key:
        return False
    programme_id = db.session.scalar(
        select(AwardCertificate.programme_id).where(AwardCertificate.certificate_id == certificate.id)
    )
    programme = db.session.get(AwardProgramme, programme_id) if programme_id else None
    return programme is not None and not decision_is_released(programme)


register_embargo(_prize_under_embargo)
