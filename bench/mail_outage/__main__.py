"""Mail outage benchmark: the registration p95 with a working SMTP server and with one that accepts connections and
never answers, measured in one run (issue 14).

gunicorn with 2 workers (4 threads each) serves the application on 127.0.0.1 with MAIL_DELIVERY=background, one
`flask jobs worker` delivers the mail from a SQLite queue, and an aiosmtpd server on loopback either answers or keeps
silent (5 s connect timeout). For each state, CLIENTS concurrent visitors register ROUNDS times each through the
real HTML form for an event of its own. Printed per database: p50 and p95 of the posts in both states, their ratio,
the /healthz p95 during the silent phase, and how long the mails queued while the server was silent took to go out
once it answered again. Run on SQLite and on PostgreSQL (`python -m bench.mail_outage sqlite postgresql`, the
default).
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import aiohttp

from bench.server import (
    app_for,
    free_port,
    fresh_database,
    gunicorn,
    jobs_worker,
    percentile,
)
from tests.core.test_mail_smtp import SmtpServer

CLIENTS = 100
ROUNDS = 2
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def seed_event(database_url: str, slug: str) -> None:
    from events.core.types import utcnow
    from events.extensions import db
    from events.meetings.models import Event

    app = app_for(database_url)
    with app.app_context():
        start = (utcnow() + timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)
        db.session.add(
            Event(
                slug=slug,
                kind="networking",
                title=f"Vernetzungstreffen ({slug})",
                starts_at=start,
                ends_at=start + timedelta(hours=8),
                venue_name="Meistersingerhalle",
                address="Münchener Str. 21, 90478 Nürnberg",
                capacity=CLIENTS * ROUNDS,
                status="published",
            )
        )
        db.session.commit()


def mail_counts(database_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from events.core.models import OutgoingMail
    from events.extensions import db

    app = app_for(database_url)
    with app.app_context():
        rows = db.session.execute(select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all()
        db.session.remove()
        return dict(rows)


async def _visitor(base_url: str, slug: str, number: int, posts: list[float], statuses: list[int]) -> None:
    form_url = f"{base_url}/registration/{slug}"
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=120), cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as session:
        for round_ in range(ROUNDS):
            session.cookie_jar.clear()
            async with session.get(form_url) as form:
                token = CSRF.search(await form.text()).group(1)
            data = {
                "csrf_token": token,
                "first_name": "Bench",
                "last_name": f"Person {number}-{round_}",
                "email": f"{slug}-{number}-{round_}@example.org",
                "language": "de",
                "privacy_consent": "y",
            }
            started = time.perf_counter()
            async with session.post(form_url, data=data, allow_redirects=False) as response:
                await response.read()
                statuses.append(response.status)
            posts.append((time.perf_counter() - started) * 1000)


async def _health(base_url: str, stop: asyncio.Event, latencies: list[float]) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        while not stop.is_set():
            started = time.perf_counter()
            async with session.get(f"{base_url}/healthz") as response:
                await response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.2)


async def _phase(base_url: str, slug: str) -> tuple[list[float], list[int], list[float]]:
    posts: list[float] = []
    statuses: list[int] = []
    health: list[float] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(_health(base_url, stop, health))
    await asyncio.gather(*(_visitor(base_url, slug, n, posts, statuses) for n in range(CLIENTS)))
    stop.set()
    await watcher
    return posts, statuses, health


def _report(kind, answering, ok_statuses, silent, silent_statuses, health, queued_while_silent, caught_up, counts):
    p95_ok, p95_silent = percentile(answering, 0.95), percentile(silent, 0.95)
    registrations = CLIENTS * ROUNDS
    print(
        f"mail_outage[{kind}]: {CLIENTS} concurrent clients, {registrations} registrations per phase; "
        f"post p50/p95 with a working SMTP server {percentile(answering, 0.5):.0f}/{p95_ok:.0f} ms, "
        f"with a silent one {percentile(silent, 0.5):.0f}/{p95_silent:.0f} ms: p95 ratio {p95_silent / p95_ok:.2f}"
    )
    print(
        f"mail_outage[{kind}]: answers 302: {ok_statuses.count(302)}/{registrations} and "
        f"{silent_statuses.count(302)}/{registrations}; /healthz p95 while silent {percentile(health, 0.95):.0f} ms "
        f"({len(health)} asked); {queued_while_silent} mails waited while silent, all out "
        f"{caught_up:.0f} s after the server answered again; outbox now {counts}",
        flush=True,
    )


def run(kind: str) -> bool:
    database_url = fresh_database(kind, "mail_outage")
    seed_event(database_url, "answering")
    seed_event(database_url, "silent")
    smtp = SmtpServer(free_port())
    smtp.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-mail-outage-"))
    settings = {
        "MAIL_DELIVERY": "background",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "JOBS_URL": f"sqlite:///{folder / 'jobs.db'}",
        "RATELIMIT_ENABLED": "false",
    }
    try:
        with (
            jobs_worker(database_url, **settings),
            gunicorn(database_url, workers=2, threads=4, **settings) as base_url,
        ):
            for _warm_up in range(4):  # both workers' imports and caches
                urllib.request.urlopen(f"{base_url}/registration/answering", timeout=60).read()
            answering, ok_statuses, _health_ok = asyncio.run(_phase(base_url, "answering"))
            smtp.fall_silent()
            silent, silent_statuses, health = asyncio.run(_phase(base_url, "silent"))
            queued_while_silent = mail_counts(database_url).get("queued", 0)
            smtp.answer_again()
            answered_at = time.monotonic()
            while mail_counts(database_url).get("queued", 0) and time.monotonic() - answered_at < 300:
                time.sleep(1)
            caught_up = time.monotonic() - answered_at
            counts = mail_counts(database_url)
            # printed before the server stops: a loaded machine may take long to stop it
            _report(
                kind, answering, ok_statuses, silent, silent_statuses, health, queued_while_silent, caught_up, counts
            )
    finally:
        smtp.stop()
    registrations = CLIENTS * ROUNDS
    return (
        ok_statuses.count(302) == registrations
        and silent_statuses.count(302) == registrations
        and counts == {"sent": 2 * registrations}
    )


if __name__ == "__main__":
    kinds = sys.argv[1:] or ["sqlite", "postgresql"]
    sys.exit(0 if all([run(kind) for kind in kinds]) else 1)
