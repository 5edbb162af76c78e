"""The task queue: real `flask jobs worker` processes deliver mail and run the periodic jobs, once."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from events.core.jobs import claim_slot, huey, slot_start
from events.core.models import OutgoingMail, PeriodicRun
from events.core.types import utcnow
from events.extensions import db
from tests.conftest import mail_text, sent_mails
from tests.workers import queued_tasks, wait_until


def _reminders(app) -> list[OutgoingMail]:
    with app.app_context():
        return db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.topic == "registration.registration_reminder")
        ).all()


def test_a_reminder_is_sent_once_although_two_workers_run(app, make_event, make_registration, start_worker):
    event = make_event(starts_at=utcnow() + timedelta(days=1))
    anna = make_registration(event, "confirmed", first_name="Anna")
    # each worker's scheduler queues the hourly jobs when the hour strikes: two workers, two of each
    on_the_hour = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    with app.app_context():
        for _worker in range(2):
            for job in huey.read_periodic(on_the_hour):
                huey.enqueue(job)
        # mail retry, batch resumption, lapsing holds, calendar entries and reminders, twice
        assert huey.pending_count() == 10

    start_worker("--no-periodic")
    start_worker("--no-periodic")
    wait_until(lambda: queued_tasks(app) == 0 and sent_mails(app), what="the workers to send the reminder")
    wait_until(lambda: all(mail.status == "sent" for mail in _reminders(app)), what="the reminder to be sent")

    [reminder] = _reminders(app)
    assert reminder.recipient == anna.email and reminder.status == "sent"
    [message] = sent_mails(app)
    assert message["To"] == anna.email and "Anna" in mail_text(message)
    with app.app_context():
        runs = db.session.scalar(
            select(func.count()).where(PeriodicRun.name == "events.registration.tasks.send_reminders_hourly")
        )
    assert runs == 1  # the second worker found the hour's slot taken and did not run the job at all


def test_a_worker_delivers_the_mail_a_request_queued(app, client, make_event, start_worker):
    from tests.registration.test_registration import form_data

    app.config["MAIL_DELIVERY"] = "background"
    try:
        event = make_event()
        response = client.post(f"/registration/{event.slug}", data=form_data(email="lotsin@example.org"))
    finally:
        app.config["MAIL_DELIVERY"] = "sync"
    assert response.status_code == 302
    assert sent_mails(app) == []  # the request only queued it
    assert queued_tasks(app) == 1

    start_worker("--no-periodic")
    [message] = wait_until(lambda: sent_mails(app), what="the worker to deliver the confirmation")
    assert message["To"] == "lotsin@example.org"
    with app.app_context():
        assert db.session.scalars(select(OutgoingMail.status)).all() == ["sent"]


def test_a_periodic_slot_is_the_nearest_scheduled_time(app):
    minute = timedelta(minutes=1)
    assert slot_start(datetime(2026, 12, 7, 9, 0, 3, tzinfo=UTC), minute) == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert slot_start(datetime(2026, 12, 7, 8, 59, 58, tzinfo=UTC), minute) == datetime(2026, 12, 7, 9, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert slot_start(datetime(2026, 12, 7, 9, 12, tzinfo=UTC), hour) == datetime(2026, 12, 7, 9, tzinfo=UTC)
    with app.app_context():
        assert claim_slot("test.job", hour) is True
        assert claim_slot("test.job", hour) is False  # the second worker in the same hour
        db.session.add(
            PeriodicRun(name="test.old", slot=utcnow() - timedelta(days=8), started_at=utcnow() - timedelta(days=8))
        )
        db.session.commit()
        assert claim_slot("test.other", hour) is True
        assert db.session.scalars(select(PeriodicRun.name).order_by(PeriodicRun.name)).all() == [
            "test.job",
            "test.other",
        ]
