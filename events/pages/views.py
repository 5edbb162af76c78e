from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from events.core.access import public
from events.core.redirects import safe_next_url
from events.extensions import db
from events.pages import bp
from events.pages.service import start_page_context


@bp.route("/")
@public
def start():
    return render_template("pages/start.html", **start_page_context(current_user))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next_url(request.form.get("next")) or url_for("pages.start"))


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
