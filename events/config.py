"""Settings from environment variables, each with a documented default (see README)."""

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_or_create_secret_key(instance_path: Path) -> str:
    """Read the secret key kept in the instance folder, creating it once."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def settings_from_environment(instance_path: Path) -> dict:
    env = os.environ.get
    database_url = env("DATABASE_URL") or f"sqlite:///{instance_path / 'treffpunkt.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    production = env("TREFFPUNKT_ENV", "development") == "production"
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": env("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": (env("BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_SERVER": env("MAIL_SERVER", ""),
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USERNAME": env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "Treffpunkt <noreply@treffpunkt.example>"),
        "MAIL_CONNECT_TIMEOUT": float(env("MAIL_CONNECT_TIMEOUT", "5")),  # connection and the server's greeting
        "MAIL_TIMEOUT": float(env("MAIL_TIMEOUT", "10")),  # each SMTP command
        "MAIL_SEND_TIMEOUT": float(env("MAIL_SEND_TIMEOUT", "60")),  # one mail as a whole
        "MAIL_BATCH_SIZE": int(env("MAIL_BATCH_SIZE", "50")),  # mails one run of the sender takes at most
        # "background": a task for the worker right after the request; "later": only the worker's retry every
        # minute (and `flask mail send-pending`); "sync": before the request returns (tests).
        "MAIL_DELIVERY": env("MAIL_DELIVERY", "background"),
        "MAIL_FOLDER": str(instance_path / "mail"),
        # the task queue: empty for a SQLite file in the instance folder, redis://host:6379/0 for several
        # processes or machines, "immediate" to run each task where it is queued (tests)
        "JOBS_URL": env("JOBS_URL", ""),
        "JOBS_NAME": env("JOBS_NAME", "treffpunkt"),  # the queue's name in its storage (several services, one Redis)
        # generated files (certificate batches, the mail archive): "folder" (instance folder) or "database"
        "FILE_STORAGE": env("FILE_STORAGE", "folder"),
        # seconds a worker holds a certificate batch between two signs of life; after that another worker takes
        # the batch up (longer than rendering one group of certificates takes)
        "CERTIFICATE_LEASE_SECONDS": int(env("CERTIFICATE_LEASE_SECONDS", "120")),
        "DEFAULT_LOCALE": env("DEFAULT_LOCALE", "de"),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # registration forms sent from one address (IP) to any event; generous, a ministry network may share one
        "REGISTRATION_RATE_LIMIT": env("REGISTRATION_RATE_LIMIT", "60 per minute; 600 per hour"),
        # registrations taken for one event from one address, and for one event from all addresses together: a
        # team registering its colleagues passes, one or two machines cannot book out an event
        "REGISTRATION_LIMIT_PER_EVENT_AND_ADDRESS": env(
            "REGISTRATION_LIMIT_PER_EVENT_AND_ADDRESS", "20 per hour; 60 per day"
        ),
        "REGISTRATION_LIMIT_PER_EVENT": env("REGISTRATION_LIMIT_PER_EVENT", "120 per minute; 2000 per hour"),
        # an event that asks for the address to be confirmed holds a new place this many hours (never past its start)
        "ADDRESS_HOLD_HOURS": float(env("ADDRESS_HOLD_HOURS", "24")),
        # How many reverse proxies (TLS terminator, load balancer) stand in front of the app; their
        # X-Forwarded-For/-Proto/-Host headers are trusted that many hops deep (0: trust none).
        "PROXY_COUNT": int(env("PROXY_COUNT", "0")),
        # Bounds of every PDF render (its own process): CPU seconds, address space in MB, seconds of waiting.
        "PDF_CPU_SECONDS": int(env("PDF_CPU_SECONDS", "15")),
        "PDF_MEMORY_MB": int(env("PDF_MEMORY_MB", "1024")),
        "PDF_TIMEOUT_SECONDS": float(env("PDF_TIMEOUT_SECONDS", "20")),
        "SESSION_COOKIE_SECURE": production or _bool("SESSION_COOKIE_SECURE", False),
        # over HTTPS in production: a cookie named __Host- is only accepted from this very host, path /, secure
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        # a signed-in session ends after this many minutes without a request, and this many hours after sign-in
        # the tokens of an event's scanning devices work from this many days before its start until this many
        # hours after its end
        "DEVICE_VALID_DAYS_BEFORE": int(env("DEVICE_VALID_DAYS_BEFORE", "14")),
        "DEVICE_VALID_HOURS_AFTER": int(env("DEVICE_VALID_HOURS_AFTER", "12")),
        "SESSION_IDLE_MINUTES": int(env("SESSION_IDLE_MINUTES", "30")),
        "SESSION_MAX_HOURS": int(env("SESSION_MAX_HOURS", "10")),
        # failed sign-ins (growing back-off: each limit is a longer window): one account from any address ...
        "LOGIN_LIMIT_PER_ACCOUNT": env("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes; 20 per hour; 50 per day"),
        # ... and one address (IP) across all accounts; the tight limit per address and account is LOGIN_RATE_LIMIT
        "LOGIN_LIMIT_PER_ADDRESS": env("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes; 60 per hour; 200 per day"),
        "REMEMBER_COOKIE_SECURE": production or _bool("SESSION_COOKIE_SECURE", False),
    }


class BaseConfig:
    """Static settings that do not come from the environment."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    LANGUAGES = ("de", "en")
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    PASSWORD_RESET_MAX_AGE = 3600  # seconds a mailed reset link stays valid
    INVITATION_MAX_AGE = 7 * 24 * 3600  # seconds an invitation link stays valid
    LOGIN_RATE_LIMIT = "5 per 15 minutes"
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    RATELIMIT_HEADERS_ENABLED = True


def unsafe_production_settings(config: dict) -> list[str]:
    """Reasons why these settings must not run in production; empty when they are fine."""
    problems = []
    if config.get("ENV_NAME") != "production":
        return problems
    if not os.environ.get("SECRET_KEY"):
        problems.append("SECRET_KEY is not set (a key generated on one machine breaks sessions on the others)")
    elif len(os.environ["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY is shorter than 32 characters")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problems.append("DATABASE_URL points at SQLite; production uses PostgreSQL")
    if not config["BASE_URL"].startswith("https://"):
        problems.append("BASE_URL does not start with https://")
    if config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        problems.append("RATELIMIT_STORAGE_URI is in memory; several workers need Redis")
    if not config["JOBS_URL"].startswith(("redis://", "rediss://", "unix://")):
        problems.append("JOBS_URL does not point at Redis; the task queue of several processes and machines needs it")
    if config.get("DEBUG"):
        problems.append("DEBUG is on")
    return problems


# What pages may load: only the service's own scripts, styles and fonts (no CDN, no outside requests).
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
