"""Tandem project groups: programmes, groups, pairs of organisations, their meetings and the shared guideline."""

from flask import Blueprint

bp = Blueprint("tandems", __name__, url_prefix="/tandems")

from events.tandems import manage, views  # noqa: E402,F401 - the routes of bp
