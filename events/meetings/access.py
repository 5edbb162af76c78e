"""Who may manage one event: declared once per view with a decorator."""

from functools import wraps

from flask import abort

from events.core.access import role_required
from events.extensions import db
from events.meetings.models import Event


def event_organiser_required(view):
    """Organisers (and admins) only (role_required); the view gets `event` instead of its id. Unknown event: 404."""

    @role_required("organiser")
    @wraps(view)
    def wrapped(event_id: int, *args, **kwargs):
        event = db.session.get(Event, event_id) or abort(404)
        return view(event, *args, **kwargs)

    return wrapped
