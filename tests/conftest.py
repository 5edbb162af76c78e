"""Fixtures: an app per test session on SQLite or on the PostgreSQL database named in TEST_DATABASE_URL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from events import create_app
from events.core.districts import load_districts
from events.core.models import Organisation, Person, User, UserRole
from events.extensions import db, limiter

PROJECT_ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.workers"]  # job_queue, start_worker: real worker processes
KEPT_TABLES = {"regions", "districts", "alembic_version"}
TEST_PASSWORD = "richtig-langes-passwort"


def _fresh_postgres_database(url: str) -> str:
    """Drop and create the database named in url; returns the SQLAlchemy URL for it."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{parsed.database}"')
        # A commit need not wait for the disk (as SQLite's synchronous=NORMAL in events/core/database.py): the test
        # database is thrown away, and what other connections see of a commit is the same.
        connection.execute(f'ALTER DATABASE "{parsed.database}" SET synchronous_commit = off')
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return _fresh_postgres_database(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key-with-enough-length-0123456789",
            "WTF_CSRF_ENABLED": False,
            "MAIL_DELIVERY": "sync",
            "JOBS_URL": "immediate",  # a task runs where it is queued (tests of the worker start one of their own)
            "MAIL_SERVER": "",
            "MAIL_FOLDER": str(instance / "mail"),
            "BASE_URL": "http://localhost",
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        load_districts()
    yield app


@pytest.fixture(autouse=True)
def _clean_database(app):
    yield
    limiter.reset()  # each test starts with fresh rate-limit counts (all tests come from 127.0.0.1)
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(_postgres_reset()))
        else:
            for table in _cleaned_tables():
                db.session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - table names from the metadata
        db.session.commit()


def _cleaned_tables() -> list[str]:
    """The tables emptied after each test, children before their parents."""
    return [t.name for t in reversed(db.metadata.sorted_tables) if t.name not in KEPT_TABLES]


@cache
def _postgres_reset() -> str:
    """One statement that empties the tables and restarts the sequences that were used, as TRUNCATE ... RESTART
    IDENTITY would. TRUNCATE gives every table and index a new file and costs about a second per test on a busy
    machine; deleting the few rows a test wrote costs milliseconds."""
    tables = ", ".join(f"'{table}'" for table in _cleaned_tables())
    return f"""
DO $$
DECLARE
    name text;
    sequence regclass;
BEGIN
    FOREACH name IN ARRAY ARRAY[{tables}] LOOP
        EXECUTE format('DELETE FROM %I', name);
    END LOOP;
    FOR sequence IN
        SELECT d.objid::regclass FROM pg_depend d
        JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        JOIN pg_sequences q ON q.schemaname = current_schema() AND q.sequencename = s.relname
        WHERE d.refobjid = ANY(ARRAY[{tables}]::regclass[]) AND d.deptype IN ('a', 'i') AND q.last_value IS NOT NULL
    LOOP
        PERFORM setval(sequence, 1, false);
    END LOOP;
END $$"""  # noqa: S608 - table names from the metadata


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    with app.test_client() as client:
        yield client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(*roles: str, email: str | None = None, password: str = TEST_PASSWORD, active: bool = True) -> User:
        with app.app_context():
            n = next(counter)
            user = User(email=email or f"user{n}@example.org", display_name=f"Test User {n}", active=active)
            user.set_password(password)
            user.role_rows = [UserRole(role=role) for role in roles]
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


def sign_in_without_form(app, the_client, user: User) -> None:
    """Give a test client the session of a user, as the sign-in form does, without typing the password."""
    from events.accounts.sessions import SESSION_KEY, open_session

    with app.app_context():
        token = open_session(user)
    with the_client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[SESSION_KEY] = token


@pytest.fixture
def login(app, client):
    """Sign a test client in as a user without going through the form."""

    def do_login(user: User, the_client=None):
        sign_in_without_form(app, the_client or client, user)
        return user

    return do_login


@pytest.fixture
def make_organisation(app):
    def make(name="Freiwilligenagentur Landshut", kind="freiwilligenagentur", district_key="09261") -> Organisation:
        from events.core.models import District

        with app.app_context():
            district = db.session.scalars(db.select(District).filter_by(key=district_key)).one()
            organisation = Organisation(name=name, kind=kind, district_id=district.id)
            db.session.add(organisation)
            db.session.commit()
            db.session.refresh(organisation)
            db.session.expunge(organisation)
            return organisation

    return make


