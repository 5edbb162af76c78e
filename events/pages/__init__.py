from flask import Blueprint

bp = Blueprint("pages", __name__)

from events.pages import views  # noqa: E402,F401 - the routes of bp
