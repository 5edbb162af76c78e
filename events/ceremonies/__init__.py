"""Award ceremonies: the ceremony as an event with its guest list (winners with their guests, honoured guests by
protocol rank), the security list, seating, running order, greeting list, place cards and badges."""

from flask import Blueprint

bp = Blueprint("ceremonies", __name__, url_prefix="/ceremonies")

from events.ceremonies import hooks, receivers  # noqa: E402, I001
from events.ceremonies import manage_views, personal_views, seating_views  # noqa: E402,F401 - the routes of bp

hooks.connect()
receivers.connect()
