from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from events.meetings import stored_entries, views  # noqa: E402,F401 - entries kept up to date; the routes of bp
