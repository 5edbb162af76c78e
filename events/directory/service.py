"""Organisations and people: search, create, update."""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from events.core.audit import record_audit
from events.core.database import german_order
from events.core.forms import optional_text
from events.core.models import District, Organisation, Person
from events.core.search import LIKE_ESCAPE, contains_pattern
from events.extensions import cache, db

PAGE_SIZE = 25


def search_organisations(term: str = "", kind: str = "", region_id: int | None = None, page: int = 1):
    query = select(Organisation).options(joinedload(Organisation.district)).order_by(german_order(Organisation.name))
    if term:
        query = query.where(Organisation.name.ilike(contains_pattern(term), escape=LIKE_ESCAPE))
    if kind:
        query = query.where(Organisation.kind == kind)
    if region_id:
        query = query.join(Organisation.district).where(District.region_id == region_id)
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def search_people(term: str = "", page: int = 1):
    query = (
        select(Person)
        .options(joinedload(Person.organisation))
        .order_by(german_order(Person.last_name), german_order(Person.first_name))
    )
    if term:
        pattern = contains_pattern(term)
        query = query.outerjoin(Person.organisation).where(
            or_(
                Person.first_name.ilike(pattern, escape=LIKE_ESCAPE),
                Person.last_name.ilike(pattern, escape=LIKE_ESCAPE),
                Person.email.ilike(pattern, escape=LIKE_ESCAPE),
                Organisation.name.ilike(pattern, escape=LIKE_ESCAPE),
                (Person.first_name + " " + Person.last_name).ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def organisation_choices() -> list[tuple[int | str, str]]:
    rows = db.session.execute(select(Organisation.id, Organisation.name).order_by(german_order(Organisation.name)))
    return [(row.id, row.name) for row in rows]


# How long a process may show an outdated list of suggestions on the registration form (this process forgets
# it at once when it saves an organisation).
ORGANISATION_NAMES_SECONDS = 60


@cache.memoize(timeout=ORGANISATION_NAMES_SECONDS)
def organisation_names() -> list[str]:
    """The names the registration form suggests while a person types their organisation."""
    return [name for _id, name in organisation_choices()]


def save_organisation(organisation: Organisation | None, data: dict) -> Organisation:
    created = organisation is None
    organisation = organisation or Organisation()
    organisation.name = data["name"].strip()
    organisation.kind = data["kind"]
    organisation.district_id = data.get("district_id")
    organisation.email = optional_text(data.get("email"))
    organisation.website = optional_text(data.get("website"))
    db.session.add(organisation)
    db.session.flush()
    record_audit("organisation.create" if created else "organisation.update", organisation, summary=organisation.name)
    db.session.commit()
    cache.delete_memoized(organisation_names)
    return organisation


def save_person(person: Person | None, data: dict) -> Person:
    created = person is None
    person = person or Person()
    person.first_name = data["first_name"].strip()
    person.last_name = data["last_name"].strip()
    person.email = (data.get("email") or "").strip().lower() or None
    person.function = optional_text(data.get("function"))
    person.organisation_id = data.get("organisation_id")
    db.session.add(person)
    db.session.flush()
    record_audit("person.create" if created else "person.update", person, summary=person.full_name)
    db.session.commit()
    return person
