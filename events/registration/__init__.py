from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/registration")

from events.registration import views  # noqa: E402,F401
