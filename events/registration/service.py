"""Registration, the waiting list and the personal link.

Capacity is checked while the event row is locked (see events.core.database.lock_row), so concurrent
registrations never overbook an event or a workshop, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import format_date
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from events.core.audit import record_audit
from events.core.database import german_order, lock_row
from events.core.forms import optional_text
from events.core.models import District, Organisation, Region, district_label
from events.core.search import matches_any
from events.core.types import utcnow
from events.directory.forms import ORGANISATION_KIND_LABELS
from events.extensions import db
from events.meetings.models import Event, EventSession, EventStatus, SessionKind
from events.meetings.service import PUBLIC_EVENT_QUERY, cancellation_open, registration_window_state
from events.registration import mails
from events.registration.consent import PRIVACY_CONSENT_VERSION, privacy_consent_text
from events.registration.days import choose_days, release_places
from events.registration.models import Invitation, Registration, RegistrationStatus, WorkshopChoice
from events.registration.tokens import hash_token, manage_token_for

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


class RegistrationError(ValueError):
    """A user-facing reason why a registration cannot be made or changed; str() is a short code."""


@dataclass
class RegistrationOutcome:
    registration: Registration
    token: str
    created: bool  # False: the address was registered already and the personal link was mailed again
    status: str = ""  # as committed, so that reading it does not reload the registration
    waitlist_position: int | None = None


NEW_LINK_VERSIONS = 10**8  # feed tokens carry the version in at most 9 digits (tokens.FEED_TOKEN_PATTERN)


def personal_token(registration: Registration) -> str:
    return manage_token_for(
        registration.event_id,
        registration.email_normalized,
        current_app.config["SECRET_KEY"],
        registration.link_version or 0,
    )


def _confirmed_count_query(event_id):
    """event_id: a value, a bound parameter, or a column such as Event.id for a count per event row."""
    return select(func.count(Registration.id)).where(
        Registration.event_id == event_id, Registration.status == CONFIRMED
    )


# The busiest statements of registration are built once; each request only binds its values.

# slug: the public event and its confirmed count
_PUBLIC_EVENT_AND_CONFIRMED = PUBLIC_EVENT_QUERY.add_columns(_confirmed_count_query(Event.id).scalar_subquery())
# event_id, email: the id of that address's registration for the event (or None), the confirmed count, and the
# last position on the waiting list (or None)
_EXISTING_CONFIRMED_LAST_WAITING = select(
    select(Registration.id)
    .where(Registration.event_id == bindparam("event_id"), Registration.email_normalized == bindparam("email"))
    .scalar_subquery(),
    _confirmed_count_query(bindparam("event_id")).scalar_subquery(),
    select(func.max(Registration.waitlist_position))
    .where(Registration.event_id == bindparam("event_id"), Registration.status == WAITLISTED)
    .scalar_subquery(),
)
# organisation: the directory's organisation of that name (any case; index ix_organisations_name_lower)
_DIRECTORY_MATCH = (
    select(Organisation.id)
    .where(func.lower(Organisation.name) == func.lower(bindparam("organisation")))
    .order_by(Organisation.id)
    .limit(1)
)


def confirmed_count(event_id: int) -> int:
    return db.session.scalar(_confirmed_count_query(event_id))


def _places_left(capacity: int | None, confirmed: int) -> int | None:
    return None if capacity is None else max(capacity - confirmed, 0)


def free_places(event: Event, confirmed: int | None = None) -> int | None:
    """Places left; None when the event has no limit. confirmed: the confirmed count, when the caller has it."""
    if event.capacity is None:
        return None
    return _places_left(event.capacity, confirmed_count(event.id) if confirmed is None else confirmed)


def public_event_and_free_places(slug: str) -> tuple[Event | None, int | None]:
    """public_event and its free_places, in one query (the registration form shows both)."""
    row = db.session.execute(_PUBLIC_EVENT_AND_CONFIRMED, {"slug": slug}).first()
    if row is None:
        return None, None
    event, confirmed = row
    return event, free_places(event, confirmed)


def free_places_by_event(events: list[Event]) -> dict[int, int | None]:
    """free_places for many events at once (one query)."""
    counted = [e.id for e in events if e.capacity is not None]
    confirmed = dict(
        db.session.execute(
            select(Registration.event_id, func.count(Registration.id))
            .where(Registration.event_id.in_(counted), Registration.status == CONFIRMED)
            .group_by(Registration.event_id)
        ).all()
        if counted
        else []
    )
    return {e.id: _places_left(e.capacity, confirmed.get(e.id, 0)) for e in events}


def has_free_place(event: Event, confirmed: int | None = None) -> bool:
    """Whether one more person can be confirmed (count it under the event's row lock before you act on it)."""
    return free_places(event, confirmed) != 0


def workshop_fill(event_id: int) -> dict[int, int]:
    """Confirmed participants per workshop."""
    rows = db.session.execute(
        select(WorkshopChoice.session_id, func.count(WorkshopChoice.id))
        .join(Registration, Registration.id == WorkshopChoice.registration_id)
        .where(Registration.event_id == event_id, Registration.status == CONFIRMED)
        .group_by(WorkshopChoice.session_id)
    )
    return dict(rows.all())


def workshop_is_full(workshop, fill: dict[int, int]) -> bool:
    """Whether a workshop (a programme item or a WorkshopSpec) has no place left; fill as from workshop_fill."""
    return workshop.capacity is not None and fill.get(workshop.id, 0) >= workshop.capacity


def active_registrations(event: Event) -> list[Registration]:
    return db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.status != CANCELLED)
    ).all()


