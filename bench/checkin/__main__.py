"""Check-in benchmark: `python -m bench.checkin` (part of `make bench`).

gunicorn with 2 workers on 127.0.0.1 serves the application; from this process
  1. 2,000 distinct tickets are scanned through the device API by 8 concurrent clients,
  2. 200 tickets are each scanned by 4 clients at the same moment (two doors, twice).
Printed: scans per second, p50 and p95, the count of each result, server errors, and whether every ticket was
admitted exactly once. The same run measures the bare reference (bench/checkin/reference.py: Flask + sqlite3
doing the same reads, update and insert) and prints the ratios. The application runs on SQLite and, when the
server at BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432) answers, on PostgreSQL too.

All servers are up at once and take turns: each phase runs in SLICES slices, reference first, so that load
from elsewhere on the shared machine falls on all of them alike. The doors are plain http.client connections
(one thread each), light on the two cores they share with the servers, and the same for every server.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from bench.server import app_for, fresh_database, gunicorn, percentile, summary_line

DISTINCT_TICKETS = 2000
DISTINCT_CLIENTS = 8
CONTESTED_TICKETS = 200
CONTESTED_CLIENTS = 4
WORKERS = 2
TARGET_RATIO = 0.60
TARGET_P95_MS = 50.0
SLICES = 10  # the servers take turns: each phase runs in this many slices


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
    slice_rates: list[float] = field(default_factory=list)  # scans per second of each slice, in turn order

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

    from events.checkin.devices import create_device
    from events.core.models import User
    from events.core.types import utcnow
    from events.extensions import db
    from events.meetings.models import Event
    from events.registration.models import Registration
    from events.registration.tickets import make_ticket_token

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


class Client:
    """One scanning door: a plain http.client connection, light on the CPU that it shares with the server.

    It drives the reference and the application exactly the same way (gunicorn's sync workers close each
    connection after the answer; http.client opens the next one by itself).
    """

    def __init__(self, base: str, path: str, token: str):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.path = path
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def scan(self, code: str, phase: Phase, lock: threading.Lock) -> None:
        body = json.dumps({"token": code, "nonce": uuid.uuid4().hex})
        began = time.perf_counter()
        try:
            self.connection.request("POST", self.path, body, self.headers)
            response = self.connection.getresponse()
            status, data = response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            status, data = 599, b""  # no answer at all counts as a server error
        elapsed = (time.perf_counter() - began) * 1000
        try:
            result = json.loads(data).get("result", "none")
        except ValueError:
            result = "not-json"
        with lock:
            phase.latencies_ms.append(elapsed)
            phase.results[result] += 1
            phase.statuses[status] += 1


@dataclass
class Server:
    """One server under test, with its own fresh database, and what it measured."""

    name: str
    kind: str
    app_path: str
    scan_path: str
    seed_data: Seed | None = None
    database_url: str = ""
    base: str = ""
    distinct: Phase | None = None
    contested: Phase | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind})"


def run_distinct(server: Server, codes: list[str]) -> None:
    """Scan these tickets through the server with DISTINCT_CLIENTS doors, each taking the next ticket."""
    phase, lock = server.distinct, threading.Lock()
    queue = iter(codes)

    def client(index: int):
        door = Client(server.base, server.scan_path, server.seed_data.device_tokens[index])
        while True:
            with lock:
                code = next(queue, None)
            if code is None:
                return
            door.scan(code, phase, lock)

    _run(phase, client, DISTINCT_CLIENTS)


def run_contested(server: Server, codes: list[str]) -> None:
    """Scan each of these tickets with CONTESTED_CLIENTS doors at the same moment."""
    phase, lock = server.contested, threading.Lock()
    barrier = threading.Barrier(CONTESTED_CLIENTS)

    def client(index: int):
        door = Client(server.base, server.scan_path, server.seed_data.device_tokens[index])
        for code in codes:
            barrier.wait()  # all four doors scan this ticket at the same moment
            door.scan(code, phase, lock)

    _run(phase, client, CONTESTED_CLIENTS)


def _run(phase: Phase, client, count: int) -> None:
    threads = [threading.Thread(target=client, args=(n,)) for n in range(count)]
    done_before = phase.count
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    phase.seconds += seconds
    phase.slice_rates.append((phase.count - done_before) / seconds)


def paired_ratio(server: Phase, reference: Phase) -> float:
    """The median over slices of server / reference, each slice against the reference's slice just before it.

    Shown beside the ratio of the totals: a burst of load from elsewhere on the shared machine hits a few
    slices, which moves the totals but hardly this median.
    """
    return statistics.median(
        mine / theirs for mine, theirs in zip(server.slice_rates, reference.slice_rates, strict=True)
    )


def warm_up(server: Server) -> None:
    """Every worker opens its database connection and fills its statement caches (5 refused scans a door)."""
    phase, lock = Phase("warm-up"), threading.Lock()
    for token in server.seed_data.device_tokens:
        door = Client(server.base, server.scan_path, token)
        for _ in range(5):
            door.scan("warm-up", phase, lock)


def slices(codes: list[str]) -> list[list[str]]:
    size = -(-len(codes) // SLICES)
    return [codes[start : start + size] for start in range(0, len(codes), size)]


def measure(servers: list[Server]) -> None:
    """Both phases on every server; the servers take turns slice by slice, so that load from elsewhere on the
    machine falls on the reference and the application alike. Each phase's figures add up its slices."""
    with contextlib.ExitStack() as stack:
        for server in servers:
            server.database_url = fresh_database(server.kind, server.name)
            server.seed_data = seed(server.database_url)
            server.base = stack.enter_context(gunicorn(server.database_url, workers=WORKERS, app=server.app_path))
            server.distinct = Phase(f"{server.label}: {DISTINCT_TICKETS} distinct tickets, {DISTINCT_CLIENTS} clients")
            server.contested = Phase(
                f"{server.label}: {CONTESTED_TICKETS} tickets x {CONTESTED_CLIENTS} clients at once"
            )
            warm_up(server)
        for part in range(SLICES):
            for server in servers:
                run_distinct(server, slices(server.seed_data.codes[:DISTINCT_TICKETS])[part])
        for part in range(SLICES):
            for server in servers:
                run_contested(server, slices(server.seed_data.codes[DISTINCT_TICKETS:])[part])


