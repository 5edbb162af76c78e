from flask import Blueprint

bp = Blueprint("checkin", __name__, url_prefix="/checkin")