def _check_workshops(event: Event, workshop_ids: list[int], keep: set[int]) -> list[EventSession]:
    """The chosen workshops, refusing unknown ones, two in one time slot, or full ones (except those kept)."""
    from events.meetings.service import workshop_slots

    if not workshop_ids:
        return []
    by_id = {s.id: s for s in event.sessions if s.kind == SessionKind.WORKSHOP}
    chosen = []
    for workshop_id in workshop_ids:
        if workshop_id not in by_id:
            raise RegistrationError("unknown_workshop")
        chosen.append(by_id[workshop_id])
    for slot in workshop_slots(event):
        if len({w.id for w in slot} & set(workshop_ids)) > 1:
            raise RegistrationError("two_in_one_slot")
    fill = workshop_fill(event.id)
    for workshop in chosen:
        if workshop.id not in keep and workshop_is_full(workshop, fill):
            raise RegistrationError("workshop_full")
    return chosen


def _directory_match(name: str | None):
    """The directory's organisation of the typed name, as an SQL expression for the registration's row.

    Worked out by the database in the same INSERT or UPDATE, so it costs no query of its own and is never stale.
    """
    if not name:
        return None
    return _DIRECTORY_MATCH.params(organisation=name).scalar_subquery()


def _apply_details(registration: Registration, data: dict) -> None:
    """Copy the form's details; the typed organisation is matched against the directory (_directory_match)."""
    registration.first_name = data["first_name"].strip()
    registration.last_name = data["last_name"].strip()
    registration.organisation_name = optional_text(data.get("organisation_name"))
    registration.organisation_id = _directory_match(registration.organisation_name)
    registration.district_id = int(data["district_id"]) if data.get("district_id") else None
    registration.function = optional_text(data.get("function"))
    registration.dietary_needs = optional_text(data.get("dietary_needs"))
    registration.accessibility_needs = optional_text(data.get("accessibility_needs"))
    if data.get("language") in current_app.config["LANGUAGES"]:
        registration.language = data["language"]
    _apply_photo_consent(registration, bool(data.get("photo_consent")))
    registration.answers = data.get("answers") or {}


def _apply_photo_consent(registration: Registration, consent: bool) -> None:
    """Give (stamped with the time) or withdraw the consent to photos being published."""
    if consent and not registration.photo_consent:
        registration.photo_consent_at = utcnow()
    if not consent:
        registration.photo_consent_at = None
    registration.photo_consent = consent


def withdraw_photo_consent(registration: Registration) -> bool:
    """Withdraw the photo consent through the personal link, also once the form can no longer be changed (after
    the event, when photos are published); the audit log keeps when. False when there was none to withdraw."""
    if not registration.photo_consent:
        return False
    _apply_photo_consent(registration, False)
    record_audit(
        "registration.photo_consent_withdrawn", registration, summary=registration.full_name, actor="participant"
    )
    db.session.commit()
    return True


