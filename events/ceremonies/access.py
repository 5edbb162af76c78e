"""Who may use a ceremony view, declared once per view; the view gets the objects, not their ids.

Organisers (and admins) run the ceremony: strangers go to the login page, an unknown ceremony is 404. A winner or
honoured guest uses their registration's personal link (the secret link is the permission); a link of a
registration that is no guest of a ceremony is 404.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g

from events.ceremonies.guests import guest_for_registration
from events.ceremonies.models import Ceremony
from events.core.access import role_required
from events.extensions import db
from events.registration.tokens import registration_by_token


def ceremony_organiser_required(view):
    """Organisers only; the view gets the ceremony instead of its id."""

    @role_required("organiser")
    @wraps(view)
    def wrapped(ceremony_id: int, *args, **kwargs):
        ceremony = db.session.get(Ceremony, ceremony_id) or abort(404)
        return view(ceremony, *args, **kwargs)

    return wrapped


def guest_link_required(view):
    """The holder of an invited guest's personal link; the view gets (guest, token) and speaks their language."""

    @wraps(view)
    def wrapped(token: str, *args, **kwargs):
        registration = registration_by_token(token) or abort(404)
        guest = guest_for_registration(registration) or abort(404)
        g.registrant_language = registration.language
        return view(guest, token, *args, **kwargs)

    wrapped.allowed_roles = None  # public: the secret link is the permission
    return wrapped
