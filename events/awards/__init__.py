"""Award programmes: calls, nominations, eligibility, the jury's scoring and the results for its meeting."""

from flask import Blueprint

bp = Blueprint("awards", __name__, url_prefix="/awards")

from events.awards import (  # noqa: E402,F401 - the routes of bp; certificates registers its embargo check
    certificates,
    decision_views,
    jury_views,
    manage_views,
    public_views,
)