def register_for_event(
    event_id: int,
    data: dict,
    invitation: Invitation | None = None,
    *,
    by_organiser: bool = False,
    send_mail: bool = True,
) -> RegistrationOutcome:
    """Register a person: confirmed while places are free, otherwise on the waiting list.

    data: the form's fields plus "answers" (question id -> answer) and "workshops" (session ids); with an
    invitation, its address is used and data["email"] is not read.
    The mail is queued in the outbox with the registration and rendered and sent afterwards, so a mail
    problem never loses a registration.
    by_organiser: an organiser registers a person who signed up by phone or at the door (see
    registration.by_organiser): the same rules of capacity, waiting list and workshops, but also outside the
    registration window and without an invitation; an address registered already is refused rather than mailed
    its link. send_mail: False when the person is to get no mail (an organiser's choice).
    """
    event = lock_row(Event, event_id)
    if event is None:
        raise RegistrationError("unknown_event")
    state = registration_window_state(event)
    if state != "open" and not (by_organiser and state != "cancelled"):
        db.session.rollback()
        raise RegistrationError(state)
    if (invitation is not None and invitation.event_id != event.id) or (
        event.access == "invited" and invitation is None and not by_organiser
    ):
        db.session.rollback()
        raise RegistrationError("invitation_required")
    # an invitation registers the invited address, whatever the form says; registering it again finds that
    # registration below, so an invitation never has a second one (uq_registrations_invitation_id backs this)
    email = invitation.email if invitation is not None else data["email"].strip()
    normalized = email.lower()
    # one query under the lock: an earlier registration of this address (usually none: its id only, the whole
    # registration is loaded when there is one), the confirmed count and the end of the waiting list
    existing_id, confirmed, last_waiting = db.session.execute(
        _EXISTING_CONFIRMED_LAST_WAITING, {"event_id": event.id, "email": normalized}
    ).one()
    existing = db.session.get(Registration, existing_id) if existing_id is not None else None
    # a new row starts at a random link version: its link differs from that of an earlier, anonymised registration
    # of the same address (whose leaked and since renewed link would otherwise work again)
    version = (existing.link_version or 0) if existing is not None else secrets.randbelow(NEW_LINK_VERSIONS) + 1
    token = manage_token_for(event.id, normalized, current_app.config["SECRET_KEY"], version)
    if existing is not None and existing.status != CANCELLED:
        if by_organiser:
            db.session.rollback()
            raise RegistrationError("already_registered")
        mails.send_link_again(existing)  # still under the lock: the mail is the only write
        db.session.commit()
        return RegistrationOutcome(existing, token, created=False)
    try:
        workshops = _check_workshops(event, data.get("workshops") or [], keep=set())
    except RegistrationError:
        db.session.rollback()
        raise
    registration = existing or Registration(event_id=event.id, email_normalized=normalized)
    registration.email = email
    registration.manage_token_hash = hash_token(token)
    registration.link_version = version
    _apply_details(registration, data)
    registration.privacy_consent_at = utcnow()
    registration.privacy_consent_version = PRIVACY_CONSENT_VERSION
    registration.privacy_consent_text = privacy_consent_text()
    registration.invitation_id = invitation.id if invitation else None
    registration.cancelled_at, registration.cancelled_by_participant = None, False
    registration.reminded_at = None
    if has_free_place(event, confirmed):
        registration.status, registration.waitlist_position = CONFIRMED, None
        registration.confirmed_at = utcnow()
    else:
        registration.status = WAITLISTED
        registration.waitlist_position = (last_waiting or 0) + 1
        registration.confirmed_at = None
    registration.workshop_choices = [WorkshopChoice(session_id=w.id) for w in workshops]
    db.session.add(registration)
    db.session.flush()
    try:
        choose_days(registration, data.get("days") or [])
    except RegistrationError:
        db.session.rollback()
        raise
    record_audit(
        "registration.create",
        registration,
        summary=f"{event.title}: {registration.full_name} ({registration.status})",
        details={"by_organiser": True, "mailed": send_mail} if by_organiser else None,
        actor=None if by_organiser else "participant",
    )
    # the mail is only queued here (rendered later by the sender), in the same transaction as the registration
    if send_mail:
        (mails.send_confirmation if registration.status == CONFIRMED else mails.send_waitlisted)(registration)
    outcome = RegistrationOutcome(registration, token, True, registration.status, registration.waitlist_position)
    db.session.commit()
    return outcome


