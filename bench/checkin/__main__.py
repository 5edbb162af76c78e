"""Check-in benchmark: `python -m bench.checkin` (part of `make bench`).

gunicorn with 2 workers on 127.0.0.1 serves the application; from this process
  1. 2,000 distinct tickets are scanned through the device API by 8 concurrent clients,
  2. 200 tickets are each scanned by 4 clients at the same moment (two doors, twice).
Printed: scans per second, p50 and p95, the count of each result, server errors, and whether every ticket was
admitted exactly once. The same run measures the bare reference (bench/checkin/reference.py: Flask + sqlite3
doing the same reads, update and insert) and prints the ratios. The application runs on SQLite and, when the
server at BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432) answers, on PostgreSQL too.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import requests

from bench.server import app_for, fresh_database, gunicorn, percentile, summary_line

DISTINCT_TICKETS = 2000
DISTINCT_CLIENTS = 8
CONTESTED_TICKETS = 200
CONTESTED_CLIENTS = 4
WORKERS = 2
TARGET_RATIO = 0.60
TARGET_P95_MS = 50.0


@dataclass
class Seed:
    event_id: int
    codes: list[str]
    device_tokens: list[str]


@dataclass
class Phase:
    label: str
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    results: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def report(self) -> str:
        results = ", ".join(f"{name} {n}" for name, n in sorted(self.results.items()))
        return (
            f"{summary_line(self.label, self.count, self.seconds, self.latencies_ms)}\n"
            f"  results: {results}; HTTP 5xx: {self.server_errors}"
        )


def seed(database_url: str) -> Seed:
    """An event running now, confirmed registrations with their ticket codes, and one device per client."""
    from sqlalchemy import insert

    from events.checkin.service import create_device
    from events.checkin.tickets import make_ticket_token
    from events.core.models import User
    from events.core.types import utcnow
    from events.extensions import db
    from events.meetings.models import Event
    from events.registration.models import Registration

    app = app_for(database_url)
    total = DISTINCT_TICKETS + CONTESTED_TICKETS
    with app.test_request_context():
        start = utcnow() - timedelta(hours=1)
        user = User(email="bench-organiser@example.org", display_name="Bench")
        event = Event(
            slug=f"bench-{uuid.uuid4().hex[:8]}",
            kind="networking",
            title="Vernetzungstreffen (Benchmark)",
            starts_at=start,
            ends_at=start + timedelta(hours=10),
            status="published",
        )
        db.session.add_all([user, event])
        db.session.commit()
        now = utcnow()
        rows = [
            {
                "event_id": event.id,
                "first_name": "Teilnehmerin",
                "last_name": f"Nr. {n}",
                "email": f"t{n}@example.org",
                "email_normalized": f"t{n}@example.org",
                "organisation_name": "Freiwilligenagentur Benchmark",
                "language": "de",
                "answers": {},
                "privacy_consent_at": now,
                "privacy_consent_version": "bench",
                "privacy_consent_text": "bench",
                "status": "confirmed",
                "confirmed_at": now,
                "manage_token_hash": uuid.uuid4().hex,
                "ticket_version": 1,
            }
            for n in range(total)
        ]
        db.session.execute(insert(Registration), rows)
        db.session.commit()
        ids = db.session.scalars(db.select(Registration.id).where(Registration.event_id == event.id)).all()
        codes = [make_ticket_token(event.id, event.ticket_key, rid, 1) for rid in sorted(ids)]
        tokens = [create_device(event, f"Tür {n + 1}", user)[1] for n in range(DISTINCT_CLIENTS)]
        return Seed(event.id, codes, tokens)


def admitted_counts(database_url: str, event_id: int) -> Counter:
    """How many standing welcomes each registration has, after a run."""
    from sqlalchemy import func, select

    from events.checkin.models import CheckIn
    from events.extensions import db

    app = app_for(database_url)
    with app.app_context():
        rows = db.session.execute(
            select(CheckIn.registration_id, func.count())
            .where(CheckIn.event_id == event_id, CheckIn.result == "welcome", CheckIn.undone_at.is_(None))
            .group_by(CheckIn.registration_id)
        ).all()
        return Counter(dict(rows))


def post_scan(session: requests.Session, url: str, token: str, code: str, phase: Phase, lock: threading.Lock):
    began = time.perf_counter()
    response = session.post(
        url, json={"token": code, "nonce": uuid.uuid4().hex}, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    elapsed = (time.perf_counter() - began) * 1000
    try:
        result = response.json().get("result", "none")
    except ValueError:
        result = "not-json"
    with lock:
        phase.latencies_ms.append(elapsed)
        phase.results[result] += 1
        phase.statuses[response.status_code] += 1


def run_distinct(url: str, seed_data: Seed, label: str) -> Phase:
    phase, lock = Phase(label), threading.Lock()
    queue = iter(seed_data.codes[:DISTINCT_TICKETS])

    def client(index: int):
        session = requests.Session()
        while True:
            with lock:
                code = next(queue, None)
            if code is None:
                return
            post_scan(session, url, seed_data.device_tokens[index], code, phase, lock)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(DISTINCT_CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - began
    return phase


def run_contested(url: str, seed_data: Seed, label: str) -> Phase:
    phase, lock = Phase(label), threading.Lock()
    codes = seed_data.codes[DISTINCT_TICKETS : DISTINCT_TICKETS + CONTESTED_TICKETS]
    barrier = threading.Barrier(CONTESTED_CLIENTS)

    def client(index: int):
        session = requests.Session()
        for code in codes:
            barrier.wait()  # all four doors scan this ticket at the same moment
            post_scan(session, url, seed_data.device_tokens[index], code, phase, lock)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONTESTED_CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - began
    return phase


def warm_up(url: str, seed_data: Seed) -> None:
    session = requests.Session()
    for token in seed_data.device_tokens:
        for _ in range(5):
            session.post(url, json={"token": "warm-up"}, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def measure(kind: str, app_path: str, scan_path: str, name: str) -> tuple[Phase, Phase, bool]:
    database_url = fresh_database(kind, name)
    seed_data = seed(database_url)
    label = f"{name} ({kind})"
    with gunicorn(database_url, workers=WORKERS, app=app_path) as base:
        url = base + scan_path
        warm_up(url, seed_data)
        distinct = run_distinct(
            url, seed_data, f"{label}: {DISTINCT_TICKETS} distinct tickets, {DISTINCT_CLIENTS} clients"
        )
        contested = run_contested(
            url, seed_data, f"{label}: {CONTESTED_TICKETS} tickets x {CONTESTED_CLIENTS} clients at once"
        )
    admitted = admitted_counts(database_url, seed_data.event_id)
    exactly_once = len(admitted) == DISTINCT_TICKETS + CONTESTED_TICKETS and set(admitted.values()) == {1}
    print(distinct.report())
    print(contested.report())
    print(f"  {label}: every ticket admitted exactly once: {'yes' if exactly_once else 'NO'}", flush=True)
    return distinct, contested, exactly_once


def postgres_available() -> bool:
    try:
        import psycopg

        base = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{base}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL for this run
        return False


def main() -> int:
    print(f"check-in benchmark: gunicorn {WORKERS} workers on 127.0.0.1; cores {os.cpu_count()}", flush=True)
    reference = measure("sqlite", "bench.checkin.reference:app", "/scan", "reference")
    runs = {"sqlite": measure("sqlite", "app:app", "/checkin/api/v1/scans", "treffpunkt")}
    if postgres_available():
        runs["postgresql"] = measure("postgresql", "app:app", "/checkin/api/v1/scans", "treffpunkt")
    else:
        print("PostgreSQL not reachable: PostgreSQL run skipped")
    failed = False
    for kind, (distinct, contested, exactly_once) in runs.items():
        ratio = distinct.rate / reference[0].rate
        contested_ratio = contested.rate / reference[1].rate
        p95 = max(percentile(distinct.latencies_ms, 0.95), percentile(contested.latencies_ms, 0.95))
        errors = distinct.server_errors + contested.server_errors
        ok = ratio >= TARGET_RATIO and p95 <= TARGET_P95_MS and errors == 0 and exactly_once
        failed |= not ok
        print(
            f"treffpunkt ({kind}) / reference (sqlite): distinct {ratio:.0%}, contested {contested_ratio:.0%}; "
            f"worst p95 {p95:.1f} ms; 5xx {errors}; exactly once {'yes' if exactly_once else 'NO'}; "
            f"targets (>= {TARGET_RATIO:.0%}, p95 <= {TARGET_P95_MS:.0f} ms, no 5xx, exactly once): "
            f"{'met' if ok else 'MISSED'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
