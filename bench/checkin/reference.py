"""The bare reference for the check-in benchmark: one Flask endpoint on plain sqlite3, no ORM, no extensions.

It does what a check-in must do at the least: find the device by its token hash, check the ticket's
signature, read the registration, then in one write transaction update the device's last-seen time and
insert the scan (a second admission fails on the same partial unique index and becomes "already").
Served by gunicorn like the application: `gunicorn bench.checkin.reference:app` with DATABASE_URL set.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, request

from bench.reference import sqlite_per_request
from events.registration.tickets import parse_ticket_token

BERLIN = ZoneInfo("Europe/Berlin")
app = Flask(__name__)
DATABASE = os.environ.get("DATABASE_URL", "").removeprefix("sqlite:///")


connection = sqlite_per_request(app, DATABASE)


def _mac(key: str, payload: str) -> str:
    import base64

    digest = hmac.new(key.encode(), payload.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@app.post("/scan")
def scan():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    database = connection()
    device = database.execute(
        "SELECT id, event_id, name FROM devices WHERE token_hash = ? AND revoked_at IS NULL",
        (hashlib.sha256(token.encode()).hexdigest(),),
    ).fetchone()
    if device is None:
        return {"error": 401}, 401
    device_id, event_id, device_name = device
    body = request.get_json(silent=True) or {}
    code = parse_ticket_token(body.get("token", ""))
    result, registration_id = "invalid", None
    if code is not None and code.event_id == event_id:
        (key,) = database.execute("SELECT ticket_key FROM events WHERE id = ?", (event_id,)).fetchone()
        if hmac.compare_digest(code.mac, _mac(key, code.payload)):
            row = database.execute(
                "SELECT id, status, ticket_version FROM registrations WHERE id = ? AND event_id = ?",
                (code.registration_id, event_id),
            ).fetchone()
            if row is not None and row[2] == code.version:
                registration_id = row[0]
                result = "welcome" if row[1] == "confirmed" else "cancelled"
    now = datetime.now(UTC)
    stamp = now.replace(tzinfo=None).isoformat(sep=" ")
    day = now.astimezone(BERLIN).date().isoformat()
    database.execute("BEGIN IMMEDIATE")
    try:
        database.execute("UPDATE devices SET last_seen_at = ? WHERE id = ?", (stamp, device_id))
        insert = (
            "INSERT INTO checkins (event_id, registration_id, day, scope, scanned_at, result, device_id, device_name,"
            " nonce) VALUES (?, ?, ?, 'day', ?, ?, ?, ?, ?)"
        )
        values = [event_id, registration_id, day, stamp, result, device_id, device_name, body.get("nonce")]
        try:
            database.execute(insert, values)
        except sqlite3.IntegrityError:
            result = values[4] = "already"
            database.execute(insert, values)
        database.execute("COMMIT")
    except BaseException:
        database.execute("ROLLBACK")
        raise
    return {"result": result, "registration_id": registration_id}
