"""Certificates of participation for the members of tandem groups, through the certificates machinery (kind
"tandem"): the group, the programme's period, and the days of the group's meetings the member was checked in at."""

from __future__ import annotations

from babel.dates import format_date
from sqlalchemy import func, select

from events.certificates.issuing import issue_certificates, new_batch
from events.certificates.kinds import TANDEM
from events.certificates.models import Certificate, CertificateBatch
from events.certificates.recipients import attended_days, recipients_from_people
from events.certificates.wording import DEFAULT_ISSUER
from events.extensions import db
from events.registration.models import Registration
from events.tandems.models import TandemGroup, TandemProgramme


def _meeting_days_by_email(group: TandemGroup) -> dict[str, list]:
    days: dict[str, list] = {}
    for meeting in group.meetings:
        by_registration = attended_days(meeting.event_id)
        if not by_registration:
            continue
        emails = dict(
            db.session.execute(
                select(Registration.id, func.lower(Registration.email)).where(Registration.id.in_(by_registration))
            ).all()
        )
        for registration_id, dates in by_registration.items():
            if emails.get(registration_id):
                days.setdefault(emails[registration_id], []).extend(dates)
    return {email: sorted(set(dates)) for email, dates in days.items()}


def _already_certified(group: TandemGroup) -> set[int]:
    return set(
        db.session.scalars(
            select(Certificate.person_id)
            .join(CertificateBatch)
            .where(
                Certificate.kind == TANDEM.key,
                Certificate.revoked_at.is_(None),
                CertificateBatch.title == _title(group),
            )
        )
    )


def _plain(text: str) -> str:
    return text.replace("{", "(").replace("}", ")")  # braces would read as placeholders


def _title(group: TandemGroup) -> str:
    return _plain(f"Teilnahmebestätigung – {group.name}")[:200]


def issue_participation_certificates(programme: TandemProgramme, user_id: int | None = None) -> list[CertificateBatch]:
    """One batch per group for the members who attended at least one of its meetings and have none yet."""
    period = (
        f"{format_date(programme.starts_on, 'long', locale='de')} bis "
        f"{format_date(programme.ends_on, 'long', locale='de')}"
    )
    batches = []
    for group in programme.groups:
        days = _meeting_days_by_email(group)
        done = _already_certified(group)
        person_ids = [
            member.person_id
            for member in group.members
            if member.person.email and days.get(member.person.email.lower()) and member.person_id not in done
        ]
        recipients = recipients_from_people(person_ids)
        if not recipients:
            continue
        for recipient in recipients:
            recipient.days = days[recipient.email.lower()]
        body = (
            _plain(
                f"hat von {period} in der Tandem-Projektgruppe „{group.name}“ des Programms „{programme.title}“ "
                "mitgewirkt und an den Treffen am "
            )
            + "{days} teilgenommen."
        )
        batch = new_batch(TANDEM.key, _title(group), body, created_by_id=user_id)
        issue_certificates(batch, recipients, DEFAULT_ISSUER)
        batches.append(batch)
    db.session.commit()
    return batches
