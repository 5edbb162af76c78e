"""The task queue: work that must not happen inside a web request, run by `flask jobs worker` (Huey).

One setting chooses where the queue lives (JOBS_URL): a SQLite file in the instance folder by default, Redis when
several processes or machines share the work, or "immediate" (tests: a task runs where it is queued). Each package
declares its tasks in its own tasks.py with the decorators below; create_app imports them all, so the web
processes can queue them and the worker knows them.

Every task runs in an application context of its own (its own database session, removed afterwards) and must be
safe to run twice: a worker that dies takes its task with it, and the periodic jobs and leases bring the work
back.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import pkgutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from events.core.database import immediate_transactions
from events.core.models import PeriodicRun
from events.core.types import utcnow
from events.extensions import db

__all__ = ["crontab", "huey", "init_jobs", "periodic_job", "run_worker", "task"]

log = logging.getLogger(__name__)

# How often an idle worker looks at the queue: Huey's default lets the pause grow to 10 s while the queue is
# empty, so a task queued by an organiser (a certificate batch) waited up to 10 s before it began. Looking twice
# a second costs one indexed query per worker thread.
POLL_SECONDS = 0.1
POLL_BACKOFF = 1.5
MAX_POLL_SECONDS = 0.5

_bound: dict[str, Flask] = {}  # the worker's app, for tasks run outside any app context


class AppQueue(Huey):
    """A Huey whose storage and immediate mode follow the Flask app it is used in (app.extensions["jobs"], set by
    init_jobs): each app create_app makes keeps its own queue (tests make several); the worker has one app."""

    def _settings(self) -> dict | None:
        app = current_app._get_current_object() if has_app_context() else _bound.get("app")
        return app.extensions.get("jobs") if app is not None else None

    @property
    def storage(self):
        settings = self._settings()
        return settings["storage"] if settings else self.__dict__["_storage"]

    @storage.setter
    def storage(self, value):
        self.__dict__["_storage"] = value

    @property
    def _immediate(self) -> bool:
        settings = self._settings()
        return settings["immediate"] if settings else self.__dict__.get("_immediate_default", True)

    @_immediate.setter
    def _immediate(self, value: bool) -> None:
        self.__dict__["_immediate_default"] = value


# The queue every package puts its tasks on.
huey = AppQueue("treffpunkt", results=False, immediate=True)


def storage_for(url: str, instance_path: str) -> tuple[type | None, dict]:
    """The Huey storage class and its arguments for a JOBS_URL (None: run tasks at once, where they are queued)."""
    if url == "immediate":
        return None, {}
    if not url:
        return SqliteStorage, {"filename": f"{instance_path}/jobs.db"}
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return SqliteStorage, {"filename": url.removeprefix("sqlite:///")}
    if scheme in {"redis", "rediss", "unix"}:
        return RedisStorage, {"url": url}
    raise ValueError(f"JOBS_URL: unknown kind of queue {url!r} (sqlite:///path, redis://host:port/db or immediate)")


def init_jobs(app: Flask) -> None:
    """Give the app the queue its JOBS_URL names (JOBS_NAME: the queue's name within that storage)."""
    storage_class, arguments = storage_for(app.config["JOBS_URL"], app.instance_path)
    name = app.config.get("JOBS_NAME") or "treffpunkt"
    if storage_class is None:
        app.extensions["jobs"] = {"storage": MemoryStorage(name), "immediate": True}
    else:
        app.extensions["jobs"] = {"storage": storage_class(name, **arguments), "immediate": False}


def _app() -> Flask:
    # A task queued and run in one process (immediate mode) runs for the app that queued it; the worker has one.
    return current_app._get_current_object() if has_app_context() else _bound["app"]


def _in_app_context(function):
    """Run a task in a context of its own: a request context for BASE_URL (mails and files build their links with
    url_for), its own database session, and SQLite write transactions that take the lock up front."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        app = _app()
        # an app context of its own first: the request context would reuse the caller's (immediate mode), and
        # with it the caller's database session
        with (
            app.app_context(),
            app.test_request_context("/", base_url=app.config["BASE_URL"]),
            immediate_transactions(),
        ):
            try:
                return function(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def task(**options):
    """Declare a background task (Huey's task options: retries, retry_delay, ...).

    Calling the decorated function queues it; `.call_local(...)` runs it here and now.
    """

    def declare(function):
        return huey.task(**options)(_in_app_context(function))  # known to the queue as module.function

    return declare


def periodic_job(schedule: crontab, every: timedelta):
    """Declare a job the worker runs on a schedule (a huey crontab that fires once per `every`).

    Each worker process runs its own scheduler, so with two workers each queues the job; the first to take the
    time slot in the database (periodic_runs) runs it, the other sees the slot taken and does nothing.
    """

    def declare(function):
        name = f"{function.__module__}.{function.__name__}"  # the periodic_runs name

        @functools.wraps(function)
        def once_per_slot():
            if not claim_slot(name, every):
                log.info("periodic job %s already ran in this slot", name)
                return None
            return function()

        return huey.periodic_task(schedule)(_in_app_context(once_per_slot))

    return declare


def slot_start(now: datetime, every: timedelta) -> datetime:
    """The scheduled time a run at `now` belongs to: the nearest multiple of `every` (the scheduler fires on
    the boundary and a worker takes the job a moment later, so rounding to the nearest absorbs the delay)."""
    seconds = every.total_seconds()
    stamp = round(now.timestamp() / seconds) * seconds
    return datetime.fromtimestamp(stamp, UTC)


def claim_slot(name: str, every: timedelta) -> bool:
    """Take this run's time slot for a periodic job; False when another worker has it already."""
    now = utcnow()
    db.session.add(PeriodicRun(name=name, slot=slot_start(now, every), started_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    # slots older than a week tell nobody anything any more
    db.session.execute(delete(PeriodicRun).where(PeriodicRun.started_at < now - timedelta(days=7)))
    db.session.commit()
    return True


def load_tasks() -> list[str]:
    """Import every package's tasks.py, so that the queue knows each task; returns the module names."""
    names = []
    for package in pkgutil.iter_modules([str(Path(__file__).resolve().parent.parent)]):
        if package.ispkg and importlib.util.find_spec(f"events.{package.name}.tasks") is not None:
            names.append(importlib.import_module(f"events.{package.name}.tasks").__name__)
    return names


def run_worker(workers: int = 2, periodic: bool = True) -> None:
    """Run the consumer until it is stopped (SIGINT finishes the running tasks, SIGTERM stops at once)."""
    if huey.immediate:
        raise RuntimeError("JOBS_URL is 'immediate': tasks run where they are queued, there is nothing to consume")
    _bound["app"] = current_app._get_current_object()
    logging.getLogger("huey").setLevel(logging.INFO)
    if not logging.getLogger("huey").handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(name)s: %(message)s"))
        logging.getLogger("huey").addHandler(handler)
    huey.create_consumer(
        workers=workers,
        periodic=periodic,
        worker_type="thread",
        initial_delay=POLL_SECONDS,
        backoff=POLL_BACKOFF,
        max_delay=MAX_POLL_SECONDS,
    ).run()
