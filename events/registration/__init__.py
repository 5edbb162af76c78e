from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/registration")

# the routes of bp; event_views adds registration's parts and pages to those of meetings, changes tells registrants
# of event changes (meetings.signals)
from events.registration import changes, event_views, list_views, organiser_views, views  # noqa: E402,F401
