from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from events.admin import views  # noqa: E402,F401 - the routes of bp
