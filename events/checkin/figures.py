"""Figures for the dashboard, the API and the exports: expected and admitted people, arrivals, no-shows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from events.checkin.models import CheckIn
from events.checkin.scanning import ScanResult
from events.checkin.scopes import DAY_SCOPE, berlin_time, event_days
from events.core.database import german_order
from events.core.models import District, Region
from events.core.types import utcnow
from events.documents.spreadsheets import table_csv
from events.extensions import db
from events.meetings.models import Event
from events.registration.lists import admitted_registrations
from events.registration.models import Registration, RegistrationStatus

# Figures for the dashboard, the API and the exports


def _admitted(event: Event):
    return and_(
        CheckIn.event_id == event.id,
        CheckIn.scope == DAY_SCOPE,
        CheckIn.result == ScanResult.WELCOME,
        CheckIn.undone_at.is_(None),
    )


def expected_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )


def counts_per_day(event: Event) -> list[dict]:
    """For each event day: how many confirmed people are expected and how many are in."""
    expected = expected_count(event)
    rows = db.session.execute(
        select(CheckIn.day, func.count(func.distinct(CheckIn.registration_id)))
        .where(_admitted(event))
        .group_by(CheckIn.day)
    )
    checked = {row[0]: row[1] for row in rows}
    return [{"day": day, "expected": expected, "checked_in": checked.get(day, 0)} for day in event_days(event)]


def status_of(event: Event, registration: Registration) -> list[date]:
    """The days on which the person is checked in."""
    return sorted(
        db.session.scalars(select(CheckIn.day).where(_admitted(event), CheckIn.registration_id == registration.id))
    )


def arrivals(event: Event, day: date, bucket_minutes: int = 15) -> list[tuple[datetime, int]]:
    """Check-ins of one day in buckets of local time, from the first to the last bucket with arrivals."""
    times = db.session.scalars(select(CheckIn.scanned_at).where(_admitted(event), CheckIn.day == day))
    counts: dict[datetime, int] = {}
    for moment in times:
        local = berlin_time(moment)
        start = local.replace(minute=local.minute - local.minute % bucket_minutes, second=0, microsecond=0)
        counts[start] = counts.get(start, 0) + 1
    if not counts:
        return []
    first, last = min(counts), max(counts)
    buckets, current = [], first
    while current <= last:
        buckets.append((current, counts.get(current, 0)))
        current += timedelta(minutes=bucket_minutes)
    return buckets


def arrivals_chart(buckets: list[tuple[datetime, int]], width: int = 720, height: int = 240) -> dict:
    """Bar geometry for the server-drawn SVG chart of arrivals."""
    left, bottom, top = 40, 30, 10
    peak = max((count for _, count in buckets), default=0) or 1
    plot_width, plot_height = width - left - 10, height - bottom - top
    step = plot_width / max(len(buckets), 1)
    bars = []
    for index, (start, count) in enumerate(buckets):
        bar_height = plot_height * count / peak
        bars.append(
            {
                "x": round(left + index * step + step * 0.1, 1),
                "y": round(top + plot_height - bar_height, 1),
                "width": round(step * 0.8, 1),
                "height": round(bar_height, 1),
                "label": start.strftime("%H:%M"),
                "count": count,
                "show_label": len(buckets) <= 12 or index % max(1, len(buckets) // 8) == 0,
                "label_x": round(left + index * step + step / 2, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "peak": peak,
        "axis_y": top + plot_height,
        "left": left,
        "top": top,
    }


def by_region(event: Event) -> list[dict]:
    """Expected and checked-in people per region (via the district given at registration)."""
    region_name = func.coalesce(Region.name, "")
    expected_rows = db.session.execute(
        select(region_name, func.count(Registration.id))
        .select_from(Registration)
        .outerjoin(District, District.id == Registration.district_id)
        .outerjoin(Region, Region.id == District.region_id)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(region_name)
    )
    checked_rows = db.session.execute(
        select(region_name, func.count(func.distinct(CheckIn.registration_id)))
        .select_from(CheckIn)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .outerjoin(District, District.id == Registration.district_id)
        .outerjoin(Region, Region.id == District.region_id)
        .where(_admitted(event))
        .group_by(region_name)
    )
    checked = dict(checked_rows.all())
    rows = [{"region": name, "expected": count, "checked_in": checked.get(name, 0)} for name, count in expected_rows]
    return sorted(rows, key=lambda row: (row["region"] == "", row["region"]))


def no_shows(event: Event) -> list[Registration]:
    """Confirmed registrations that were never checked in on any day."""
    came = select(CheckIn.registration_id).where(_admitted(event), CheckIn.registration_id.is_not(None))
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.id.not_in(came),
            )
            .options(selectinload(Registration.district))
            .order_by(german_order(Registration.last_name), german_order(Registration.first_name))
        )
    )


def event_is_over(event: Event, now: datetime | None = None) -> bool:
    return (now or utcnow()) > event.ends_at


def no_shows_csv(event: Event) -> bytes:
    header = [_("Nachname"), _("Vorname"), _("E-Mail-Adresse"), _("Organisation"), _("Landkreis")]
    rows = [
        [
            registration.last_name,
            registration.first_name,
            registration.email,
            registration.organisation_name or "",
            registration.district.label if registration.district else "",
        ]
        for registration in no_shows(event)
    ]
    return table_csv(header, rows)


@admitted_registrations.connect
def _admitted_registrations(event_id: int):
    """The registrations admitted on any day of the event, for the organiser's list filter (registration.lists)."""
    return select(CheckIn.registration_id).where(
        CheckIn.event_id == event_id,
        CheckIn.scope == DAY_SCOPE,
        CheckIn.result == ScanResult.WELCOME,
        CheckIn.undone_at.is_(None),
    )
