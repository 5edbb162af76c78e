"""Several machines: two app instances (each with its own instance folder, as on two machines) and one worker on
one PostgreSQL database and one Redis. Registrations and scans go to both; the counts are exact, every mail is
delivered once, and a certificate batch started on one instance downloads from the other."""

from __future__ import annotations

import io
import secrets
import threading
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
import requests
from sqlalchemy import func, select

from events.checkin.devices import create_device
from events.checkin.models import CheckIn
from events.core.models import OutgoingMail, StoredFile, User
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration
from events.registration.tickets import ticket_token_for
from tests.conftest import TEST_PASSWORD, free_port
from tests.core.test_mail_smtp import SmtpServer
from tests.registering import form_token, register_concurrently
from tests.workers import wait_until

REDIS_URL = "redis://127.0.0.1:6379/14"
PEOPLE = 60  # registrations, half through each instance
PLACES = 40
DOORS = 2  # one scanner per instance


@pytest.fixture
def shared(database_url):
    """What the machines share: the PostgreSQL database, a Redis queue of their own, a working SMTP server."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several machines share a PostgreSQL database (run with TEST_DATABASE_URL)")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}")
    smtp = SmtpServer(free_port())
    smtp.start()
    settings = {
        "JOBS_URL": REDIS_URL,
        "JOBS_NAME": f"test{secrets.token_hex(4)}",  # a queue of this test's own on the shared Redis
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/13",
        "FILE_STORAGE": "database",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_DELIVERY": "background",
    }
    yield settings, smtp
    smtp.stop()


def _scan_at_both_doors(app, event_id: int, organiser_id: int, servers: list[str]) -> list[tuple[int, str]]:
    with app.test_request_context():
        event = db.session.get(Event, event_id)
        user = db.session.get(User, organiser_id)
        tokens = [create_device(event, f"Tür {n + 1}", user)[1] for n in range(DOORS)]
        codes = [
            ticket_token_for(r)
            for r in db.session.scalars(
                select(Registration).where(Registration.event_id == event_id, Registration.status == "confirmed")
            )
        ]

    def door(index: int, code: str, barrier: threading.Barrier) -> tuple[int, str]:
        barrier.wait(timeout=60)
        response = requests.post(
            f"{servers[index]}/checkin/api/v1/scans",
            json={"token": code, "nonce": f"{code}-{index}"},
            headers={"Authorization": f"Bearer {tokens[index]}"},
            timeout=60,
        )
        return response.status_code, response.json().get("result", "")

    answers = []
    with ThreadPoolExecutor(max_workers=DOORS) as pool:
        for code in codes:
            barrier = threading.Barrier(DOORS)
            answers += [f.result() for f in [pool.submit(door, i, code, barrier) for i in range(DOORS)]]
    return answers


def test_two_app_machines_and_a_worker_share_one_database_and_one_redis(
    app, shared, make_event, make_user, start_gunicorn, start_worker
):
    settings, smtp = shared
    first = start_gunicorn(**settings)
    second = start_gunicorn(**settings)
    start_worker(jobs_url=settings["JOBS_URL"], **{k: v for k, v in settings.items() if k != "JOBS_URL"})
    event = make_event(capacity=PLACES)
    organiser = make_user("organiser")

    # registrations through both machines at once: exact counts, no overbooking
    servers = (first, second)
    assert register_concurrently(lambda n: f"{servers[n % 2]}/registration/{event.slug}", PEOPLE) == [302] * PEOPLE
    with app.app_context():
        statuses = Counter(db.session.scalars(select(Registration.status).where(Registration.event_id == event.id)))
    assert statuses == {"confirmed": PLACES, "waitlisted": PEOPLE - PLACES}

    # the day has come: every ticket scanned at a door of each machine at the same moment is admitted once
    with app.app_context():
        db.session.get(Event, event.id).starts_at = utcnow() - timedelta(hours=1)
        db.session.get(Event, event.id).ends_at = utcnow() + timedelta(hours=8)
        db.session.commit()
    answers = _scan_at_both_doors(app, event.id, organiser.id, [first, second])
    assert all(status == 200 for status, _result in answers)
    assert Counter(result for _status, result in answers) == {"welcome": PLACES, "already": PLACES}
    with app.app_context():
        admitted = db.session.scalar(
            select(func.count(func.distinct(CheckIn.registration_id))).where(CheckIn.result == "welcome")
        )
    assert admitted == PLACES

    # the one worker delivers every mail the two machines queued, each once
    wait_until(lambda: len(smtp.received) >= PEOPLE, timeout=180, what="the worker to deliver the mails")
    with app.app_context():
        states = db.session.execute(select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all()
    assert dict(states) == {"sent": PEOPLE}
    recipients = Counter(rcpt for rcpts, _message in smtp.received for rcpt in rcpts)
    assert recipients == {f"person{n}@example.org": 1 for n in range(PEOPLE)}

    # a batch started on the first machine, rendered by the worker, downloaded from the second
    with requests.Session() as browser:  # one browser: the session is kept in the database, valid on both
        login = f"{first}/accounts/login"
        browser.post(
            login,
            data={"csrf_token": form_token(browser, login), "email": organiser.email, "password": TEST_PASSWORD},
            timeout=60,
        )
        new_batch = f"{first}/certificates/batches/new"
        response = browser.post(
            new_batch,
            data={
                "csrf_token": form_token(browser, new_batch),
                "kind": "appreciation",
                "source": "csv",
                "csv_text": "Name\n" + "".join(f"Ehrenamtliche {n}\n" for n in range(12)),
                "design": "classic",
                "title": "Dankesurkunde",
                "body_template": "Danke, {name}.",
                "issuer": "Ministerium",
                "action": "issue",
            },
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 302, response.text
        batch_path = response.headers["Location"].split("://", 1)[-1].split("/", 1)[1]
        wait_until(
            lambda: browser.get(f"{second}/{batch_path}/progress", timeout=30).json()["status"] == "done",
            timeout=180,
            what="the worker to render the batch",
        )
        archive = browser.get(f"{second}/{batch_path}/certificates.zip", timeout=60)
        merged = browser.get(f"{second}/{batch_path}/certificates.pdf", timeout=60)
    assert archive.status_code == 200 and merged.content.startswith(b"%PDF")
    assert len(zipfile.ZipFile(io.BytesIO(archive.content)).namelist()) == 12
    with app.app_context():  # kept in the database, not on either machine's disk
        assert db.session.scalar(select(func.count()).where(StoredFile.area == "certificates")) == 2
