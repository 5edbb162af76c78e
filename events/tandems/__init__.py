"""Tandem project groups: programmes, groups, pairs of organisations, their meetings and the shared guideline."""

from flask import Blueprint

bp = Blueprint("tandems", __name__, url_prefix="/tandems")
