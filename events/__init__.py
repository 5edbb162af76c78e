"""Treffpunkt: events, registration, check-in and certificates for the integration coordinators' programme."""

import os
from pathlib import Path

from flask import Flask, g, has_request_context, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from events.config import (
    CONTENT_SECURITY_POLICY,
    DEFAULT_INSTANCE,
    PROJECT_ROOT,
    BaseConfig,
    load_or_create_secret_key,
    settings_from_environment,
    unsafe_production_settings,
)
from events.core.input_checks import BoundedIntConverter, CheckedRequest, UnreadableInput, refuse_unreadable_input
from events.extensions import babel, cache, csrf, db, limiter, login_manager, migrate, talisman

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
    # Input no page can use is refused before anything else sees it (events.core.input_checks).
    app.request_class = CheckedRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_unreadable_input)
    app.config.from_object(BaseConfig)
    app.config.update(settings_from_environment(instance_path))
    app.config.update(config or {})
    problems = unsafe_production_settings(app.config)
    if problems:
        raise UnsafeSettings("Refusing to start in production: " + "; ".join(problems))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)

    if app.config.get("PROXY_COUNT"):
        # Behind a proxy: client address (rate limits, audit log) and https from the forwarded headers.
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _register_write_transactions(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    _register_private_caching(app)
    return app


def select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background senders
        return current_app.config["DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    # a page for one registrant (their personal link) speaks the language they chose for their mails
    if g.get("registrant_language") in languages:
        return g.registrant_language
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["DEFAULT_LOCALE"]


def _init_extensions(app: Flask) -> None:
    from events import models  # noqa: F401 - registers every table with the metadata
    from events.accounts.sessions import current_session_token, user_of_session
    from events.core import database  # noqa: F401 - installs the SQLite pragmas and BEGIN handling
    from events.core.jobs import init_jobs, load_tasks
    from events.core.languages import spoken_locale
    from events.core.mailer import deliver_after_request

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    babel.init_app(app, locale_selector=lambda: spoken_locale(select_locale()))
    limiter.init_app(app)
    cache.init_app(app)
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
    def load_user(session_id: str):
        # The session row on the server must still be current (not signed out, idle or too old), and the
        # "id:password stamp" must match: a new password (a reset after a lost one, say) signs out every session.
        user = user_of_session(current_session_token())
        user_id, _, stamp = session_id.partition(":")
        return user if user is not None and user_id == str(user.id) and stamp == user.password_stamp else None

    @app.before_request
    def check_signed_in_session():
        # First thing in a request (before its transaction begins): checking the session may write its
        # last_seen_at and commit, which must never happen amid a view's own changes.
        if request.endpoint != "static":
            current_user._get_current_object()

    app.after_request(deliver_after_request)
    init_jobs(app)
    load_tasks()


def _register_blueprints(app: Flask) -> None:
    # One blueprint per capability: package name = blueprint name = URL prefix. Each package's __init__ makes its
    # blueprint and imports its views; registration adds the invitation pages to the meetings blueprint, so every
    # package is imported before any blueprint is registered. Privacy has no pages but adds to the organiser's
    # event page (meetings.signals).
    from events import (
        accounts,
        admin,
        awards,
        calendar,
        ceremonies,
        certificates,
        checkin,
        directory,
        mail,
        meetings,
        pages,
        privacy,  # noqa: F401
        registration,
        tandems,
    )

    for package in (
        *(pages, accounts, admin, directory, mail, meetings, registration, calendar, checkin, certificates, tandems),
        awards,
        ceremonies,
    ):
        app.register_blueprint(package.bp)


def _register_cli(app: Flask) -> None:
    from events.accounts.cli import users_cli
    from events.certificates.cli import certificates_cli
    from events.core.cli import districts_cli, jobs_cli, mail_cli
    from events.demo.cli import demo_cli
    from events.privacy import cli as privacy_cli  # noqa: F401 - adds its command to `flask events`
    from events.registration.cli import events_cli
    from events.tandems.cli import tandems_cli

    for group in (users_cli, districts_cli, demo_cli, mail_cli, jobs_cli, events_cli, certificates_cli, tandems_cli):
        app.cli.add_command(group)


def _register_error_pages(app: Flask) -> None:
    from events.documents.sandbox import RenderingFailed

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

    @app.errorhandler(UnreadableInput)
    def unreadable_input(error):
        message = _(
            "Die Anfrage enthält Steuerzeichen oder eine zu große Zahl und wurde nicht bearbeitet. "
            "Bitte prüfen Sie Ihre Eingabe, zum Beispiel nach dem Einfügen aus einem anderen Programm."
        )
        return render_error(400, message)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _(
            "Das Formular ist abgelaufen oder unvollständig. Bitte laden Sie die Seite neu und senden Sie es erneut."
        )
        return render_error(400, message)

    @app.errorhandler(RenderingFailed)
    def rendering_failed(error):
        """A PDF that hit a limit of the renderer (too complex, too large) or that it could not make."""
        db.session.rollback()
        return render_error(503 if error.reason == "failed" else 422, error.message)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)


def is_private_response() -> bool:
    """Whether the answer to this request is for one person only: a page behind a secret address (personal link,
    calendar feed, password or invitation link, an event's invitation), anything a signed-in user or a scanning
    device is shown. Such answers are kept by no cache, so that the next person at a shared computer cannot bring
    them back with the back button or from the browser's cache."""
    if request.endpoint == "static":
        return False
    return (
        "token" in (request.view_args or {})
        or "invitation" in request.args
        or "Authorization" in request.headers
        or current_user.is_authenticated
    )


def _register_private_caching(app: Flask) -> None:
    @app.after_request
    def keep_private_responses_out_of_caches(response):
        if is_private_response():
            response.headers["Cache-Control"] = "private, no-store"
        return response


def _register_write_transactions(app: Flask) -> None:
    """A request that may write (POST and friends) runs its SQLite transactions IMMEDIATE from its very first
    query (see core.database.immediate_transactions). Registered before every other before_request that reads
    the database (the session check): a read transaction it began would otherwise stay open, deferred, until the
    view writes, and that upgrade fails at once with "database is locked" when another connection (the task
    worker, say) has committed in between."""
    from events.core.database import start_immediate_transactions, stop_immediate_transactions

    @app.before_request
    def prepare_request():
        g.mail_queued = False
        view = app.view_functions.get(request.endpoint)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not getattr(view, "own_transactions", False):
            g.immediate_token = start_immediate_transactions()

    @app.teardown_request
    def finish_request(_error=None):
        token = g.pop("immediate_token", None)
        if token is not None:
            stop_immediate_transactions(token)


def _register_template_helpers(app: Flask) -> None:
    from events.certificates.models import BatchStatus
    from events.core.models import MailStatus
    from events.core.rules import is_organiser
    from events.core.timezone import time_span
    from events.meetings.models import EventAccess, EventStatus, SessionKind
    from events.meetings.rules import event_is_over
    from events.pages.navigation import navigation_for
    from events.registration.models import RegistrationStatus
    from events.registration.rules import awaiting_address_confirmation, holds_valid_ticket, participant_may_cancel

    app.add_template_global(time_span)
    # The named rules and the enums templates ask, registered once: templates call the rules services call, and
    # compare with enum members, never with bare strings.
    for rule in (
        is_organiser,
        event_is_over,
        holds_valid_ticket,
        participant_may_cancel,
        awaiting_address_confirmation,
    ):
        app.add_template_global(rule)
    for enum_class in (EventStatus, EventAccess, SessionKind, RegistrationStatus, MailStatus, BatchStatus):
        app.add_template_global(enum_class, enum_class.__name__)

    @app.context_processor
    def inject_globals():
        return {
            "navigation": navigation_for(current_user),
            "current_locale": select_locale(),
            "languages": app.config["LANGUAGES"],
        }
