from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/certificates")

from events.certificates import views  # noqa: E402,F401 - the routes of bp
