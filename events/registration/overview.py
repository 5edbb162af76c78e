"""The organisers' view of an event's registrations: search, counts, breakdowns, and messages to registrants."""

from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from events.core.database import german_order
from events.core.models import District, Organisation, OrganisationKind, Region, district_label
from events.core.search import found_by, matches_any
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration, RegistrationStatus


def search_registrations(event: Event, status: str = "", term: str = ""):
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(joinedload(Registration.district), selectinload(Registration.workshop_choices))
    )
    if status in {s.value for s in RegistrationStatus}:
        query = query.where(Registration.status == status)
    if term:
        query = query.where(found_by(term, Registration.search_text) | matches_any(term, Registration.email))
    if status == RegistrationStatus.WAITLISTED:
        return query.order_by(Registration.waitlist_position)
    return query.order_by(german_order(Registration.last_name), german_order(Registration.first_name), Registration.id)


def status_counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    ).all()
    counts = {s.value: 0 for s in RegistrationStatus}
    counts.update(dict(rows))
    return counts


TYPED_ORGANISATION = lazy_gettext("selbst eingetragen, Art unbekannt")  # in the breakdown by kind


def breakdowns(event: Event) -> dict[str, list[tuple[str, int]]]:
    """Active registrations by region, district and kind of organisation (for the organiser's overview)."""
    rows = db.session.execute(
        select(Region.name, District.name, District.kind, Organisation.kind, Registration.organisation_name)
        .select_from(Registration)
        .outerjoin(District, District.id == Registration.district_id)
        .outerjoin(Region, Region.id == District.region_id)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.id)  # equal counts keep one order: that of their first registration
    ).all()
    regions, districts, kinds = Counter(), Counter(), Counter()
    for region, district, district_kind, organisation_kind, typed in rows:
        regions[region or ""] += 1
        districts[district_label(district, district_kind) if district else ""] += 1
        if organisation_kind is None and typed:  # an organisation typed by hand, not one of the directory's
            kinds[str(TYPED_ORGANISATION)] += 1
        else:
            kinds[str(OrganisationKind.labels().get(organisation_kind, organisation_kind or ""))] += 1
    return {
        "region": regions.most_common(),
        "district": districts.most_common(),
        "organisation_kind": kinds.most_common(),
    }
