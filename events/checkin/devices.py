"""Scanning devices: created with a token shown once, revoked, and found by their token in one query."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, select

from events.checkin.models import Device
from events.checkin.scanning import HOLDER_COLUMNS, check_ticket, holder_of, holder_problem, with_holder_details
from events.core.audit import record_audit
from events.core.models import User
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration
from events.registration.tickets import parse_ticket_token, signature_is_valid

# Devices


def hash_device_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_device(event: Event, name: str, user: User) -> tuple[Device, str]:
    """A new scanning device; returns it with its token, which is shown once and stored only hashed."""
    token = "tpd_" + secrets.token_urlsafe(32)
    device = Device(
        event_id=event.id, name=name.strip()[:100], token_hash=hash_device_token(token), created_by_id=user.id
    )
    db.session.add(device)
    db.session.flush()
    record_audit("device.created", device, f"Device {device.name} for event {event.id} created")
    db.session.commit()
    return device, token


def revoke_device(device: Device) -> None:
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        record_audit("device.revoked", device, f"Device {device.name} revoked")
        db.session.commit()


_DEVICE_COLUMNS = (
    Device.id.label("device_id"),
    Device.name.label("device_name"),
    Device.last_seen_at,
    Event.id.label("event_id"),
    Event.title,
    Event.ticket_key,
    Event.starts_at,
    Event.ends_at,
    Event.status.label("event_status"),
)
_ACTIVE_DEVICE = and_(Device.token_hash == bindparam("token_hash"), Device.revoked_at.is_(None))
_DEVICE_QUERY = select(*_DEVICE_COLUMNS).join(Event, Event.id == Device.event_id).where(_ACTIVE_DEVICE)
# The same with the holder of a genuine ticket: a scan through the API needs one query for both.
_DEVICE_AND_HOLDER_QUERY = with_holder_details(
    select(*_DEVICE_COLUMNS, *HOLDER_COLUMNS)
    .join(Event, Event.id == Device.event_id)
    .outerjoin(Registration, and_(Registration.id == bindparam("registration_id"), Registration.event_id == Event.id))
    .where(_ACTIVE_DEVICE)
)

# An event's ticket key never changes, so each process keeps the keys it has read: the API checks a code's
# signature before its one query. The key read with the device confirms the kept one; should they ever differ
# (an event id used again after a deletion), the key just read wins.
_TICKET_KEYS: dict[int, str] = {}


def _kept_ticket_key(event_id: int) -> str | None:
    key = _TICKET_KEYS.get(event_id)
    if key is None:
        key = db.session.connection().execute(select(Event.ticket_key).where(Event.id == event_id)).scalar()
        if key is not None:
            _TICKET_KEYS[event_id] = key
    return key


@dataclass(frozen=True)
class ScanningDevice:
    id: int
    name: str
    last_seen_at: datetime | None = None


@dataclass(frozen=True)
class ScanningEvent:
    """What the door needs to know about an event (the API loads it with the device, in one query)."""

    id: int
    title: str
    ticket_key: str
    starts_at: datetime
    ends_at: datetime
    status: str


def device_for_token(token: str | None, ticket: str | None = None):
    """(device, event, checked) for the active device holding this token, or None.

    Given the text of a scanned code, `checked` is that code checked as check_ticket does, (problem, holder):
    the signature is checked first, with the event's kept key, and only a genuine code's holder is read, in the
    same query as the device. Without a code, `checked` is None.
    """
    if not token or len(token) > 200:
        return None
    code = parse_ticket_token(ticket) if ticket is not None else None
    key = _kept_ticket_key(code.event_id) if code is not None else None
    genuine = key is not None and signature_is_valid(code, key)
    parameters = {"token_hash": hash_device_token(token)}
    if genuine:
        parameters["registration_id"] = code.registration_id
    rows = db.session.connection().execute(_DEVICE_AND_HOLDER_QUERY if genuine else _DEVICE_QUERY, parameters).all()
    if not rows:
        return None
    row = rows[0]
    if not device_is_within_its_window(row.starts_at, row.ends_at):
        return None
    device = ScanningDevice(row.device_id, row.device_name, row.last_seen_at)
    event = ScanningEvent(row.event_id, row.title, row.ticket_key, row.starts_at, row.ends_at, row.event_status)
    if ticket is None:
        return device, event, None
    if genuine and code.event_id == event.id and key == event.ticket_key:
        return device, event, holder_problem(code, holder_of(rows))
    if code is not None and code.event_id == event.id:
        _TICKET_KEYS[event.id] = event.ticket_key
    return device, event, check_ticket(event, ticket)  # forged, another event's, or checked with an old key


def device_window(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """From when until when the tokens of an event's devices work: DEVICE_VALID_DAYS_BEFORE days before the
    start (to set up and try them) until DEVICE_VALID_HOURS_AFTER hours after the end. Outside it a token opens
    nothing, so a device left in a drawer after the event no longer reads the registrants' names."""
    config = current_app.config
    return (
        starts_at - timedelta(days=config["DEVICE_VALID_DAYS_BEFORE"]),
        ends_at + timedelta(hours=config["DEVICE_VALID_HOURS_AFTER"]),
    )


def device_is_within_its_window(starts_at: datetime, ends_at: datetime, now: datetime | None = None) -> bool:
    valid_from, valid_until = device_window(starts_at, ends_at)
    return valid_from <= (now or utcnow()) <= valid_until


def devices_of(event: Event) -> list[Device]:
    return list(db.session.scalars(select(Device).where(Device.event_id == event.id).order_by(Device.created_at)))
