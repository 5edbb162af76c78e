"""What every benchmark needs: a fresh database, the app to seed it, and gunicorn serving it."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET = "benchmark-secret-key-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(kind: str, name: str) -> str:
    """A new, empty, migrated database: kind is "sqlite" or "postgresql"."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        import psycopg

        base = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "bench_{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "bench_{name}"')
        url = f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/bench_{name}"
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env=server_environment(url),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "flask", "districts", "load"],
        cwd=PROJECT_ROOT,
        env=server_environment(url),
        check=True,
        capture_output=True,
    )
    return url


def server_environment(database_url: str, **extra: str) -> dict:
    instance = Path(tempfile.gettempdir()) / "treffpunkt-bench-instance"
    return {
        **os.environ,
        "FLASK_APP": "app.py",
        "DATABASE_URL": database_url,
        "SECRET_KEY": BENCH_SECRET,
        "INSTANCE_PATH": str(instance),
        "MAIL_DELIVERY": "later",
        "RATELIMIT_STORAGE_URI": "memory://",
        **extra,
    }


def app_for(database_url: str):
    """The application bound to the benchmark database, for seeding and for counting afterwards."""
    os.environ.update(server_environment(database_url))
    sys.path.insert(0, str(PROJECT_ROOT))
    from events import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": BENCH_SECRET})


# base URL -> pid of the gunicorn master serving it (see cpu_seconds)
_SERVERS: dict[str, int] = {}
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            for child in (task / "children").read_text().split():
                found += _process_tree(int(child))
        except OSError:
            pass
    return found


def cpu_seconds(base_url: str) -> float:
    """CPU time (user + system) used so far by the gunicorn serving base_url, master and workers together.

    Unlike wall-clock rates, CPU per request hardly depends on what else the machine is doing.
    """
    total = 0
    for pid in _process_tree(_SERVERS[base_url]):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / _CLOCK_TICKS


def load_average() -> float:
    return os.getloadavg()[0]


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int = 2, threads: int = 1, app: str = "app:app", **extra_env: str):
    """Serve `app` with gunicorn on a free loopback port; yields the base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=PROJECT_ROOT,
        env=server_environment(database_url, **extra_env),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        base_url = f"http://127.0.0.1:{port}"
        _SERVERS[base_url] = process.pid
        yield base_url
    finally:
        _SERVERS.pop(f"http://127.0.0.1:{port}", None)
        process.terminate()
        process.wait(timeout=15)


@contextlib.contextmanager
def jobs_worker(database_url: str, **extra_env: str):
    """Run `flask jobs worker` (the task queue's consumer) with the same settings as the server; yields its process.
    Pass the same JOBS_URL to both, a SQLite queue file of the run: the server queues, the worker runs the tasks
    (mail, certificate batches)."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "jobs", "worker"],
        cwd=PROJECT_ROOT,
        env=server_environment(database_url, **extra_env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary_line(label: str, count: int, seconds: float, latencies_ms: list[float]) -> str:
    return (
        f"{label}: {count / seconds:.1f}/s over {count} requests in {seconds:.2f} s; "
        f"p50 {percentile(latencies_ms, 0.5):.1f} ms, p95 {percentile(latencies_ms, 0.95):.1f} ms, "
        f"mean {statistics.fmean(latencies_ms) if latencies_ms else float('nan'):.1f} ms; cores {os.cpu_count()}"
    )
