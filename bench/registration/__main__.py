"""Registration benchmark: 1,000 registrations for a 500-place event through the real HTML form.

gunicorn with 2 workers serves the application on 127.0.0.1; 50 concurrent clients (asyncio tasks with aiohttp in
one process, each a keep-alive connection and a fresh cookie jar per registration) each fetch the form, read its
CSRF token and post it. Printed: registrations per second, p50 and
p95 latency, and whether exactly 500 are confirmed and 500 wait in order. Run on SQLite and on PostgreSQL
(`python -m bench.registration sqlite postgresql`, the default). The same run measures a bare reference
(bench/registration/reference.py: Flask + sqlite3, a signed form token and the same capacity check) driven by the
same clients, so the figures can be read as a ratio.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import aiohttp

from bench.registration import reference
from bench.server import app_for, cpu_seconds, fresh_database, gunicorn, load_average, percentile, summary_line

REGISTRATIONS = 1000
CAPACITY = 500
CLIENTS = 50  # concurrent visitors, driven from one asyncio process so that the clients cost the server little CPU
THREADS_PER_WORKER = int(os.environ.get("BENCH_SERVER_THREADS", "1"))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


# A directory as large as the programme's: three organisations in each of the 122 districts of Bavaria and Hessen.
DIRECTORY = (
    ("freiwilligenagentur", "Freiwilligenagentur {}"),
    ("municipality", "Integrationslotsen {}"),
    ("association", "Helferkreis Asyl {}"),
)


def seed(database_url: str) -> str:
    """The event, and a directory of organisations that the form lists and the typed organisation is matched in."""
    from sqlalchemy import select

    from events.core.models import District, Organisation
    from events.core.types import utcnow
    from events.extensions import db
    from events.meetings.models import Event

    app = app_for(database_url)
    with app.app_context():
        for district in db.session.scalars(select(District)):
            for kind, name in DIRECTORY:
                db.session.add(Organisation(name=name.format(district.name), kind=kind, district_id=district.id))
        start = (utcnow() + timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)
        event = Event(
            slug="bench-vernetzungstreffen",
            kind="networking",
            title="Vernetzungstreffen (Benchmark)",
            starts_at=start,
            ends_at=start + timedelta(hours=8),
            venue_name="Meistersingerhalle",
            address="Münchener Str. 21, 90478 Nürnberg",
            capacity=CAPACITY,
            status="published",
        )
        db.session.add(event)
        db.session.commit()
        return event.slug


async def _client(base_url: str, slug: str, numbers: list[int], results: list) -> None:
    """One visitor after another on one keep-alive connection: fetch the form, read its token, post it.

    Each registration starts with an empty cookie jar, as a new visitor's browser would.
    """
    form_url = f"{base_url}/registration/{slug}"
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=1)
    # unsafe=True: keep cookies from an IP address (the server runs on 127.0.0.1)
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector, cookie_jar=jar) as session:
        for n in numbers:
            session.cookie_jar.clear()
            started = time.perf_counter()
            async with session.get(form_url) as form:
                token = CSRF.search(await form.text()).group(1)
            fetched = time.perf_counter()
            data = {
                "csrf_token": token,
                "first_name": "Bench",
                "last_name": f"Person {n}",
                "email": f"bench{n}@example.org",
                "organisation_name": "Freiwilligenagentur Landshut",
                "language": "de",
                "privacy_consent": "y",
            }
            async with session.post(form_url, data=data, allow_redirects=False) as response:
                await response.read()
                status = response.status
            done = time.perf_counter()
            results.append(((fetched - started) * 1000, (done - fetched) * 1000, status))


async def _drive(base_url: str, slug: str) -> list[tuple[float, float, int]]:
    results: list[tuple[float, float, int]] = []
    shares = [list(range(c, REGISTRATIONS, CLIENTS)) for c in range(CLIENTS)]
    await asyncio.gather(*(_client(base_url, slug, share, results) for share in shares))
    return results


def verify(database_url: str, slug: str) -> tuple[int, int, bool]:
    from sqlalchemy import select

    from events.extensions import db
    from events.meetings.models import Event
    from events.registration.models import Registration

    app = app_for(database_url)
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.slug == slug)).one()
        rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
        confirmed = sum(r.status == "confirmed" for r in rows)
        waiting = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: r.waitlist_position)
        in_order = [r.waitlist_position for r in waiting] == list(range(1, len(waiting) + 1))
        return confirmed, len(waiting), in_order


@dataclass
class Run:
    seconds: float
    results: list[tuple[float, float, int]]  # form ms, post ms, status of the post
    server_cpu: float  # seconds of CPU used by gunicorn (master and workers) during the run
    client_cpu: float  # seconds of CPU used by the clients (this process)
    load_before: float


def drive(base_url: str, slug: str) -> Run:
    """Register REGISTRATIONS people through the form from CLIENTS concurrent clients."""
    for _warm_up in range(4):  # both workers' imports and caches
        urllib.request.urlopen(f"{base_url}/registration/{slug}", timeout=60).read()
    load, server, client = load_average(), cpu_seconds(base_url), time.process_time()
    started = time.perf_counter()
    results = asyncio.run(_drive(base_url, slug))
    elapsed = time.perf_counter() - started
    return Run(elapsed, results, cpu_seconds(base_url) - server, time.process_time() - client, load)


def report(label: str, run: Run) -> tuple[float, int]:
    statuses = [status for _form, _post, status in run.results]
    errors = sum(status >= 500 for status in statuses)
    ok = sum(status == 302 for status in statuses)  # the way to "check your mail", for a new and a known address
    post_ms = [post for _form, post, _status in run.results]
    whole_ms = [form + post for form, post, _status in run.results]
    print(summary_line(f"registration[{label}] form+post", ok, run.seconds, whole_ms))
    print(
        f"registration[{label}]: post p50 {percentile(post_ms, 0.5):.1f} ms, p95 {percentile(post_ms, 0.95):.1f} ms; "
        f"{REGISTRATIONS} posted by {CLIENTS} clients: {ok} ok, {errors} server errors, "
        f"{len(statuses) - ok - errors} other"
    )
    print(
        f"registration[{label}]: CPU per registration: server {run.server_cpu / REGISTRATIONS * 1000:.2f} ms, "
        f"clients {run.client_cpu / REGISTRATIONS * 1000:.2f} ms; load average before the run {run.load_before:.2f}"
    )
    return ok / run.seconds, errors


def run_reference() -> float:
    """The bare reference (bench/registration/reference.py) on its own SQLite file, driven the same way."""
    folder = Path(tempfile.mkdtemp(prefix="bench-registration-reference-"))
    database_url = f"sqlite:///{folder / 'reference.db'}"
    reference.prepare(str(folder / "reference.db"))
    with gunicorn(database_url, workers=2, threads=THREADS_PER_WORKER, app="bench.registration.reference:app") as url:
        rate, _errors = report("reference sqlite", drive(url, "reference"))
    return rate


def run(kind: str, reference_rate: float) -> bool:
    database_url = fresh_database(kind, "registration")
    slug = seed(database_url)
    with gunicorn(database_url, workers=2, threads=THREADS_PER_WORKER, RATELIMIT_ENABLED="false") as base_url:
        rate, errors = report(kind, drive(base_url, slug))
    confirmed, waiting, in_order = verify(database_url, slug)
    print(
        f"registration[{kind}]: confirmed {confirmed}, waiting {waiting}, waiting list in order: {in_order}; "
        f"{rate:.1f} registrations/s = {rate / 150:.2f} x the target of 150/s, "
        f"{rate / reference_rate:.0%} of the bare reference (Flask + sqlite3, {reference_rate:.1f}/s)"
    )
    return errors == 0 and confirmed == CAPACITY and waiting == REGISTRATIONS - CAPACITY and in_order


if __name__ == "__main__":
    kinds = sys.argv[1:] or ["sqlite", "postgresql"]
    reference = run_reference()
    sys.exit(0 if all([run(kind, reference) for kind in kinds]) else 1)
