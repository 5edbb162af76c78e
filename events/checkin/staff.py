"""Check-in staff: who may scan at one event besides organisers and admins."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from events.checkin.errors import StaffError
from events.core.audit import record_audit
from events.core.database import german_order
from events.core.models import Role, User, UserRole
from events.core.rules import is_organiser
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventStaff, EventStatus


def may_scan(user, event: Event) -> bool:
    """Organisers and admins may scan at every event; check-in staff only where they are assigned."""
    if not user or not user.is_authenticated:
        return False
    if is_organiser(user):
        return True
    if not user.has_role("checkin"):
        return False
    assigned = db.session.scalar(
        select(EventStaff.id).where(EventStaff.event_id == event.id, EventStaff.user_id == user.id)
    )
    return assigned is not None


def events_for_scanning(user) -> list[Event]:
    """Events the user may scan at that have not ended more than a day ago, soonest first.

    Check-in staff see only published events; organisers see drafts too (marked as such), to prepare their door.
    """
    query = select(Event).where(Event.status != EventStatus.CANCELLED, Event.ends_at >= utcnow() - timedelta(days=1))
    if not is_organiser(user):
        query = query.join(EventStaff, EventStaff.event_id == Event.id).where(
            EventStaff.user_id == user.id, Event.status == EventStatus.PUBLISHED
        )
    return list(db.session.scalars(query.order_by(Event.starts_at)))


# Check-in staff: who may scan at one event besides organisers and admins (see may_scan)


def staff_of(event: Event) -> list[EventStaff]:
    """The check-in staff assigned to the event, with their accounts, by name."""
    return list(
        db.session.scalars(
            select(EventStaff)
            .join(User, User.id == EventStaff.user_id)
            .where(EventStaff.event_id == event.id)
            .options(selectinload(EventStaff.user))
            .order_by(german_order(User.display_name), User.email)
        )
    )


def may_be_assigned(user: User) -> bool:
    """Only active accounts with the check-in role can be check-in staff of an event."""
    return user.active and user.has_role(Role.CHECKIN)


def assignable_staff(event: Event) -> list[User]:
    """Active accounts with the check-in role that are not yet assigned to the event, by name."""
    assigned = select(EventStaff.user_id).where(EventStaff.event_id == event.id)
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.CHECKIN, User.active.is_(True), User.id.not_in(assigned))
            .order_by(german_order(User.display_name), User.email)
        )
    )


def assign_staff(event: Event, user_id: int) -> EventStaff:
    """Assign a check-in account to the event, write the audit entry and commit.

    Refused with StaffError: an unknown account, one without the check-in role or deactivated, and one that is
    assigned already (also when two requests assign the same person at the same moment: the unique constraint
    decides).
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise StaffError("unknown_account")
    if not may_be_assigned(user):
        raise StaffError("not_door_staff")
    already = StaffError("already_assigned", name=user.display_name)
    if db.session.scalar(select(EventStaff.id).filter_by(event_id=event.id, user_id=user.id)) is not None:
        raise already
    row = EventStaff(event_id=event.id, user_id=user.id)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise already from None
    _record_staff_change(event, user, "assigned", "assigned to")
    db.session.commit()
    return row


def remove_staff(event: Event, staff_id: int) -> User | None:
    """End an assignment of the event, write the audit entry and commit; returns whose it was.

    None when there is no such assignment of this event (removed a moment ago, or one of another event).
    """
    row = db.session.get(EventStaff, staff_id)
    if row is None or row.event_id != event.id:
        return None
    user = row.user
    removed = db.session.execute(delete(EventStaff).where(EventStaff.id == staff_id, EventStaff.event_id == event.id))
    if removed.rowcount == 0:  # a second request removed it in between
        db.session.rollback()
        return None
    _record_staff_change(event, user, "removed", "removed from")
    db.session.commit()
    return user


def _record_staff_change(event: Event, user: User, action: str, words: str) -> None:
    """The audit entry of an assignment made or ended."""
    record_audit(
        f"event_staff.{action}",
        event,
        f"Check-in staff {user.display_name} <{user.email}> {words} event {event.id}",
        {"user_id": user.id},
    )
