"""The JSON API for scanning devices: check in, search, status; described in openapi.yaml.

Devices authenticate with their own token (`Authorization: Bearer ...`) instead of a session, so the API is
exempt from CSRF protection. Every answer, errors included, is JSON.
"""

import hashlib
import json
from pathlib import Path

from flask import Response, g, request
from flask_babel import gettext as _

from events.checkin import bp
from events.checkin.access import device_token_required
from events.checkin.figures import counts_per_day, expected_count, status_of
from events.checkin.results import person_summary
from events.checkin.scanning import NonceReused, check_in_registration, scan_ticket
from events.checkin.scopes import DAY_SCOPE, valid_scope
from events.checkin.search import SEARCH_MIN_LENGTH, search_registrations
from events.core.access import public
from events.core.database import own_transactions
from events.extensions import csrf, db
from events.registration.models import Registration

OPENAPI_FILE = Path(__file__).with_name("openapi.yaml")
MAX_NONCE = 64


def _bad_request(message: str):
    return {"error": 400, "message": message}, 400


def _request_hash(*parts: str) -> str:
    """What a request with a nonce asked for, as a hash kept with the scan: a retry must ask the same."""
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _nonce_reused():
    message = _("Diese Nonce wurde schon für eine andere Anfrage benutzt. Bitte für jede neue Anfrage eine neue Nonce.")
    return {"error": 409, "message": message}, 409


def _scan_arguments(body: dict):
    """The nonce and scope of a request body; (None, None, message) when they are malformed."""
    nonce = body.get("nonce")
    if nonce is not None and (not isinstance(nonce, str) or not 1 <= len(nonce) <= MAX_NONCE):
        return None, None, _("Die Nonce muss ein Text mit 1 bis 64 Zeichen sein.")
    scope = body.get("scope", DAY_SCOPE)
    if not isinstance(scope, str) or valid_scope(g.event, scope) != scope:
        return None, None, _("Unbekannter Bereich (scope).")
    return nonce, scope, None


@bp.route("/api/v1/scans", methods=["POST"])
@csrf.exempt
@own_transactions
@device_token_required(ticket_field="token")
def api_scan():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("token"), str) or not body["token"].strip():
        return _bad_request(_("Erwartet wird JSON mit dem gescannten Code im Feld „token“."))
    if len(body["token"]) > 200:
        return _bad_request(_("Der Code ist zu lang."))
    nonce, scope, problem = _scan_arguments(body)
    if problem:
        return _bad_request(problem)
    try:
        outcome = scan_ticket(
            g.event,
            body["token"],
            device=g.device,
            nonce=nonce,
            scope=scope,
            checked=g.ticket,
            request_hash=_request_hash("scan", body["token"], scope),
        )
    except NonceReused:
        return _nonce_reused()
    return outcome.as_json()


@bp.route("/api/v1/registrations/<int:registration_id>/checkin", methods=["POST"])
@csrf.exempt
@device_token_required
def api_manual_checkin(registration_id):
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != g.event.id:
        return {"error": 404, "message": _("Diese Anmeldung gibt es bei dieser Veranstaltung nicht.")}, 404
    body = request.get_json(silent=True)
    nonce, scope, problem = _scan_arguments(body if isinstance(body, dict) else {})
    if problem:
        return _bad_request(problem)
    try:
        outcome = check_in_registration(
            g.event,
            registration,
            device=g.device,
            nonce=nonce,
            scope=scope,
            request_hash=_request_hash("registration", str(registration.id), scope),
        )
    except NonceReused:
        return _nonce_reused()
    return outcome.as_json()


@bp.route("/api/v1/search")
@csrf.exempt
@device_token_required
def api_search():
    text = request.args.get("q", "").strip()[:100]
    if len(text) < SEARCH_MIN_LENGTH:
        return _bad_request(_("Bitte mindestens zwei Buchstaben eingeben."))
    results = search_registrations(g.event, text)
    return {
        "results": [
            {
                **person_summary(registration),
                "status": registration.status,
                "checked_in_today": standing is not None,
                "checked_in_at": standing.scanned_at.isoformat() if standing else None,
            }
            for registration, standing in results
        ]
    }


@bp.route("/api/v1/status")
@csrf.exempt
@device_token_required
def api_status():
    registration_id = request.args.get("registration_id", type=int)
    if registration_id is not None:
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.event_id != g.event.id:
            return {"error": 404, "message": _("Diese Anmeldung gibt es bei dieser Veranstaltung nicht.")}, 404
        days = status_of(g.event, registration)
        return {
            **person_summary(registration),
            "status": registration.status,
            "checked_in_days": [day.isoformat() for day in days],
        }
    counts = counts_per_day(g.event)
    return {
        "event": {"id": g.event.id, "title": g.event.title},
        "device": g.device.name,
        "expected": expected_count(g.event),
        "days": [
            {"day": row["day"].isoformat(), "expected": row["expected"], "checked_in": row["checked_in"]}
            for row in counts
        ],
    }


@bp.route("/api/openapi.yaml")
@public
def openapi():
    return Response(OPENAPI_FILE.read_text(encoding="utf-8"), mimetype="application/yaml")
