"""Who may use the door of one event: declared once per view with a decorator."""

from functools import partial, wraps

from flask import abort, g, request
from flask_babel import gettext as _
from flask_login import current_user

from events.checkin.devices import device_for_token
from events.checkin.staff import may_scan
from events.core.database import statements_commit_themselves
from events.extensions import db, login_manager
from events.meetings.models import Event


def event_staff_required(view):
    """Check-in staff assigned to the event in the URL, and organisers; the view gets `event` instead of its id.

    Unknown event: 404. Signed in but not assigned: 403.
    """

    @wraps(view)
    def wrapped(event_id: int, *args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        event = db.session.get(Event, event_id) or abort(404)
        if not may_scan(current_user, event):
            abort(403)
        return view(event, *args, **kwargs)

    wrapped.allowed_roles = frozenset({"checkin", "organiser", "admin"})
    return wrapped


def device_token_required(view=None, *, ticket_field: str | None = None):
    """API calls carry `Authorization: Bearer <device token>`; the device and its event go to g.

    With `ticket_field`, the scanned code in that field of the JSON body is checked with the device's lookup
    (one query, see service.device_for_token) and goes to g.ticket. The device is read without the write lock;
    a scan takes it only for its short write, and on PostgreSQL each statement commits by itself (see
    core.database.statements_commit_themselves).
    """
    if view is None:
        return partial(device_token_required, ticket_field=ticket_field)

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _space, token = header.partition(" ")
        statements_commit_themselves()
        found = device_for_token(token.strip(), _ticket_in_body(ticket_field)) if scheme.lower() == "bearer" else None
        if found is None:
            body = {
                "error": 401,
                "message": _(
                    "Gerätetoken fehlt, ist unbekannt, wurde widerrufen oder gilt zu dieser Zeit nicht "
                    "(nur von kurz vor bis kurz nach der Veranstaltung)."
                ),
            }
            return body, 401, {"WWW-Authenticate": 'Bearer realm="treffpunkt-checkin"'}
        g.device, g.event, g.ticket = found
        return view(*args, **kwargs)

    wrapped.allowed_roles = "device-token"
    return wrapped


def _ticket_in_body(field: str | None) -> str | None:
    if field is None:
        return None
    body = request.get_json(silent=True)
    value = body.get(field) if isinstance(body, dict) else None
    return value if isinstance(value, str) and len(value) <= 200 else None
