"""Fuzzing the running service: at least 20,000 requests with hostile values (NUL and other control characters,
numbers beyond any integer column, 10,000-character strings, any Unicode, broken JSON) against gunicorn, to every
public page, path, query and form (with a valid CSRF token, so the forms' own checks are reached) and to the device
API; counts the answers by status and prints every server error (5xx) it met. The goal is 0.

Run: `python -m bench fuzz` (PostgreSQL too when BENCH_POSTGRES's server answers); `FUZZ_REQUESTS` sets the count
per database (default 20000), `FUZZ_SEED` the random seed (default 15), `FUZZ_DATABASES` which ones
(default `sqlite,postgresql`).
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import quote

import requests

from bench.server import app_for, fresh_database, gunicorn

REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "20000"))
SEED = int(os.environ.get("FUZZ_SEED", "15"))
CLIENTS = 8
DEVICE_TOKEN = "tpd_fuzzing-device-token"
FIXED = [
    "\x00", "a\x00b", "\r\nBcc: x@example.org", "\x0b", "\x1b[2J", "\u2028", "\ufeff", " ", "2147483648", "-1", "0",
    "99999999999999999999", "1e309", "NaN", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "%00",
    "zoë@example.org", "a@b", "x" * 10_000, "ä" * 10_000,
]  # fmt: skip


def nasty(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.45:
        return rng.choice(FIXED)
    if pick < 0.65:
        return str(rng.choice([1, -1]) * rng.randrange(10 ** rng.randrange(1, 30)))
    if pick < 0.8:
        return "".join(chr(rng.randrange(0, 0x20)) for _ in range(rng.randrange(1, 6)))
    return "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(0, 60)))


def seed(database_url: str) -> dict:
    """One open event happening today, a registration with its personal link, and a scanning device."""
    from events.checkin.devices import hash_device_token
    from events.checkin.models import Device
    from events.core.types import utcnow
    from events.extensions import db
    from events.meetings.models import Event
    from events.registration.models import Registration
    from events.registration.tokens import new_manage_token

    app = app_for(database_url)
    with app.app_context():
        start = utcnow() - timedelta(hours=1)
        event = Event(
            slug="fuzz-treffen", kind="networking", title="Vernetzungstreffen", description="Austausch.",
            starts_at=start, ends_at=start + timedelta(hours=30), venue_name="Stadthalle", address="Fürth",
            capacity=100_000, status="published", contact_email="integration@stmi.example",
        )  # fmt: skip
        db.session.add(event)
        db.session.flush()
        token, token_hash = new_manage_token()
        registration = Registration(
            event_id=event.id, first_name="Ayşe", last_name="Öztürk", email="ayse@example.org",
            email_normalized="ayse@example.org", language="de", answers={}, privacy_consent_at=utcnow(),
            privacy_consent_version="2026-01", privacy_consent_text="Ja.", status="confirmed",
            manage_token_hash=token_hash, confirmed_at=utcnow(),
        )  # fmt: skip
        db.session.add(registration)
        db.session.add(Device(event_id=event.id, name="Tablet", token_hash=hash_device_token(DEVICE_TOKEN)))
        db.session.commit()
        return {"slug": event.slug, "token": token, "registration": registration.id}


VALID_REGISTRATION = {
    "first_name": "Ayşe", "last_name": "Öztürk", "organisation_name": "Freiwilligenagentur Landshut",
    "district_id": "", "function": "Integrationslotsin", "dietary_needs": "vegetarisch", "accessibility_needs": "",
    "language": "de", "privacy_consent": "y",
}  # fmt: skip


def registration_form(rng: random.Random, csrf: str) -> dict:
    """A form that would pass, with one to three fields replaced by hostile values: the service and the database
    are reached, not only the form's checks."""
    data = {**VALID_REGISTRATION, "email": f"p{rng.randrange(10**12)}@example.org", "csrf_token": csrf}
    for name in rng.sample(sorted(data.keys() - {"csrf_token"}), rng.randrange(1, 4)):
        data[name] = nasty(rng)
    return data


