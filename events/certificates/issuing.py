"""Issuing certificates: batches with the organiser's settings, serials, corrections, prizes, participants' own."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import select

from events.certificates.attendance import programme_attended
from events.certificates.batches import start_rendering
from events.certificates.errors import CertificateProblem
from events.certificates.kinds import ATTENDANCE, kind_of
from events.certificates.models import BatchStatus, Certificate, CertificateBatch
from events.certificates.pages import DESIGNS, MAX_SIGNATORIES, document_settings, page_for, render_certificates
from events.certificates.recipients import (
    Recipient,
    placeholder_values,
    recipient_for_registration,
    recipients_from_event,
)
from events.certificates.wording import (
    DEFAULT_ISSUER,
    fill_placeholders,
    local_today,
    placeholder_problems,
)
from events.checkin.rules import attended_days
from events.core.audit import record_audit
from events.core.timezone import berlin_date
from events.core.types import utcnow
from events.directory.person_details import PersonDetails
from events.extensions import db
from events.meetings.models import Event
from events.meetings.rules import event_is_over
from events.registration.models import Registration, RegistrationStatus


def _reason(kind: str, title: str, values: dict[str, str]) -> str:
    """Why the certificate was issued, for the verification page (see kinds.Kind.reason)."""
    known = kind_of(kind)
    return (known.reason(title, values) if known else title)[:300]


def new_batch(
    kind: str,
    title: str,
    body_template: str,
    *,
    design: str = "classic",
    event_id: int | None = None,
    signatories: list[dict] | None = None,
    place: str | None = None,
    issue_date: date | None = None,
    logo: bytes | None = None,
    logo_type: str | None = None,
    created_by_id: int | None = None,
    list_workshops: bool = False,
) -> CertificateBatch:
    """A batch with the organiser's settings (not yet added to the session)."""
    if kind_of(kind) is None:
        raise CertificateProblem("unknown_kind")
    problems = placeholder_problems(body_template, kind) + placeholder_problems(title, kind)
    if problems:
        raise CertificateProblem("placeholders", problems=problems)
    return CertificateBatch(
        kind=kind,
        event_id=event_id,
        design=design if design in DESIGNS else "classic",
        title=title,
        body_template=body_template,
        signatories=[s for s in (signatories or []) if s.get("name")][:MAX_SIGNATORIES],
        place=place or None,
        issue_date=issue_date,
        logo=logo,
        logo_type=logo_type if logo else None,
        status=BatchStatus.DRAFT,
        created_by_id=created_by_id,
        list_workshops=bool(list_workshops) and kind == ATTENDANCE.key,
    )


def certificate_for(
    batch: CertificateBatch, recipient: Recipient, event: Event | None, issuer: str, attended: dict | None = None
) -> Certificate:
    """attended: the workshops and hours the recipient attended (certificates.attendance), for a batch that lists
    them."""
    values = placeholder_values(recipient, event, batch.issue_date or local_today())
    code = secrets.token_urlsafe(12)  # 96 random bits
    details: dict = {"values": values}
    if recipient.days:
        details["days"] = [d.isoformat() for d in recipient.days]
    if batch.list_workshops and attended:
        details.update(attended)
    return Certificate(
        serial=f"pending-{code[:12]}",
        code=code,
        kind=batch.kind,
        batch=batch,
        event_id=event.id if event else None,
        registration_id=recipient.registration_id,
        person_id=recipient.person_id,
        recipient_name=recipient.name[:250],
        recipient_email=recipient.email,
        title=fill_placeholders(batch.title, values)[:200],
        body=fill_placeholders(batch.body_template, values),
        reason=_reason(batch.kind, batch.title, values),
        details=details,
        issuer=issuer[:200],
        issued_at=utcnow(),
    )


# what the preview of a batch listing workshops and hours shows for a sample name
SAMPLE_ATTENDED = {"workshops": ["Wohnen (9. März 2027, 10:00–11:30 Uhr)"], "hours": "7,5 Stunden"}


def _attended(batch: CertificateBatch, recipients: list[Recipient], event: Event | None) -> dict[int, dict]:
    """Registration id -> workshops and hours attended, when the batch lists them (one query set for all)."""
    if not batch.list_workshops or event is None:
        return {}
    return programme_attended(event, {r.registration_id: r.days for r in recipients if r.registration_id})


