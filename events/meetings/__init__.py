from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from events.meetings import views  # noqa: E402,F401 - the routes of bp
