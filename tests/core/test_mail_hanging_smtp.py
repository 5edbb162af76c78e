"""A mail server that accepts connections and never answers must not stall the service: 100 concurrent
registrations against gunicorn all succeed and are saved, /healthz answers throughout, and the mails go out once
the server answers again (delivered by a real worker process)."""

import threading
import time

import pytest
import requests
from sqlalchemy import func, select

from events.core.models import OutgoingMail
from events.extensions import db
from events.registration.models import Registration
from tests.conftest import free_port
from tests.core.test_mail_smtp import SmtpServer
from tests.registering import register_concurrently
from tests.workers import wait_until

CLIENTS = 100


@pytest.fixture
def silent_smtp():
    server = SmtpServer(free_port())
    server.start()
    server.fall_silent()
    yield server
    server.answer_again()
    server.stop()


class HealthWatch:
    """Asks /healthz every 0.2 s from a thread of its own and notes every answer that was not a quick 200."""

    def __init__(self, base_url: str):
        self.url = f"{base_url}/healthz"
        self.answers, self.problems = 0, []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self):
        while not self.stopped.is_set():
            try:
                status = requests.get(self.url, timeout=10).status_code
            except requests.RequestException as error:
                self.problems.append(repr(error))
            else:
                self.answers += 1
                if status != 200:
                    self.problems.append(status)
            time.sleep(0.2)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.stopped.set()
        self.thread.join(timeout=15)


def _mail_states(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all())


def test_a_hanging_mail_server_delays_mail_but_never_a_registration(
    app, make_event, start_gunicorn, start_worker, job_queue, silent_smtp
):
    mail = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(silent_smtp.port),
        "MAIL_CONNECT_TIMEOUT": "2",
        "MAIL_TIMEOUT": "2",
        "JOBS_URL": job_queue,
    }
    server = start_gunicorn(MAIL_DELIVERY="background", **mail)
    start_worker(**mail)
    event = make_event(capacity=CLIENTS)

    with HealthWatch(server) as health:
        statuses = register_concurrently(lambda _n: f"{server}/registration/{event.slug}", CLIENTS)
        time.sleep(3)  # and a little while the worker keeps trying

    assert statuses == [302] * CLIENTS  # every registration answered with the way to "check your mail"
    with app.app_context():
        saved = db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id))
    assert saved == CLIENTS
    assert health.answers >= 5 and health.problems == []  # /healthz answered throughout
    assert _mail_states(app) == {"queued": CLIENTS}  # every confirmation waits in the outbox
    assert silent_smtp.received == []

    silent_smtp.answer_again()
    wait_until(lambda: _mail_states(app) == {"sent": CLIENTS}, timeout=300, what="the mails to go out")
    recipients = sorted(rcpt for rcpts, _message in silent_smtp.received for rcpt in rcpts)
    assert recipients == sorted(f"person{n}@example.org" for n in range(CLIENTS))  # each once
