"""Who receives a certificate: checked-in participants, people from the directory, or a list of names (CSV)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from babel.lists import format_list
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from events.certificates.errors import CertificateProblem
from events.certificates.kinds import PLACEHOLDER_LABELS, Kind, kind_of
from events.certificates.wording import CERTIFICATE_LANGUAGE, event_dates, long_date
from events.checkin.rules import attended_days
from events.core.database import alphabetical_key
from events.core.models import Organisation, Person
from events.directory.person_details import PersonDetails
from events.documents.spreadsheets import Column, read_table
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration, RegistrationStatus

MAX_CSV_ROWS = 5000


@dataclass
class Recipient:
    """Who a certificate is for (their details, and the registration or person they come from) and what it says
    about them: the days attended, and the values of its kind's own placeholders (a prize's place, category and
    prize)."""

    person: PersonDetails
    registration_id: int | None = None
    person_id: int | None = None
    days: list[date] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def email(self) -> str | None:
        return self.person.email


def recipient_for_registration(registration: Registration, days: list[date]) -> Recipient:
    return Recipient(PersonDetails.from_registration(registration), registration_id=registration.id, days=days)


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
        recipients.append(Recipient(PersonDetails.from_person(person), person_id=person.id))
    return recipients


# The columns of a list of names, by position; a first line naming them (in German or English) is skipped.
# (then the kind's own columns, see kinds.Kind.csv_columns).
RECIPIENT_COLUMNS = (
    Column("name", ("Name", "Namen", "Vorname")),
    Column("email", ("E-Mail", "Email", "E-Mail-Adresse")),
    Column("organisation", ("Organisation", "Organization")),
)


def parse_recipient_csv(text: str, kind: str) -> list[Recipient]:
    """Recipients from CSV text, one per line: name; e-mail; organisation; then the kind's own columns (for
    prizes: place; category; prize).

    Separator ";", "," or tab; a first line of column headings is skipped (documents.spreadsheets reads it).
    Raises CertificateProblem naming the first line that is wrong.
    """
    text = (text or "").lstrip("\ufeff").strip()
    if not text:
        raise CertificateProblem("list_empty")
    known = kind_of(kind)
    columns = RECIPIENT_COLUMNS + (known.csv_columns if known else ())
    table = read_table(text, columns, header=False, max_rows=MAX_CSV_ROWS)
    problem = table.problems[0] if table.problems else None
    recipients = [
        _recipient_of_row(number, values, known)
        for number, values in table.rows
        if problem is None or number < problem[0]
    ]
    if problem is not None:
        line, what = problem
        if what == "too_many":
            raise CertificateProblem("too_many_rows", count=MAX_CSV_ROWS)
        if what == "format":
            raise CertificateProblem("line_format", line=line)
    if not recipients:
        raise CertificateProblem("no_names")
    return recipients


def _recipient_of_row(number: int, values: dict[str, str], kind: Kind | None) -> Recipient:
    from email_validator import EmailNotValidError, validate_email

    name, email = values["name"], values["email"]
    if not name:
        raise CertificateProblem("line_name_missing", line=number)
    if len(name) > 250:
        raise CertificateProblem("line_name_too_long", line=number)
    if email:
        try:
            email = validate_email(email, check_deliverability=False, allow_smtputf8=False).normalized
        except EmailNotValidError:
            raise CertificateProblem("line_email_invalid", line=number, email=email[:80]) from None
    for column, message in (kind.required if kind else {}).items():
        if not values[column]:
            raise CertificateProblem("line_value_missing", text=message(number))
    person = PersonDetails(name, email=email or None, organisation=values["organisation"][:200])
    own = {column.name: values[column.name][:100] for column in (kind.csv_columns if kind else ())}
    return Recipient(person, values=own)


def placeholder_values(recipient: Recipient, event: Event | None, issue_date: date) -> dict[str, str]:
    """The value of every placeholder of every kind for this recipient ("" for those of other kinds)."""
    return {
        **dict.fromkeys(PLACEHOLDER_LABELS, ""),
        **recipient.values,
        "name": recipient.name,
        "event": event.title if event else "",
        "date": event_dates(event) or long_date(issue_date),
        "organisation": recipient.person.organisation,
        "district": recipient.person.district,
        "function": recipient.person.function,
        "days": format_list([long_date(d) for d in recipient.days], locale=CERTIFICATE_LANGUAGE),
    }
