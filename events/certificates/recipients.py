"""Who receives a certificate: checked-in participants, people from the directory, or a list of names (CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from babel.lists import format_list
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from events.certificates.models import CertificateKind
from events.certificates.wording import CERTIFICATE_LANGUAGE, CertificateProblem, event_dates, long_date
from events.checkin.models import CheckIn
from events.core.database import alphabetical_key
from events.core.models import Organisation, Person
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration, RegistrationStatus

MAX_CSV_ROWS = 5000


@dataclass
class Recipient:
    """Who a certificate is for, as plain values."""

    name: str
    email: str | None = None
    organisation: str = ""
    district: str = ""
    function: str = ""
    registration_id: int | None = None
    person_id: int | None = None
    days: list[date] = field(default_factory=list)
    place: str = ""
    category: str = ""
    prize: str = ""


def attended_days(event_id: int, registration_id: int | None = None) -> dict[int, list[date]]:
    """Registration id -> the days with a standing day check-in, for one event (or only for one registration)."""
    query = select(CheckIn.registration_id, CheckIn.day).where(
        CheckIn.event_id == event_id,
        CheckIn.result == "welcome",
        CheckIn.undone_at.is_(None),
        CheckIn.scope == "day",
        CheckIn.registration_id.is_not(None),
    )
    if registration_id is not None:
        query = query.where(CheckIn.registration_id == registration_id)
    rows = db.session.execute(query.distinct()).all()
    days: dict[int, list[date]] = {}
    for registration_id, day in rows:
        days.setdefault(registration_id, []).append(day)
    return {key: sorted(value) for key, value in days.items()}


def recipient_for_registration(registration: Registration, days: list[date]) -> Recipient:
    return Recipient(
        name=registration.full_name,
        email=registration.email,
        organisation=registration.organisation_name
        or (registration.organisation.name if registration.organisation else ""),
        district=registration.district.name if registration.district else "",
        function=registration.function or "",
        registration_id=registration.id,
        days=days,
    )


def recipients_from_event(event: Event) -> list[Recipient]:
    """Every checked-in participant of the event who is still registered, by last and first name (not those whose
    personal data has been deleted)."""
    days = attended_days(event.id)
    if not days:
        return []
    registrations = db.session.scalars(
        select(Registration)
        .where(
            Registration.id.in_(days),
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.anonymised_at.is_(None),  # nobody to name once the personal data is deleted
        )
        .options(selectinload(Registration.district), selectinload(Registration.organisation))
    ).all()
    registrations = sorted(
        registrations, key=lambda r: (alphabetical_key(r.last_name), alphabetical_key(r.first_name), r.id)
    )
    return [recipient_for_registration(r, days[r.id]) for r in registrations]


def recipients_from_people(person_ids: list[int]) -> list[Recipient]:
    """The chosen people from the directory, in the order given."""
    query = (
        select(Person)
        .where(Person.id.in_(person_ids))
        .options(selectinload(Person.organisation).selectinload(Organisation.district))
    )
    people = {p.id: p for p in db.session.scalars(query)}
    recipients = []
    for person_id in person_ids:
        person = people.get(person_id)
        if person is None:
            continue
        organisation = person.organisation
        recipients.append(
            Recipient(
                name=person.full_name,
                email=person.email,
                organisation=organisation.name if organisation else "",
                district=organisation.district.name if organisation and organisation.district else "",
                function=person.function or "",
                person_id=person.id,
            )
        )
    return recipients


_HEADER_WORDS = {"name", "namen", "vorname", "e-mail", "email"}


def parse_recipient_csv(text: str, kind: str) -> list[Recipient]:
    """Recipients from CSV text, one per line: name; e-mail; organisation (and for prizes: place; category; prize).

    Separator ";" or ","; a first line of column headings is skipped. Raises CertificateProblem naming the line.
    """
    from email_validator import EmailNotValidError, validate_email

    text = (text or "").lstrip("\ufeff").strip()
    if not text:
        raise CertificateProblem(_("Die Liste ist leer."))
    first_line = text.splitlines()[0]
    delimiter = ";" if ";" in first_line or "," not in first_line else ","
    recipients = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in _HEADER_WORDS:
            continue
        cells += [""] * (6 - len(cells))
        name, email, organisation, place, category, prize = cells[:6]
        if not name:
            raise CertificateProblem(_("Zeile %(line)d: Der Name fehlt.", line=number))
        if len(name) > 250:
            raise CertificateProblem(_("Zeile %(line)d: Der Name ist länger als 250 Zeichen.", line=number))
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError:
                raise CertificateProblem(
                    _("Zeile %(line)d: „%(email)s“ ist keine gültige E-Mail-Adresse.", line=number, email=email[:80])
                ) from None
        if kind == CertificateKind.PRIZE and not place:
            raise CertificateProblem(_("Zeile %(line)d: Für eine Urkunde fehlt die Platzierung.", line=number))
        recipients.append(
            Recipient(
                name=name,
                email=email or None,
                organisation=organisation[:200],
                place=place[:100],
                category=category[:100],
                prize=prize[:100],
            )
        )
        if len(recipients) > MAX_CSV_ROWS:
            raise CertificateProblem(_("Höchstens %(count)d Personen pro Liste.", count=MAX_CSV_ROWS))
    if not recipients:
        raise CertificateProblem(_("Die Liste enthält keine Namen."))
    return recipients


def placeholder_values(recipient: Recipient, event: Event | None, issue_date: date) -> dict[str, str]:
    return {
        "name": recipient.name,
        "event": event.title if event else "",
        "date": event_dates(event) or long_date(issue_date),
        "organisation": recipient.organisation,
        "district": recipient.district,
        "function": recipient.function,
        "days": format_list([long_date(d) for d in recipient.days], locale=CERTIFICATE_LANGUAGE),
        "place": recipient.place,
        "category": recipient.category,
        "prize": recipient.prize,
    }