def update_registration(registration: Registration, data: dict) -> None:
    """Change details, answers and workshops through the personal link (workshop capacity checked under lock)."""
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status == CANCELLED or event.status == "cancelled":
        db.session.rollback()
        raise RegistrationError("cancelled")
    if event.ends_at < utcnow():
        db.session.rollback()
        raise RegistrationError("over")
    current = {c.session_id for c in registration.workshop_choices}
    try:
        workshops = _check_workshops(event, data.get("workshops") or [], keep=current)
    except RegistrationError:
        db.session.rollback()
        raise
    _apply_details(registration, data)
    choose_workshops(registration, workshops)
    try:
        choose_days(registration, data.get("days") or [])
    except RegistrationError:
        db.session.rollback()
        raise
    record_audit("registration.update", registration, summary=registration.full_name, actor="participant")
    db.session.commit()


def choose_workshops(registration: Registration, workshops: list[EventSession]) -> None:
    """Make these the registration's workshops (checked by _check_workshops), keeping the rows of those kept."""
    wanted = {w.id for w in workshops}
    current = {c.session_id for c in registration.workshop_choices}
    registration.workshop_choices = [c for c in registration.workshop_choices if c.session_id in wanted] + [
        WorkshopChoice(session_id=w) for w in sorted(wanted - current)
    ]


def participant_may_cancel(registration: Registration, event: Event) -> bool:
    """Whether the registrant may cancel through the personal link: a confirmed place until the cancellation
    deadline; a place on the waiting list at any time, since leaving it takes nothing from the planning."""
    if registration.status == CANCELLED:
        return False
    return registration.status == WAITLISTED or cancellation_open(event)


def cancel_registration(registration: Registration, by_participant: bool = True) -> list[Registration]:
    """Cancel; a freed place goes at once to the first on the waiting list. Returns those promoted.

    Not on a cancelled event: its registrations stay as they were when it was called off (everyone was told, and
    a cancellation could not be taken back there), and nobody moves up (see _promote_while_free).
    """
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status == CANCELLED:
        db.session.rollback()
        raise RegistrationError("already_cancelled")
    if event.status == EventStatus.CANCELLED:
        db.session.rollback()
        raise RegistrationError("event_cancelled")
    if by_participant and not participant_may_cancel(registration, event):
        db.session.rollback()
        raise RegistrationError("deadline_passed")
    was_waiting = registration.status == WAITLISTED
    release_places(registration)
    registration.status = CANCELLED
    registration.waitlist_position = None
    registration.cancelled_at = utcnow()
    registration.cancelled_by_participant = by_participant
    record_audit(
        "registration.cancel",
        registration,
        summary=f"{event.title}: {registration.full_name}",
        actor="participant" if by_participant else None,
    )
    mails.send_cancelled(registration)
    if was_waiting:
        _renumber_waiting_list(event.id)
        promoted = []
    else:
        promoted = _promote_while_free(event)
    db.session.commit()
    return promoted


def renew_personal_link(registration: Registration, by_participant: bool) -> None:
    """Replace the personal link (for a link that reached the wrong people): the old one stops working at once,
    and the new one goes by mail to the registered address only, never to the screen.
    """
    lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    registration.link_version = (registration.link_version or 0) + 1
    registration.manage_token_hash = hash_token(personal_token(registration))
    record_audit(
        "registration.renew_link",
        registration,
        summary=registration.full_name,
        actor="participant" if by_participant else None,
    )
    mails.send_link_again(registration)
    db.session.commit()


# How long an organiser can take a cancellation back (a wrong click in the list).
RESTORE_WINDOW = timedelta(minutes=10)


def restorable(registration: Registration, by_participant: bool = False, now=None) -> bool:
    """Whether this cancellation can still be taken back (see restore_registration); a participant can take back
    only their own cancellation, not an organiser's."""
    return (
        registration.status == CANCELLED
        and registration.cancelled_at is not None
        and (now or utcnow()) - registration.cancelled_at <= RESTORE_WINDOW
        and (registration.cancelled_by_participant or not by_participant)
    )