@pytest.fixture
def make_person(app, make_organisation):
    def make(first_name="Elif", last_name="Kaya", organisation: Organisation | None = None) -> Person:
        with app.app_context():
            person = Person(
                first_name=first_name,
                last_name=last_name,
                email=f"{first_name}.{last_name}@example.org".lower(),
                organisation_id=(organisation or make_organisation()).id,
            )
            db.session.add(person)
            db.session.commit()
            db.session.refresh(person)
            db.session.expunge(person)
            return person

    return make


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The test app served by a real HTTP server in a thread (for the browser tests)."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def start_gunicorn(app, database_url, tmp_path):
    """Start the application under gunicorn (two workers) on the test database; returns its base URL. Keyword
    arguments are settings (environment variables) of that server; every server is stopped after the test."""
    processes = []

    def start(**environment: str) -> str:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "MAIL_DELIVERY": "later",
            "RATELIMIT_ENABLED": "false",  # concurrency tests post many forms from one address at once
            "BASE_URL": f"http://127.0.0.1:{port}",
            "INSTANCE_PATH": str(tmp_path / f"instance-{len(processes)}"),
            **environment,
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
                "-b",
                f"127.0.0.1:{port}",
                "app:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / f"gunicorn-{len(processes)}.log", "wb"),  # noqa: SIM115 - closed by the process
        )
        process.log_path = tmp_path / f"gunicorn-{len(processes)}.log"
        processes.append(process)
        deadline = time.monotonic() + 60
        while True:  # wait until a worker answers, not only until the port is open
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.log_path.read_text()) from None
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def gunicorn_server(start_gunicorn):
    """The application under gunicorn with two workers, on the test database (for concurrency tests)."""
    return start_gunicorn()


def sent_mails(app) -> list:
    """The mails written to the mail folder (no SMTP configured), oldest first, parsed."""
    from email import message_from_bytes
    from email.policy import default

    folder = Path(app.config["MAIL_FOLDER"])
    return [message_from_bytes(p.read_bytes(), policy=default) for p in sorted(folder.glob("*.eml"))]


def mail_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture(autouse=True)
def _empty_mail_folder(app):
    yield
    for path in Path(app.config["MAIL_FOLDER"]).glob("*.eml"):
        path.unlink()


@pytest.fixture
def make_event(app):
    """An event; by default a published two-day networking meeting starting in 30 days with 100 places."""
    from datetime import timedelta

    from events.core.types import utcnow
    from events.meetings.models import Event

    counter = iter(range(1, 10_000))

    def make(**fields) -> Event:
        n = next(counter)
        start = fields.pop("starts_at", None) or (utcnow() + timedelta(days=30)).replace(
            hour=7, minute=0, second=0, microsecond=0
        )
        values = {
            "slug": f"vernetzungstreffen-{n}",
            "kind": "networking",
            "title": f"Vernetzungstreffen {n}",
            "description": "Austausch und Workshops.",
            "starts_at": start,
            "ends_at": start + timedelta(days=1, hours=9),
            "venue_name": "Meistersingerhalle",
            "address": "Münchener Str. 21, 90478 Nürnberg",
            "capacity": 100,
            "status": "published",
            "contact_email": "integration@stmi.example",
        }
        values.update(fields)
        with app.app_context():
            event = Event(**values)
            db.session.add(event)
            db.session.commit()
            db.session.refresh(event)
            db.session.expunge(event)
            return event

    return make


@pytest.fixture
def make_registration(app):
    """A registration written straight to the database (no mail); `.manage_token` holds its personal-link token."""
    from events.core.types import utcnow
    from events.registration.models import Registration
    from events.registration.tokens import new_manage_token

    counter = iter(range(1, 100_000))

    def make(event, status: str = "confirmed", **fields) -> Registration:
        n = next(counter)
        token, token_hash = new_manage_token()
        values = {
            "event_id": event.id,
            "first_name": fields.pop("first_name", "Ayşe"),
            "last_name": fields.pop("last_name", f"Müller-{n}"),
            "email": f"teilnehmer{n}@example.org",
            "organisation_name": "Freiwilligenagentur Landshut",
            "language": "de",
            "answers": {},
            "privacy_consent_at": utcnow(),
            "privacy_consent_version": "2026-01",
            "privacy_consent_text": "Ich willige ein.",
            "status": status,
            "manage_token_hash": token_hash,
            "confirmed_at": utcnow() if status == "confirmed" else None,
        }
        values.update(fields)
        values.setdefault("email_normalized", values["email"].lower())
        with app.app_context():
            registration = Registration(**values)
            db.session.add(registration)
            db.session.commit()
            db.session.refresh(registration)
            db.session.expunge(registration)
        registration.manage_token = token
        return registration

    return make


# The access table (tests/routes.py): users to sign in as, and the objects its URLs point at.


