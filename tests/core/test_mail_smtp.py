"""The mail outbox against a real SMTP server on loopback (aiosmtpd), which goes down and comes back."""

import asyncio
import threading
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from sqlalchemy import select

from events.core import mailer
from events.core.mailer import MAX_ATTEMPTS, deliver_due_mail
from events.core.models import OutgoingMail, User
from events.core.outbox import queue_mail
from events.core.types import utcnow
from events.extensions import db
from tests.conftest import free_port


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


class SilentSMTP(SMTP):
    """An SMTP session that, while its server is silent, accepts the connection and never says a word."""

    def __init__(self, handler, answering: threading.Event, **settings):
        super().__init__(handler, **settings)
        self.answering = answering

    async def _handle_client(self):
        while not self.answering.is_set():
            if self.transport is None or self.transport.is_closing():  # the client gave up
                return
            await asyncio.sleep(0.05)
        await super()._handle_client()


class SwitchableController(Controller):
    def __init__(self, handler, answering: threading.Event, **settings):
        super().__init__(handler, **settings)
        self.answering = answering

    def factory(self):
        return SilentSMTP(self.handler, self.answering, **self.SMTP_kwargs)


class SmtpServer:
    """A real SMTP server on 127.0.0.1:port that tests switch on and off, or keep silent (it accepts
    connections and never answers, as a hung mail server does)."""

    def __init__(self, port: int):
        self.port = port
        self.mailbox = Mailbox()
        self.controller = None
        self.answering = threading.Event()
        self.answering.set()

    def start(self):
        self.controller = SwitchableController(self.mailbox, self.answering, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def fall_silent(self):
        self.answering.clear()

    def answer_again(self):
        self.answering.set()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        return self.mailbox.received


@pytest.fixture
def smtp(app, monkeypatch):
    """The app configured for SMTP on a free loopback port where, for now, nothing listens."""
    server = SmtpServer(free_port())
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    yield server
    server.stop()


@pytest.fixture
def clock(monkeypatch):
    """Move the mail service's clock forward, as if the worker ran later."""

    class Clock:
        offset = timedelta(0)

        def now(self):
            return utcnow() + self.offset

        def advance(self, **delta):
            self.offset += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(mailer, "utcnow", clock.now)
    return clock


def _only_mail(app) -> OutgoingMail:
    with app.app_context():
        mail = db.session.scalars(select(OutgoingMail)).one()
        db.session.expunge(mail)
        return mail


def test_a_mail_queued_while_smtp_is_down_is_delivered_after_it_comes_back(app, smtp, clock):
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    pdf = b"%PDF-1.7\n% Teilnahmebescheinigung\n"
    with app.test_request_context():
        queue_mail(
            "lotsin@example.org",
            "Ihre Anmeldung: Vernetzungstreffen 2026",
            "Guten Tag, wir freuen uns auf Sie.",
            "<p>Guten Tag, wir freuen uns auf Sie.</p>",
            attachments=[
                ("einladung.ics", "text/calendar; method=REQUEST", calendar),
                ("bescheinigung.pdf", "application/pdf", pdf),
            ],
        )
        db.session.commit()
        first_try = deliver_due_mail()
    assert first_try == {"sent": 0, "failed": 1, "superseded": 0, "postponed": 0}
    mail = _only_mail(app)
    assert mail.status == "queued" and mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at > utcnow() + timedelta(seconds=30)

    smtp.start()
    with app.app_context():
        assert deliver_due_mail() == {
            "sent": 0,
            "failed": 0,
            "superseded": 0,
            "postponed": 0,
        }  # not due yet: no hammering
    assert smtp.received == []

    clock.advance(minutes=2)
    with app.app_context():
        assert deliver_due_mail() == {"sent": 1, "failed": 0, "superseded": 0, "postponed": 0}
    mail = _only_mail(app)
    assert mail.status == "sent" and mail.attempts == 2 and mail.last_error is None and mail.sent_at is not None

    [(recipients, message)] = smtp.received
    assert recipients == ["lotsin@example.org"]
    assert message["Subject"] == "Ihre Anmeldung: Vernetzungstreffen 2026"
    assert message["To"] == "lotsin@example.org"
    assert "wir freuen uns auf Sie" in message.get_body(preferencelist=("plain",)).get_content()
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {"einladung.ics", "bescheinigung.pdf"}
    assert attachments["einladung.ics"].get_content_type() == "text/calendar"
    assert attachments["einladung.ics"].get_param("method") == "REQUEST"
    assert attachments["bescheinigung.pdf"].get_content() == pdf


def test_an_admin_invites_a_user_while_smtp_is_down(app, client, login, make_user, smtp, clock):
    login(make_user("admin"))
    response = client.post(
        "/admin/users/invite",
        data={"email": "neu@example.org", "display_name": "Nora Neu", "roles": ["organiser"]},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Die Einladung an neu@example.org ist unterwegs." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(User).filter_by(email="neu@example.org")).one().roles == {"organiser"}
    mail = _only_mail(app)
    assert mail.status == "queued" and mail.attempts == 1  # tried once after the request, and failed

    smtp.start()
    clock.advance(minutes=2)
    with app.app_context():
        deliver_due_mail()
    [(recipients, message)] = smtp.received
    assert recipients == ["neu@example.org"]
    assert "/accounts/invitation/" in message.get_body(preferencelist=("plain",)).get_content()


def test_a_password_reset_request_succeeds_while_smtp_is_down(app, client, make_user, smtp):
    make_user("organiser", email="vergesslich@example.org")
    response = client.post("/accounts/password/forgot", data={"email": "vergesslich@example.org"})
    assert response.status_code == 302
    mail = _only_mail(app)
    assert mail.recipient == "vergesslich@example.org"
    assert mail.status == "queued" and mail.attempts == 1 and mail.last_error


def test_the_pause_between_tries_grows_and_the_outbox_gives_up_after_the_last(app, smtp, clock):
    with app.app_context():
        queue_mail("niemand@example.org", "Erinnerung", "Bis bald.")
        db.session.commit()
        pauses = []
        for _attempt in range(MAX_ATTEMPTS):
            assert deliver_due_mail() == {"sent": 0, "failed": 1, "superseded": 0, "postponed": 0}
            mail = db.session.scalars(select(OutgoingMail)).one()
            pauses.append(mail.next_attempt_at - clock.now())
            clock.advance(seconds=(mail.next_attempt_at - clock.now()).total_seconds() + 1)
        assert mail.status == "failed" and mail.attempts == MAX_ATTEMPTS
        assert all(later > earlier for earlier, later in zip(pauses, pauses[1:], strict=False))
        assert pauses[0] < timedelta(minutes=2) and pauses[-1] > timedelta(hours=1)

        smtp.start()  # a failed mail is not tried again, even once the server is back
        clock.advance(days=1)
        assert deliver_due_mail() == {"sent": 0, "failed": 0, "superseded": 0, "postponed": 0}
    assert smtp.received == []


def test_flask_mail_send_pending_sends_what_is_due(app, runner, smtp):
    smtp.start()
    with app.app_context():
        queue_mail("lotse@example.org", "Programm", "Das Programm ist da.")
        queue_mail("spaeter@example.org", "Später", "Noch nicht.").next_attempt_at = utcnow() + timedelta(hours=1)
        db.session.commit()
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0, result.output
    assert "mail: 1 sent, 0 failed" in result.output
    assert [recipients for recipients, _message in smtp.received] == [["lotse@example.org"]]


def test_a_silent_server_costs_one_timeout_and_the_untried_mails_wait_for_the_next_run(app, smtp, clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_CONNECT_TIMEOUT", 1)
    smtp.start()
    smtp.fall_silent()  # accepts the connection, never greets
    with app.app_context():
        for n in range(3):
            queue_mail(f"lotse{n}@example.org", "Programm", "Das Programm ist da.")
        db.session.commit()
        assert deliver_due_mail() == {"sent": 0, "failed": 1, "superseded": 0, "postponed": 2}
        mails = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
        assert [mail.attempts for mail in mails] == [1, 0, 0]  # only the mail that was tried counts a try
        assert "timed out" in mails[0].last_error
        assert all(mail.status == "queued" and mail.next_attempt_at > utcnow() for mail in mails)

    smtp.answer_again()
    clock.advance(minutes=2)
    with app.app_context():
        assert deliver_due_mail() == {"sent": 3, "failed": 0, "superseded": 0, "postponed": 0}
    assert sorted(recipients[0] for recipients, _message in smtp.received) == [
        "lotse0@example.org",
        "lotse1@example.org",
        "lotse2@example.org",
    ]
