"""Treffpunkt: events, registration, check-in and certificates for the integration coordinators' programme."""

import os
from pathlib import Path

from flask import Flask, g, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from events.config import (
    DEFAULT_INSTANCE,
    PROJECT_ROOT,
    BaseConfig,
    load_or_create_secret_key,
    settings_from_environment,
    unsafe_production_settings,
)
from events.extensions import babel, csrf, db, limiter, login_manager, migrate, talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


# Paths whose errors are answered as JSON (device APIs).
JSON_PATH_PREFIXES = ("/api/", "/checkin/api/")


class UnsafeSettings(RuntimeError):
    """Raised when production mode meets settings that must not run in production."""


def create_app(config: dict | None = None) -> Flask:
    instance_path = Path((config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH") or DEFAULT_INSTANCE)
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(BaseConfig)
    app.config.update(settings_from_environment(instance_path))
    app.config.update(config or {})
    problems = unsafe_production_settings(app.config)
    if problems:
        raise UnsafeSettings("Refusing to start in production: " + "; ".join(problems))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    return app


def select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["DEFAULT_LOCALE"]


def _init_extensions(app: Flask) -> None:
    from events import models  # noqa: F401 - registers every table with the metadata
    from events.core import database  # noqa: F401 - installs the SQLite pragmas and BEGIN handling
    from events.core.mailer import deliver_after_request
    from events.core.models import User

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    production = app.config["ENV_NAME"] == "production"
    talisman.init_app(
        app,
        force_https=False,
        strict_transport_security=production,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"camera": "(self)", "geolocation": "()", "microphone": "()"},
    )

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    app.after_request(deliver_after_request)


def _register_blueprints(app: Flask) -> None:
    from events.accounts import bp as accounts_bp
    from events.admin import bp as admin_bp
    from events.checkin import bp as checkin_bp
    from events.directory import bp as directory_bp
    from events.mail import bp as mail_bp
    from events.pages import bp as pages_bp

    for blueprint in (pages_bp, accounts_bp, admin_bp, directory_bp, mail_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(checkin_bp)


def _register_cli(app: Flask) -> None:
    from events.core.cli import demo_cli, districts_cli, mail_cli, users_cli

    for group in (users_cli, districts_cli, demo_cli, mail_cli):
        app.cli.add_command(group)


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: lambda: _("Die Anfrage war fehlerhaft."),
        403: lambda: _("Dafür fehlt Ihnen die Berechtigung."),
        404: lambda: _("Diese Seite gibt es nicht (mehr)."),
        405: lambda: _("Diese Aktion ist hier nicht möglich."),
        413: lambda: _("Die hochgeladene Datei ist zu groß."),
        429: lambda: _("Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."),
        500: lambda: _("Ein interner Fehler ist aufgetreten. Wir kümmern uns darum."),
    }

    def render_error(code: int, message: str | None = None):
        if request.accept_mimetypes.best == "application/json" or request.path.startswith(JSON_PATH_PREFIXES):
            return {"error": code, "message": message or messages[code]()}, code
        return render_template("errors/error.html", code=code, message=message or messages[code]()), code

    for code in messages:
        if code == 500:
            continue
        app.register_error_handler(code, lambda error, code=code: render_error(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _(
            "Das Formular ist abgelaufen oder unvollständig. Bitte laden Sie die Seite neu und senden Sie es erneut."
        )
        return render_error(400, message)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)


def _register_template_helpers(app: Flask) -> None:
    from events.pages.navigation import navigation_for

    @app.context_processor
    def inject_globals():
        return {
            "navigation": navigation_for(current_user),
            "current_locale": select_locale(),
            "languages": app.config["LANGUAGES"],
        }

    @app.before_request
    def remember_request_start():
        g.mail_queued = False