def restore_registration(registration: Registration, by_participant: bool = False) -> list[str]:
    """Take a cancellation back within RESTORE_WINDOW: the person is confirmed again while a place is free, or
    else first on the waiting list (whoever moved up in the meantime keeps the place). Workshops that have filled
    up meanwhile are dropped from the person's choices. The person is mailed as after registering.

    Returns the titles of the dropped workshops.
    """
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if not restorable(registration, by_participant):
        db.session.rollback()
        if restorable(registration):
            raise RegistrationError("cancelled_by_organiser")
        raise RegistrationError("not_restorable")
    if event.status == "cancelled" or event.ends_at < utcnow():
        db.session.rollback()
        raise RegistrationError("cancelled" if event.status == "cancelled" else "over")
    if has_free_place(event):
        dropped = _confirm_with_free_workshops(registration)
    else:
        registration.status, registration.waitlist_position = WAITLISTED, 0  # before everyone waiting
        db.session.flush()
        _renumber_waiting_list(event.id)
        dropped = []
    registration.cancelled_at, registration.cancelled_by_participant = None, False
    record_audit(
        "registration.restore",
        registration,
        summary=f"{event.title}: {registration.full_name}",
        actor="participant" if by_participant else None,
    )
    if registration.status == CONFIRMED:
        mails.send_confirmation(registration, dropped)
    else:
        mails.send_waitlisted(registration)
    db.session.commit()
    return dropped


def _confirm_with_free_workshops(registration: Registration) -> list[str]:
    """Confirm a waiting or cancelled registration; chosen workshops that are full are dropped from its choices.

    Returns the titles of the dropped workshops. The places are counted before the person is confirmed, so that
    their own choice does not count against them.
    """
    fill = workshop_fill(registration.event_id) if registration.workshop_choices else {}
    registration.status, registration.waitlist_position = CONFIRMED, None
    registration.confirmed_at = utcnow()
    full = [choice for choice in registration.workshop_choices if workshop_is_full(choice.session, fill)]
    registration.workshop_choices = [c for c in registration.workshop_choices if c not in full]
    full_days = choose_days(registration, [c.event_day_id for c in registration.day_choices], drop_full=True)
    return [choice.session.title for choice in full] + [format_date(day) for day in full_days]


def promote_from_waiting_list(event_id: int) -> list[Registration]:
    """Fill free places from the waiting list, first come first served (after a capacity increase)."""
    event = lock_row(Event, event_id)
    promoted = _promote_while_free(event)
    db.session.commit()
    return promoted


def waiting_list_moves(event: Event) -> bool:
    """Whether anybody may move up from the event's waiting list: not once the event is called off (nobody is
    to be told that a place is free there)."""
    return event.status != EventStatus.CANCELLED


def _promote_while_free(event: Event) -> list[Registration]:
    if not waiting_list_moves(event):
        return []
    promoted = []
    free = None if event.capacity is None else event.capacity - confirmed_count(event.id)
    while free is None or free > 0:
        first = db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == WAITLISTED)
            .order_by(Registration.waitlist_position, Registration.id)
            .limit(1)
        ).first()
        if first is None:
            break
        _promote(first)
        promoted.append(first)
        if free is not None:
            free -= 1
    if promoted:
        _renumber_waiting_list(event.id)
    return promoted


def _promote(registration: Registration, audit_action: str = "registration.promote", summary: str = "") -> list[str]:
    """Confirm a waiting person and mail them; returns the titles of chosen workshops dropped as full."""
    dropped = _confirm_with_free_workshops(registration)
    db.session.flush()
    record_audit(audit_action, registration, summary=summary or registration.full_name)
    mails.send_promoted(registration, dropped)
    return dropped


@dataclass
class HandPromotion:
    dropped_workshops: list[str]  # titles of chosen workshops that were full
    beyond_capacity: bool  # no place was free: the organiser confirmed the person beyond the capacity


def promote_by_hand(registration: Registration, beyond_capacity: bool = False) -> HandPromotion:
    """An organiser moves one waiting person up: into a free place, or, when every place is taken and the organiser
    has said so explicitly (beyond_capacity), beyond the capacity. Registrations never go beyond it."""
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status != WAITLISTED:
        db.session.rollback()
        raise RegistrationError("not_waiting")
    if not waiting_list_moves(event):
        db.session.rollback()
        raise RegistrationError("cancelled")
    confirmed = confirmed_count(event.id)
    over = not has_free_place(event, confirmed)
    if over and not beyond_capacity:
        db.session.rollback()
        raise RegistrationError("no_free_place")
    if over:
        dropped = _promote(
            registration,
            "registration.promote_beyond_capacity",
            f"{event.title}: {registration.full_name} ({confirmed + 1} confirmed, capacity {event.capacity})",
        )
    else:
        dropped = _promote(registration)
    _renumber_waiting_list(event.id)
    db.session.commit()
    return HandPromotion(dropped, over)


