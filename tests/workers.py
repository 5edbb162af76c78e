"""Real worker processes (`flask jobs worker`) for the tests of background work.

The test app runs its tasks at once (JOBS_URL "immediate"); a test that uses `job_queue` puts them in a SQLite
queue file instead, which the processes `start_worker` starts consume, as in production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from events.core.jobs import huey, storage_for
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def job_queue(app, tmp_path, monkeypatch) -> str:
    """The test app's task queue in a SQLite file (instead of running tasks at once); returns its JOBS_URL."""
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    storage_class, arguments = storage_for(url, "")
    jobs = {"storage": storage_class("treffpunkt", **arguments), "immediate": False}
    monkeypatch.setitem(app.extensions, "jobs", jobs)
    return url


def worker_environment(app, database_url: str, jobs_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "FLASK_APP": "app.py",
        "DATABASE_URL": database_url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "INSTANCE_PATH": app.instance_path,  # the same mail folder as the test app
        "BASE_URL": app.config["BASE_URL"],
        "JOBS_URL": jobs_url,
        "MAIL_SERVER": app.config["MAIL_SERVER"],
        "MAIL_PORT": str(app.config["MAIL_PORT"]),
        **extra,
    }


@pytest.fixture
def start_worker(app, database_url, job_queue, tmp_path) -> Callable[..., subprocess.Popen]:
    """Start `flask jobs worker` processes on the test database and queue; all are stopped after the test."""
    processes: list[subprocess.Popen] = []

    def start(*arguments: str, jobs_url: str | None = None, **environment: str) -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(processes)}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "jobs", "worker", *arguments],
            cwd=PROJECT_ROOT,
            env=worker_environment(app, database_url, jobs_url or job_queue, **environment),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_path = Path(log.name)
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until(condition: Callable[[], object], timeout: float = 60, what: str = "the condition") -> object:
    """Poll until condition() is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.2)


def queued_tasks(app) -> int:
    with app.app_context():
        return huey.pending_count()
