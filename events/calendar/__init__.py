"""Calendar files: .ics invites for mails, downloads per event, a public feed and personal feeds."""

from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

from events.calendar import views  # noqa: E402,F401 - the routes of bp
