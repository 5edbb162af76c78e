"""Calendar files under load: the public feed, one event's download and a personal feed, served by gunicorn
(2 workers) and fetched by concurrent clients, against /healthz (one SELECT 1) as the bare reference.

A public feed is polled by every subscribed calendar; this shows what one feed fetch costs: a repeated poll
(If-None-Match, answered 304), a fetch of the whole feed (served from the kept body), and a fetch right after a
change (the feed built anew; measured one at a time, against /healthz fetched the same way).
Run: `python -m bench calendar` (PostgreSQL too when BENCH_POSTGRES's server answers).
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests

from bench.server import app_for, fresh_database, gunicorn, summary_line

EVENTS = 40  # published upcoming events in the feed
SESSIONS = 15  # programme items per event
PERSONAL = 10  # events the one participant (one address) is registered for; each registration has its own feed
CLIENTS = 10
REQUESTS = 300  # per endpoint


def seed(database_url: str) -> tuple[int, str]:
    """Events with programmes and one participant's registrations; returns an event id and the token of that
    participant's personal calendar feed."""
    from events.core.types import utcnow
    from events.extensions import db
    from events.meetings.models import Event, EventSession
    from events.registration.models import Registration
    from events.registration.tokens import feed_token_for, new_manage_token

    app = app_for(database_url)
    with app.app_context():
        start = (utcnow() + timedelta(days=30)).replace(hour=7, minute=0, second=0, microsecond=0)
        events = []
        for n in range(EVENTS):
            begins = start + timedelta(days=7 * n)
            event = Event(
                slug=f"vernetzungstreffen-{n}",
                kind="networking",
                title=f"Vernetzungstreffen {n} – Begegnung in Fürth",
                description="**Austausch**, Vorträge und Workshops für Integrationslotsinnen und -lotsen.\n\n" * 3,
                starts_at=begins,
                ends_at=begins + timedelta(days=1, hours=9),
                venue_name="Stadthalle Fürth",
                address="Rosenstraße 50, 90762 Fürth",
                capacity=300,
                status="published",
                contact_email="integration@stmi.example",
            )
            event.sessions = [
                EventSession(
                    kind="workshop",
                    title=f"Workshop {k}: Wohnen, Sport und Ehrenamt",
                    starts_at=begins + timedelta(hours=k),
                    ends_at=begins + timedelta(hours=k, minutes=45),
                    room=f"Raum {k}",
                    speakers="Dr. Özlem Şahin",
                )
                for k in range(SESSIONS)
            ]
            events.append(event)
        db.session.add_all(events)
        db.session.flush()
        first = None
        for event in events[:PERSONAL]:
            _token, token_hash = new_manage_token()
            registration = Registration(
                event_id=event.id,
                first_name="Ayşe",
                last_name="Müller",
                email="ayse.mueller@example.org",
                email_normalized="ayse.mueller@example.org",
                language="de",
                answers={},
                privacy_consent_at=utcnow(),
                privacy_consent_version="2026-01",
                privacy_consent_text="Ich willige ein.",
                status="confirmed",
                manage_token_hash=token_hash,
                confirmed_at=utcnow(),
            )
            db.session.add(registration)
            first = first or registration
        db.session.commit()
        return events[0].id, feed_token_for(first.id, app.config["SECRET_KEY"])


def fetch_many(url: str, headers: dict | None = None, expect: int = 200) -> tuple[float, list[float], int]:
    """REQUESTS fetches of url from CLIENTS threads; returns wall time, latencies (ms) and failures (answers
    other than `expect`)."""
    latencies: list[float] = []
    failures = 0

    def client(count: int) -> tuple[list[float], int]:
        own, bad = [], 0
        with requests.Session() as session:
            for _ in range(count):
                began = time.perf_counter()
                response = session.get(url, headers=headers, timeout=30)
                own.append((time.perf_counter() - began) * 1000)
                bad += response.status_code != expect
        return own, bad

    per_client = REQUESTS // CLIENTS
    began = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for own, bad in pool.map(client, [per_client] * CLIENTS):
            latencies += own
            failures += bad
    return time.perf_counter() - began, latencies, failures


def one_at_a_time(base: str, path: str, before=None, count: int = 30) -> float:
    """Mean milliseconds of `count` fetches one after another; before() runs untimed ahead of each."""
    spent = 0.0
    with requests.Session() as session:
        for _ in range(count):
            if before:
                before()
            began = time.perf_counter()
            response = session.get(base + path, timeout=30)
            spent += time.perf_counter() - began
            assert response.status_code == 200, response.status_code
    return spent / count * 1000


def change_an_event(database_url: str):
    """A callable that changes one event the feed shows (as an organiser's edit does: a new updated_at)."""
    from sqlalchemy import update

    from events.core.types import utcnow
    from events.extensions import db
    from events.meetings.models import Event

    app = app_for(database_url)

    def change():
        with app.app_context():
            db.session.execute(update(Event).where(Event.slug == "vernetzungstreffen-0").values(updated_at=utcnow()))
            db.session.commit()

    return change


def run(kind: str) -> bool:
    import icalendar

    url = fresh_database(kind, "calendar")
    event_id, token = seed(url)
    ok = True
    with gunicorn(url, workers=2) as base:
        feed = requests.get(f"{base}/calendar/feed.ics", timeout=30)
        entries = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
        personal = icalendar.Calendar.from_ical(requests.get(f"{base}/calendar/personal/{token}.ics").content)
        if len(entries) != EVENTS or len(personal.walk("VEVENT")) != 1:
            print(f"{kind}: WRONG feed contents ({len(entries)} events, {len(personal.walk('VEVENT'))} personal)")
            ok = False
        print(f"{kind}: feed {len(feed.content) / 1024:.0f} KiB for {EVENTS} events with {SESSIONS} sessions each")
        unchanged = {"If-None-Match": feed.headers.get("ETag", "")}
        reference = None
        for label, path, headers, expect in (
            ("healthz (reference)", "/healthz", None, 200),
            ("feed.ics, repeated poll (304)", "/calendar/feed.ics", unchanged, 304),
            ("feed.ics, whole feed", "/calendar/feed.ics", None, 200),
            ("event .ics", f"/calendar/events/{event_id}.ics", None, 200),
            ("personal feed", f"/calendar/personal/{token}.ics", None, 200),
        ):
            seconds, latencies, failures = fetch_many(base + path, headers, expect)
            rate = len(latencies) / seconds
            reference = reference or rate
            line = summary_line(label, len(latencies), seconds, latencies)
            print(f"{kind} {line}; ratio to reference {rate / reference:.2f}")
            if failures:
                print(f"{kind} {label}: {failures} answers other than {expect}")
                ok = False
        healthz_ms = one_at_a_time(base, "/healthz")
        rebuilt_ms = one_at_a_time(base, "/calendar/feed.ics", before=change_an_event(url))
        print(
            f"{kind} feed.ics right after a change, one at a time: {rebuilt_ms:.1f} ms against healthz "
            f"{healthz_ms:.1f} ms; ratio to reference {healthz_ms / rebuilt_ms:.2f}"
        )
    return ok


def main() -> int:
    ok = run("sqlite")
    try:
        ok = run("postgresql") and ok
    except Exception as error:  # noqa: BLE001 - no PostgreSQL server is not a benchmark failure
        print(f"postgresql: skipped ({type(error).__name__}: {error})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