def _assign_serials(certificates: list[Certificate]) -> None:
    """Serials follow the row ids, so they are unique without a counter that two workers could race for."""
    db.session.flush()
    for certificate in certificates:
        certificate.serial = f"TP-{berlin_date(certificate.issued_at).year}-{certificate.id:05d}"
    db.session.flush()


def issue_certificates(
    batch: CertificateBatch, recipients: list[Recipient], issuer: str, event: Event | None = None
) -> list[Certificate]:
    """Create a certificate per recipient, in the given order, in the current transaction."""
    if not recipients:
        raise CertificateProblem("nobody")
    if batch.id is None:
        db.session.add(batch)
    attended = _attended(batch, recipients, event)
    certificates = [
        certificate_for(batch, recipient, event, issuer, attended.get(recipient.registration_id))
        for recipient in recipients
    ]
    db.session.add_all(certificates)
    _assign_serials(certificates)
    batch.total = len(certificates)
    batch.progress = 0
    record_audit(
        "certificates.issued",
        batch,
        f"{len(certificates)} × {batch.kind}: {batch.title}",
        {"serials": [certificates[0].serial, certificates[-1].serial]},
    )
    return certificates


def issue_batch(
    batch: CertificateBatch, recipients: list[Recipient], issuer: str, event: Event | None, send_mail: bool
) -> None:
    """Issue the organiser's batch and hand it to the worker (start_rendering commits); a refusal rolls back."""
    try:
        issue_certificates(batch, recipients, issuer, event)
    except CertificateProblem:
        db.session.rollback()
        raise
    start_rendering(batch, send_mail=send_mail)


def preview_pdf(batch: CertificateBatch, recipient: Recipient | None, issuer: str, event: Event | None) -> bytes:
    """A one-page PDF with the batch's settings for the first recipient (or a sample name); nothing is saved."""
    sample = recipient or Recipient(
        PersonDetails(
            "Erika Mustermann",
            organisation="Freiwilligenagentur Musterstadt",
            district="Landkreis Musterstadt",
            function="Integrationslotsin",
        ),
        days=[local_today()],
        values=dict(kind_of(batch.kind).samples),
    )
    attended = _attended(batch, [sample], event).get(sample.registration_id) or SAMPLE_ATTENDED
    certificate = certificate_for(batch, sample, event, issuer, attended)  # transient: not in the session
    certificate.serial = "TP-VORSCHAU"
    certificate.code = "VORSCHAU"
    return render_certificates([page_for(certificate)], document_settings(batch, issuer))


def revoke_certificate(certificate: Certificate, reason: str) -> None:
    """Revoke a certificate (it no longer verifies) and commit."""
    mark_revoked(certificate, reason)
    db.session.commit()


def mark_revoked(certificate: Certificate, reason: str) -> None:
    """Revoke a certificate (it no longer verifies, the reason is kept and audited); leaves the commit to the
    caller. CertificateProblem("already_revoked") for one revoked before."""
    if certificate.revoked_at:
        raise CertificateProblem("already_revoked")
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason[:300]
    record_audit("certificates.revoked", certificate, f"{certificate.serial}: {reason}"[:500])


def correct_recipient_name(certificate: Certificate, new_name: str) -> Certificate:
    """Issue a corrected certificate with the new name and revoke the old one, and commit; returns the new
    certificate."""
    new_name = new_name.strip()
    if certificate.revoked_at:
        raise CertificateProblem("revoked_not_correctable")
    if not new_name or new_name == certificate.recipient_name:
        raise CertificateProblem("name_missing")
    values = dict((certificate.details or {}).get("values", {}))
    old_name = certificate.recipient_name
    values["name"] = new_name
    batch = certificate.batch
    body = fill_placeholders(batch.body_template, values) if batch else certificate.body.replace(old_name, new_name)
    code = secrets.token_urlsafe(12)
    replacement = Certificate(
        serial=f"pending-{code[:12]}",
        code=code,
        kind=certificate.kind,
        batch_id=certificate.batch_id,
        event_id=certificate.event_id,
        registration_id=certificate.registration_id,
        person_id=certificate.person_id,
        recipient_name=new_name[:250],
        recipient_email=certificate.recipient_email,
        title=fill_placeholders(batch.title, values)[:200] if batch else certificate.title,
        body=body,
        reason=certificate.reason,
        details={**(certificate.details or {}), "values": values},
        issuer=certificate.issuer,
        issued_at=utcnow(),
        replaces_id=certificate.id,
    )
    db.session.add(replacement)
    _assign_serials([replacement])
    mark_revoked(certificate, f"Name berichtigt, ersetzt durch {replacement.serial}")
    record_audit(
        "certificates.reissued", replacement, f"{certificate.serial} → {replacement.serial}: {old_name} → {new_name}"
    )
    db.session.commit()
    return replacement


