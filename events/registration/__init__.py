from flask import Blueprint

bp = Blueprint("registration", __name__, url_prefix="/registration")

# the routes of bp: public (participants), manage, list_views and organiser_views (organisers); event_views adds
# registration's parts and pages to those of meetings, changes tells registrants of event changes (meetings.signals)
from events.registration import changes, event_views, list_views, manage, organiser_views, public  # noqa: E402,F401
