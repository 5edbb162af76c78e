"""Award programmes: calls, nominations, eligibility, the jury's scoring and the results for its meeting."""

from flask import Blueprint

bp = Blueprint("awards", __name__, url_prefix="/awards")