def participant_certificate(registration: Registration) -> Certificate:
    """The participant's standing attendance certificate, issued now (and committed) if they attended and the event
    is over; a refusal rolls back."""
    try:
        return _standing_certificate(registration)
    except CertificateProblem:
        db.session.rollback()
        raise


def _standing_certificate(registration: Registration) -> Certificate:
    event = registration.event
    if registration.status == RegistrationStatus.CANCELLED:
        raise CertificateProblem("registration_cancelled")
    if not event_is_over(event):
        raise CertificateProblem("event_not_over")
    existing = db.session.scalars(
        select(Certificate)
        .where(Certificate.registration_id == registration.id, Certificate.kind == ATTENDANCE.key)
        .order_by(Certificate.revoked_at.is_not(None), Certificate.id.desc())  # a valid one first
    ).first()
    if existing is not None and existing.revoked_at is None:
        return existing
    if existing is not None:  # revoked by the organisers: fetching it must not issue it again
        raise CertificateProblem("certificate_revoked")
    days = attended_days(event.id, registration.id).get(registration.id)
    if not days:
        raise CertificateProblem("no_attendance")
    batch = _attendance_batch_for(event)
    issuer = (
        db.session.scalar(
            select(Certificate.issuer).where(Certificate.batch_id == batch.id).order_by(Certificate.id).limit(1)
        )
        if batch.id
        else None
    )
    (certificate,) = issue_certificates_to_batch(
        batch, [recipient_for_registration(registration, days)], issuer or DEFAULT_ISSUER, event
    )
    db.session.commit()
    return certificate


def issue_certificates_to_batch(batch, recipients, issuer, event) -> list[Certificate]:
    """Add certificates to a batch without touching its progress (for certificates fetched one at a time)."""
    total, progress = batch.total, batch.progress
    certificates = issue_certificates(batch, recipients, issuer, event)
    batch.total, batch.progress = (total or 0) + len(certificates), (progress or 0) + len(certificates)
    return certificates


def _attendance_batch_for(event: Event) -> CertificateBatch:
    """The organiser's latest attendance settings for the event, or the default wording."""
    batch = db.session.scalars(
        select(CertificateBatch)
        .where(CertificateBatch.event_id == event.id, CertificateBatch.kind == ATTENDANCE.key)
        .order_by(CertificateBatch.id.desc())
    ).first()
    if batch:
        return batch
    batch = new_batch(
        ATTENDANCE.key,
        ATTENDANCE.default_title,
        ATTENDANCE.default_body,
        event_id=event.id,
    )
    batch.status = BatchStatus.DONE
    return batch


def issue_missing_attendance_certificates(
    event: Event, issuer: str, send_mail: bool = False
) -> CertificateBatch | None:
    """Attendance certificates for every checked-in participant who has no valid one for the event yet, in a new
    batch with the organiser's latest attendance settings for it, rendered at once (for `flask certificates`).

    Safe to run again: those who have a certificate are left out, so nobody gets two, and nobody whose
    certificate was revoked gets a new one. None when nobody is left. Refused before the event is over.
    """
    if not event_is_over(event):
        raise CertificateProblem("event_not_over")
    have_one = set(
        db.session.scalars(
            select(Certificate.registration_id).where(
                Certificate.event_id == event.id,
                Certificate.kind == ATTENDANCE.key,
                Certificate.registration_id.is_not(None),
            )
        )
    )
    recipients = [r for r in recipients_from_event(event) if r.registration_id not in have_one]
    if not recipients:
        return None
    settings = _attendance_batch_for(event)
    batch = new_batch(
        ATTENDANCE.key,
        settings.title,
        settings.body_template,
        design=settings.design,
        event_id=event.id,
        signatories=settings.signatories,
        place=settings.place,
        logo=settings.logo,
        logo_type=settings.logo_type,
    )
    issue_certificates(batch, recipients, issuer, event)
    start_rendering(batch, send_mail, wait=True)
    return db.session.get(CertificateBatch, batch.id)
