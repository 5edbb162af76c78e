from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/mail")

from events.mail import views  # noqa: E402,F401 - the routes of bp