def move_in_waiting_list(registration: Registration, step: int) -> int:
    """Move a waiting person one place up (step -1) or down (+1); see move_to_position."""
    return _move_in_waiting_list(registration, lambda current: current + step)


def move_to_position(registration: Registration, position: int) -> int:
    """Put a waiting person at this place of the waiting list (1: next to move up); those in between shift by one,
    so the positions stay 1, 2, 3 ... A place beyond the end (the list may have got shorter since the organiser's
    page was shown) means the end. Returns the person's place."""
    return _move_in_waiting_list(registration, lambda current: position)


def _move_in_waiting_list(registration: Registration, target) -> int:
    """target: the wanted place, given the current one."""
    lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.status != WAITLISTED:
        db.session.rollback()
        raise RegistrationError("not_waiting")
    waiting = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == registration.event_id, Registration.status == WAITLISTED)
            .order_by(Registration.waitlist_position, Registration.id)
        )
    )
    current = waiting.index(registration) + 1
    wanted = min(max(target(current), 1), len(waiting))
    if wanted == current:
        db.session.rollback()
        return current
    waiting.remove(registration)
    waiting.insert(wanted - 1, registration)
    for place, person in enumerate(waiting, start=1):
        person.waitlist_position = place
    record_audit("registration.reorder", registration, summary=f"{registration.full_name}: {current} -> {wanted}")
    db.session.commit()
    return wanted


def _renumber_waiting_list(event_id: int) -> None:
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status == WAITLISTED)
        .order_by(Registration.waitlist_position, Registration.id)
    ).all()
    for position, registration in enumerate(waiting, start=1):
        registration.waitlist_position = position


def resend_personal_link(event: Event, email: str) -> None:
    """Mail the personal link again if this address is registered; says nothing either way."""
    registration = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.email_normalized == email.strip().lower(),
            Registration.status != CANCELLED,
        )
    ).first()
    if registration is not None:
        mails.send_link_again(registration)
        db.session.commit()


def send_reminders(days_before: int = 2) -> int:
    """Remind confirmed participants of events starting within `days_before` days; never twice."""
    from datetime import timedelta

    now = utcnow()
    due = db.session.scalars(
        select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == CONFIRMED,
            Registration.reminded_at.is_(None),
            Event.status == "published",
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(days=days_before),
        )
    ).all()
    sent = 0
    for registration_id in due:
        # claim first: of two crons running at once, only one wins the update
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration_id, Registration.reminded_at.is_(None))
            .values(reminded_at=now)
        ).rowcount
        if claimed:
            registration = db.session.get(Registration, registration_id)
            mails.send_reminder(registration)
            sent += 1
        db.session.commit()
    return sent


# --- organisers' views ----------------------------------------------------------------------------------------


def search_registrations(event: Event, status: str = "", term: str = ""):
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(joinedload(Registration.district), selectinload(Registration.workshop_choices))
    )
    if status in {s.value for s in RegistrationStatus}:
        query = query.where(Registration.status == status)
    if term:
        query = query.where(
            matches_any(
                term,
                Registration.first_name,
                Registration.last_name,
                Registration.email,
                Registration.organisation_name,
                Registration.first_name + " " + Registration.last_name,
            )
        )
    if status == WAITLISTED:
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


def breakdowns(event: Event) -> dict[str, list[tuple[str, int]]]:
    """Active registrations by region, district and kind of organisation (for the organiser's overview)."""
    rows = db.session.execute(
        select(Region.name, District.name, District.kind, Organisation.kind)
        .select_from(Registration)
        .outerjoin(District, District.id == Registration.district_id)
        .outerjoin(Region, Region.id == District.region_id)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id == event.id, Registration.status != CANCELLED)
    ).all()
    regions, districts, kinds = Counter(), Counter(), Counter()
    for region, district, district_kind, organisation_kind in rows:
        regions[region or ""] += 1
        districts[district_label(district, district_kind) if district else ""] += 1
        kinds[str(ORGANISATION_KIND_LABELS.get(organisation_kind, organisation_kind or ""))] += 1
    return {
        "region": regions.most_common(),
        "district": districts.most_common(),
        "organisation_kind": kinds.most_common(),
    }