def exactly_once(server: Server) -> bool:
    admitted = admitted_counts(server.database_url, server.seed_data.event_id)
    return len(admitted) == DISTINCT_TICKETS + CONTESTED_TICKETS and set(admitted.values()) == {1}


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


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
    reference = Server("reference", "sqlite", "bench.checkin.reference:app", "/scan")
    servers = [reference, Server("treffpunkt", "sqlite", "app:app", "/checkin/api/v1/scans")]
    if postgres_available():
        servers.append(Server("treffpunkt", "postgresql", "app:app", "/checkin/api/v1/scans"))
    else:
        print("PostgreSQL not reachable: PostgreSQL run skipped")
    print(f"load average before: {load_average()}", flush=True)
    measure(servers)
    print(f"load average after: {load_average()} (other work on the machine disturbs the figures)")
    once = {server.label: exactly_once(server) for server in servers}
    for server in servers:
        print(server.distinct.report())
        print(server.contested.report())
        print(f"  {server.label}: every ticket admitted exactly once: {'yes' if once[server.label] else 'NO'}")
    failed = False
    for server in servers[1:]:
        ratio = server.distinct.rate / reference.distinct.rate
        contested_ratio = server.contested.rate / reference.contested.rate
        p95 = max(percentile(server.distinct.latencies_ms, 0.95), percentile(server.contested.latencies_ms, 0.95))
        errors = server.distinct.server_errors + server.contested.server_errors
        ok = ratio >= TARGET_RATIO and p95 <= TARGET_P95_MS and errors == 0 and once[server.label]
        failed |= not ok
        paired = paired_ratio(server.distinct, reference.distinct)
        contested_paired = paired_ratio(server.contested, reference.contested)
        print(
            f"{server.label} / reference (sqlite): distinct {ratio:.0%}, contested {contested_ratio:.0%} "
            f"(median of paired slices: {paired:.0%}, {contested_paired:.0%}); "
            f"worst p95 {p95:.1f} ms; 5xx {errors}; exactly once {'yes' if once[server.label] else 'NO'}; "
            f"targets (>= {TARGET_RATIO:.0%}, p95 <= {TARGET_P95_MS:.0f} ms, no 5xx, exactly once): "
            f"{'met' if ok else 'MISSED'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