def one_request(session: requests.Session, csrf: str, world: dict, base: str, rng: random.Random):
    value = nasty(rng)
    api = f"{base}/checkin/api/v1"
    device = {"Authorization": f"Bearer {DEVICE_TOKEN}"}
    kind = rng.randrange(12)
    if kind == 0:
        prefix = rng.choice(
            ["/meetings/", "/registration/", "/registration/me/", "/certificates/v/", "/calendar/personal/",
             "/certificates/participant/", "/accounts/password/reset/", "/accounts/invitation/"]
        )  # fmt: skip
        return session.get(base + prefix + quote(value, safe=""))
    if kind == 1:
        return session.get(base + rng.choice(["/calendar/events/", "/checkin/"]) + quote(value, safe="") + ".ics")
    if kind == 2:
        path = rng.choice(["/", "/meetings/", "/certificates/v", "/calendar/", f"/registration/{world['slug']}"])
        return session.get(base + path, params={rng.choice(["q", "page", "next", "invitation", "region"]): value})
    if kind in (3, 4):
        return session.post(
            f"{base}/registration/{world['slug']}", data=registration_form(rng, csrf), allow_redirects=False
        )
    if kind == 5:
        data = {"csrf_token": csrf, "email": value, "password": nasty(rng)}
        return session.post(base + rng.choice(["/accounts/login", "/accounts/password/forgot"]), data=data)
    if kind == 6:
        data = {"csrf_token": csrf, "email": value}
        return session.post(f"{base}/registration/{world['slug']}/link", data=data)
    if kind == 7:
        data = registration_form(rng, csrf)
        return session.post(f"{base}/registration/me/{world['token']}", data=data, allow_redirects=False)
    if kind == 8:
        body = {key: rng.choice([value, nasty(rng), rng.randrange(-(10**20), 10**20), None, [value], {value: value}])
                for key in ("token", "nonce", "scope") if rng.random() < 0.8}  # fmt: skip
        return session.post(f"{api}/scans", json=body, headers=device)
    if kind == 9:
        raw = rng.choice([value, json.dumps(value), '{"token": "' + value + '"}', "[" * 50, '{"a":' * 30, "\udcff"])
        return session.post(f"{api}/scans", data=raw.encode("utf-8", "surrogatepass"),
                            headers={**device, "Content-Type": "application/json"})  # fmt: skip
    if kind == 10:
        ident = rng.choice([value, str(world["registration"]), str(rng.randrange(10**20))])
        return session.post(f"{api}/registrations/{quote(ident, safe='')}/checkin", json={"nonce": value},
                            headers=device)  # fmt: skip
    return session.get(f"{api}/{rng.choice(['status', 'search'])}", headers=device,
                       params={rng.choice(["registration_id", "q"]): value})  # fmt: skip


def client_run(base: str, world: dict, count: int, seed_value: int):
    rng = random.Random(seed_value)
    session = requests.Session()
    page = session.get(f"{base}/registration/{world['slug']}").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    statuses, errors = Counter(), []
    for _ in range(count):
        try:
            response = one_request(session, csrf, world, base, rng)
        except requests.RequestException as error:  # a dropped connection counts as a server error too
            statuses["connection"] += 1
            errors.append(f"connection: {error}")
            continue
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {response.request.method} {response.request.url[:200]}")
    session.close()  # no kept-alive connection holds up the server's shutdown
    return statuses, errors


def run(kind: str) -> int:
    url = fresh_database(kind, "fuzz")
    world = seed(url)
    with gunicorn(url, workers=2, threads=4, RATELIMIT_ENABLED="false") as base:
        started = time.monotonic()
        per_client = REQUESTS // CLIENTS
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda n: client_run(base, world, per_client, SEED * 100 + n), range(CLIENTS)))
        seconds = time.monotonic() - started
        return report(kind, results, seconds)  # before the server stops: a slow shutdown loses no figures


def report(kind: str, results: list, seconds: float) -> int:
    statuses, errors = Counter(), []
    for counted, found in results:
        statuses.update(counted)
        errors += found
    server_errors = sum(n for status, n in statuses.items() if status == "connection" or status >= 500)
    total = sum(statuses.values())
    by_status = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items(), key=lambda item: str(item[0])))
    print(f"fuzz {kind}: {total} requests in {seconds:.0f} s, server errors {server_errors}; by status {by_status}")
    for line in errors[:20]:
        print(f"  {line}")
    sys.stdout.flush()
    return server_errors


def main() -> int:
    wanted = os.environ.get("FUZZ_DATABASES", "sqlite,postgresql").split(",")
    kinds = ["sqlite"] if "sqlite" in wanted else []
    try:
        import psycopg

        base = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
        psycopg.connect(f"{base}/postgres", connect_timeout=3).close()
        if "postgresql" in wanted:
            kinds.append("postgresql")
    except Exception as error:  # noqa: BLE001 - no server: SQLite only, and say so
        print(f"PostgreSQL not reachable ({error.__class__.__name__}); SQLite only")
    return 1 if sum(run(kind) for kind in kinds) else 0


if __name__ == "__main__":
    sys.exit(main())
