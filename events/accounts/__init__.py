from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

from events.accounts import views  # noqa: E402,F401 - the routes of bp
