from flask import Blueprint

bp = Blueprint("checkin", __name__, url_prefix="/checkin")

from events.checkin import api, views  # noqa: E402,F401 - the routes of bp
