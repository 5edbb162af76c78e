"""Registrations an organiser makes or corrects: a phone sign-up, a walk-in at the door, a misspelt name."""

from __future__ import annotations

from sqlalchemy import select

from events.core.audit import record_audit
from events.core.database import lock_row
from events.extensions import db
from events.meetings.models import Event
from events.registration import mails
from events.registration.days import choose_days
from events.registration.models import Registration
from events.registration.service import (
    RegistrationError,
    RegistrationOutcome,
    _apply_details,
    _check_workshops,
    choose_workshops,
    personal_token,
    register_for_event,
)
from events.registration.tokens import hash_token

# What a correction may change, by the names the audit entry lists (the values stay out of the log: it outlives
# the registration's personal data).
CORRECTED_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "organisation_name",
    "district_id",
    "function",
    "dietary_needs",
    "accessibility_needs",
    "photo_consent",
    "language",
    "answers",
    "workshops",
    "days",
)


def add_registration(event_id: int, data: dict, *, send_mail: bool) -> RegistrationOutcome:
    """An organiser registers a person who signed up by phone or came to the door without registering.

    The rules of a registration hold (capacity, waiting list, workshops: see register_for_event), also when the
    registration window has closed or the event is open to invited people only; a cancelled event takes nobody.
    The person agreed to the privacy notice on the phone or at the door, which the organiser confirms in the form.
    send_mail: whether the person gets the confirmation (or waiting-list notice) with the personal link.
    """
    return register_for_event(event_id, data, by_organiser=True, send_mail=send_mail)


def _as_it_stands(registration: Registration) -> dict:
    values = {name: getattr(registration, name) for name in CORRECTED_FIELDS if name not in ("workshops", "days")}
    values["workshops"] = sorted(c.session_id for c in registration.workshop_choices)
    values["days"] = sorted(c.event_day_id for c in registration.day_choices)
    return values


def correct_registration(registration: Registration, data: dict, *, note: str = "", notify: bool = False) -> list[str]:
    """An organiser corrects a registration: name, address, organisation, district, answers, workshops ...

    Works on any registration that still holds its personal data, also a cancelled one or after the event (a
    misspelt name on a certificate). A new address gets a new personal link (the old one stops working) and is
    always told, since the person would otherwise have no working link; otherwise the person is mailed only when
    the organiser asks for it (notify), with the organiser's note. Workshop places are checked under the event's
    row lock. Returns the names of the changed fields (see CORRECTED_FIELDS); nothing changed, nothing is logged.
    """
    event = lock_row(Event, registration.event_id)
    registration = db.session.get(Registration, registration.id)
    if registration.anonymised_at is not None:
        db.session.rollback()
        raise RegistrationError("anonymised")
    before = _as_it_stands(registration)
    try:
        workshops = _check_workshops(event, data.get("workshops") or [], keep=set(before["workshops"]))
    except RegistrationError:
        db.session.rollback()
        raise
    email = data["email"].strip()
    if email.lower() != registration.email_normalized:
        taken = db.session.scalar(
            select(Registration.id).where(
                Registration.event_id == event.id,
                Registration.email_normalized == email.lower(),
                Registration.id != registration.id,
            )
        )
        if taken is not None:
            db.session.rollback()
            raise RegistrationError("email_taken")
        registration.email_normalized = email.lower()
        # the link is derived from the address: the new one goes to the new address, the old one stops working
        registration.manage_token_hash = hash_token(personal_token(registration))
    registration.email = email
    _apply_details(registration, data)
    choose_workshops(registration, workshops)
    try:
        choose_days(registration, data.get("days") or [])
    except RegistrationError:
        db.session.rollback()
        raise
    db.session.flush()
    after = _as_it_stands(registration)
    changed = [name for name in CORRECTED_FIELDS if before[name] != after[name]]
    if not changed:
        db.session.rollback()
        return []
    notify = notify or "email" in changed
    record_audit(
        "registration.correct",
        registration,
        summary=f"{event.title}: {registration.full_name} ({', '.join(changed)})",
        details={"fields": changed, "notified": notify},
    )
    if notify:
        mails.send_corrected(registration, note.strip())
    db.session.commit()
    return changed
