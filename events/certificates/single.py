"""One certificate of any kind for one person, outside the organisers' batch form: for the award workflow
(prizes, jury thanks) and tandem groups (membership). It takes the same path as every batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from events.certificates.errors import CertificateProblem
from events.certificates.issuing import issue_certificates, new_batch
from events.certificates.kinds import PRIZE, kind_of
from events.certificates.models import BatchStatus, Certificate
from events.certificates.recipients import Recipient
from events.certificates.wording import DEFAULT_ISSUER
from events.directory.person_details import PersonDetails
from events.extensions import db
from events.meetings.models import Event


@dataclass(frozen=True)
class CertificateSettings:
    """How a single certificate looks; the kind's default title and text unless given."""

    title: str | None = None
    body_template: str | None = None
    design: str = "classic"
    signatories: list[dict] = field(default_factory=list)  # {"name": ..., "office": ...}, at most three
    city: str | None = None  # the place of issue, before the date
    issue_date: date | None = None  # today unless given
    issuer: str = DEFAULT_ISSUER  # the seal's words when there is no logo
    logo: bytes | None = None  # checked already (documents.uploads.check_logo)
    logo_type: str | None = None
    event_id: int | None = None  # the event the certificate is about ({event}, {date})


def issue_certificate(kind: str, recipient: Recipient, settings: CertificateSettings | None = None) -> Certificate:
    """A certificate of the kind for the recipient, in a batch of its own, in the current transaction.

    The caller commits (and may render it at once with pages.certificate_pdf). Raises CertificateProblem for an
    unknown kind, and for a title or text with placeholders the kind does not know.
    """
    known = kind_of(kind)
    if known is None:
        raise CertificateProblem("unknown_kind", kind=kind)
    settings = settings or CertificateSettings()
    batch = new_batch(
        kind,
        settings.title or known.default_title,
        settings.body_template or known.default_body,
        design=settings.design,
        event_id=settings.event_id,
        signatories=settings.signatories,
        place=settings.city,
        issue_date=settings.issue_date,
        logo=settings.logo,
        logo_type=settings.logo_type,
    )
    batch.status = BatchStatus.DONE
    event = db.session.get(Event, settings.event_id) if settings.event_id else None
    (certificate,) = issue_certificates(batch, [recipient], settings.issuer, event)
    batch.progress = 1
    return certificate


def issue_prize_certificate(
    name: str,
    place: str,
    category: str,
    prize: str,
    *,
    email: str | None = None,
    organisation: str = "",
    person_id: int | None = None,
    **settings,
) -> Certificate:
    """A prize certificate (Urkunde: place, category, prize); `settings` as CertificateSettings takes them."""
    recipient = Recipient(
        PersonDetails(name, email=email, organisation=organisation),
        person_id=person_id,
        values={"place": place, "category": category, "prize": prize},
    )
    return issue_certificate(PRIZE.key, recipient, CertificateSettings(**settings))