@pytest.fixture
def account(app):
    """A signed-in-able user with one role and no password (hashing one costs a tenth of a second per test)."""
    from events.core.models import User, UserRole

    def make(role: str) -> User:
        with app.app_context():
            user = db.session.scalars(db.select(User).filter_by(email=f"{role}@example.org")).first()
            if user is not None:  # the world fixture made it already (the check-in staff of its event)
                db.session.expunge(user)
                return user
            user = User(
                email=f"{role}@example.org", display_name=f"{role.title()} Test", role_rows=[UserRole(role=role)]
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def world(app, account, make_organisation, make_person, make_event, make_registration) -> dict:
    """The objects the URLs in ROUTES point at, as placeholder values (ids, slugs, tokens)."""
    from datetime import timedelta

    from events.accounts.service import INVITE_SALT, make_password_token
    from events.checkin.devices import hash_device_token
    from events.checkin.models import CheckIn, Device
    from events.checkin.scanning import check_in_registration
    from events.core.models import User
    from events.core.outbox import queue_mail
    from events.core.types import utcnow
    from events.meetings.models import Event, EventSession, EventStaff, Question
    from events.registration.models import Invitation, Registration
    from events.registration.tokens import feed_token_for, hash_token
    from tests.awards.factories import award_world
    from tests.ceremonies.factories import ceremony_world
    from tests.tandems.world import tandem_world

    organisation = make_organisation()
    person = make_person(organisation=organisation)
    # ten days ahead: its devices' tokens work from two weeks before the start (DEVICE_VALID_DAYS_BEFORE)
    event = make_event(starts_at=(utcnow() + timedelta(days=10)).replace(hour=7, minute=0, second=0, microsecond=0))
    registration = make_registration(event)
    past_event = make_event(starts_at=utcnow() - timedelta(days=10))  # over: its no-shows can be exported
    checkin_staff = account("checkin")
    device_token = "tpd_access-table-device-token"
    with app.test_request_context():
        invitee = User(email="eingeladen@example.org", display_name="Ida Eingeladen")
        db.session.add(invitee)
        mail = queue_mail("jemand@example.org", "Einladung", "Hallo")
        session = EventSession(
            event_id=event.id,
            kind="workshop",
            title="Workshop Wohnen",
            starts_at=event.starts_at + timedelta(hours=2),
            ends_at=event.starts_at + timedelta(hours=3),
            capacity=20,
        )
        question = Question(event_id=event.id, label="Anreise mit der Bahn?", kind="yesno")
        event_staff = EventStaff(event_id=event.id, user_id=checkin_staff.id)
        invitation = Invitation(  # not registered yet, so it may be sent again
            event_id=event.id,
            email="ines.eingeladen@example.org",
            first_name="Ines",
            last_name="Eingeladen",
            token_hash=hash_token("access-table-invitation-token"),
            sent_at=utcnow(),
        )
        db.session.add_all([session, question, invitation, event_staff])
        device = Device(event_id=event.id, name="Tablet Eingang", token_hash=hash_device_token(device_token))
        db.session.add(device)
        from events.certificates.single import issue_prize_certificate

        certificate = issue_prize_certificate(
            "Erika Muster", "1. Platz", "Ehrenamt", "500 Euro", title="Integrationspreis 2026"
        )
        db.session.commit()
        check_in_registration(  # a check-in on the event's first day, which organisers may undo
            db.session.get(Event, event.id),
            db.session.get(Registration, registration.id),
            device=device,
            now=event.starts_at + timedelta(hours=1),
        )
        checkin = db.session.scalars(db.select(CheckIn).filter_by(registration_id=registration.id)).one()
        values = {
            "organisation": organisation.id,
            "person": person.id,
            "event": event.id,
            "event_slug": event.slug,
            "registration": registration.id,
            "manage_token": registration.manage_token,
            "feed_token": feed_token_for(registration.id, app.config["SECRET_KEY"]),
            "invitee": invitee.id,
            "mail": mail.id,
            "certificate": certificate.id,
            "certificate_code": certificate.code,
            "certificate_batch": certificate.batch_id,
            "reset_token": make_password_token(invitee),
            "invitation_token": make_password_token(invitee, INVITE_SALT),
            "past_event": past_event.id,
            "session": session.id,
            "question": question.id,
            "invitation": invitation.id,
            "device": device.id,
            "device_token": device_token,
            "event_staff": event_staff.id,
            "checkin": checkin.id,
        }
        values.update(award_world(account))
        values.update(ceremony_world())
        values.update(tandem_world(event.id, organisation.id))
        db.session.remove()
    return values
