"""Personal data is deleted as the privacy consent promises: six months after the event, and after a cancellation."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from events.checkin.models import CheckIn
from events.core.audit import record_audit
from events.core.models import AuditEntry, OutgoingMail
from events.core.outbox import about, queue_mail
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.privacy.retention import add_months, delete_expired_personal_data
from events.registration.models import Invitation, Registration
from events.registration.tokens import feed_token_for, hash_token


def _registration(app, registration_id) -> Registration:
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        db.session.expunge(registration)
        return registration


def _past_event(make_event, days_ago: int):
    start = (utcnow() - timedelta(days=days_ago)).replace(hour=7, minute=0, second=0, microsecond=0)
    return make_event(starts_at=start, ends_at=start + timedelta(hours=9))


def test_six_months_after_the_event_its_registrations_are_anonymised_and_the_figures_stay(
    app, client, runner, login, account, make_event, make_registration
):
    event = _past_event(make_event, days_ago=200)
    person = make_registration(
        event,
        "confirmed",
        function="Integrationslotsin",
        dietary_needs="vegan, Nussallergie",
        accessibility_needs="Rollstuhlplatz",
        answers={"1": "Ich komme mit dem Zug."},
        photo_consent=True,
        photo_consent_at=utcnow() - timedelta(days=210),
    )
    waiting = make_registration(event, "waitlisted", waitlist_position=1)
    with app.app_context():
        db.session.add(Invitation(event_id=event.id, email="eingeladen@example.org", token_hash=hash_token("x" * 30)))
        db.session.commit()
        district_before = db.session.get(Registration, person.id).district_id

    feed = feed_token_for(person.id, app.config["SECRET_KEY"], person.link_version)
    assert client.get(f"/calendar/personal/{feed}.ics").status_code == 200

    result = runner.invoke(args=["events", "delete-personal-data"])

    assert result.exit_code == 0, result.output
    assert "2 registrations anonymised, 1 invitations" in result.output and event.title in result.output
    gone = _registration(app, person.id)
    assert (gone.first_name, gone.last_name, gone.email) == ("", "", "")
    assert gone.function is None and gone.dietary_needs is None and gone.accessibility_needs is None
    assert gone.answers == {} and gone.organisation_name is None and gone.anonymised_at is not None
    # what carries no personal data stays: status, district, the proof of photo consent
    assert gone.status == "confirmed" and gone.district_id == district_before
    assert gone.photo_consent and gone.photo_consent_at is not None
    assert _registration(app, waiting.id).status == "waitlisted"
    with app.app_context():
        assert db.session.scalar(select(func.count(Invitation.id))) == 0
        assert db.session.get(Event, event.id).personal_data_deleted_at is not None
    # the personal link and the personal calendar feed no longer open anything
    assert client.get(f"/registration/me/{person.manage_token}").status_code == 404
    assert client.get(f"/calendar/personal/{feed}.ics").status_code == 404
    # the organiser still sees the figures, and that the data was deleted
    login(account("organiser"))
    page = client.get(f"/meetings/manage/{event.id}").get_data(as_text=True)
    assert "wurden am" in page and "gelöscht" in page
    export = client.get(f"/registration/manage/{event.id}/export.csv").get_data(as_text=True)
    assert export.count("\n") == 3  # the header and both registrations, still counted
    for gone_text in ("Nussallergie", "Rollstuhlplatz", "Integrationslotsin", "Zug", person.email, person.last_name):
        assert gone_text not in export

    again = runner.invoke(args=["events", "delete-personal-data"])
    assert "0 registrations anonymised, 0 invitations, 0 mails" in again.output


def test_an_event_five_months_ago_keeps_its_registrations_and_says_when_they_go(
    app, client, runner, login, account, make_event, make_registration
):
    event = _past_event(make_event, days_ago=150)
    person = make_registration(event, "confirmed", dietary_needs="vegetarisch")

    result = runner.invoke(args=["events", "delete-personal-data"])

    assert "0 registrations anonymised" in result.output
    kept = _registration(app, person.id)
    assert kept.first_name == "Ayşe" and kept.dietary_needs == "vegetarisch" and kept.anonymised_at is None
    login(account("organiser"))
    page = client.get(f"/meetings/manage/{event.id}").get_data(as_text=True)
    assert "werden ab dem" in page and "sechs Monate nach der Veranstaltung" in page


def test_a_cancelled_registration_is_anonymised_thirty_days_after_the_cancellation(
    app, runner, make_event, make_registration
):
    event = make_event()  # still to come
    withdrawn = make_registration(event, "cancelled", cancelled_at=utcnow() - timedelta(days=31))
    recent = make_registration(event, "cancelled", cancelled_at=utcnow() - timedelta(days=29))
    coming = make_registration(event, "confirmed")

    runner.invoke(args=["events", "delete-personal-data"])

    assert _registration(app, withdrawn.id).last_name == ""
    assert _registration(app, recent.id).last_name == recent.last_name
    assert _registration(app, coming.id).last_name == coming.last_name
    with app.app_context():
        assert db.session.get(Event, event.id).personal_data_deleted_at is None  # the event itself is not due


def test_the_same_address_can_register_again_after_its_cancelled_registration_was_anonymised(
    app, client, runner, make_event, make_registration
):
    from tests.registration.test_registration import form_data

    event = make_event()
    make_registration(event, "cancelled", email="ayse@example.org", cancelled_at=utcnow() - timedelta(days=40))
    runner.invoke(args=["events", "delete-personal-data"])

    response = client.post(f"/registration/{event.slug}", data=form_data(email="ayse@example.org"))

    assert response.status_code == 302
    with app.app_context():
        emails = db.session.scalars(select(Registration.email).where(Registration.event_id == event.id)).all()
        assert sorted(emails) == ["", "ayse@example.org"]


def test_mail_older_than_six_months_is_deleted_with_its_file(app, runner):
    folder = Path(app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        old = queue_mail("alt@example.org", "Anmeldung bestätigt", "Hallo Ayşe")
        recent = queue_mail("neu@example.org", "Anmeldung bestätigt", "Hallo Jonas")
        stuck = queue_mail("wartet@example.org", "Anmeldung bestätigt", "Hallo Mira")
        db.session.flush()
        old.created_at, old.status, old.eml_path = utcnow() - timedelta(days=200), "sent", f"{old.id:06d}.eml"
        stuck.created_at = utcnow() - timedelta(days=200)  # still queued: never deleted unsent
        recent.status = "sent"
        db.session.commit()
        (folder / old.eml_path).write_text("mail")
        old_id = old.id

    result = runner.invoke(args=["events", "delete-personal-data"])

    assert "1 mails" in result.output
    assert not (folder / f"{old_id:06d}.eml").exists()
    with app.app_context():
        left = db.session.scalars(select(OutgoingMail.recipient).order_by(OutgoingMail.id)).all()
        assert left == ["neu@example.org", "wartet@example.org"]


def test_audit_entries_about_a_deleted_registration_lose_their_summary(app, runner, make_event, make_registration):
    event = _past_event(make_event, days_ago=200)
    person = make_registration(event, "confirmed", first_name="Ayşe", last_name="Öztürk")
    with app.test_request_context():
        record_audit("registration.create", db.session.get(Registration, person.id), summary="Ayşe Öztürk")
        record_audit("event.update", db.session.get(Event, event.id), summary="Titel geändert")
        checkin = CheckIn(event_id=event.id, registration_id=person.id, day=event.starts_at.date(), result="welcome")
        db.session.add(checkin)
        db.session.flush()
        record_audit("checkin.undone", checkin, summary="Check-in of Ayşe Öztürk undone")
        db.session.commit()

    runner.invoke(args=["events", "delete-personal-data"])

    with app.app_context():
        summaries = dict(db.session.execute(select(AuditEntry.action, AuditEntry.summary)).all())
        assert summaries["registration.create"] == "–"
        assert summaries["checkin.undone"] == "–"
        assert summaries["event.update"] == "Titel geändert"
        assert "privacy.delete_personal_data" in summaries


def test_a_dry_run_counts_and_changes_nothing(app, runner, make_event, make_registration):
    event = _past_event(make_event, days_ago=200)
    person = make_registration(event, "confirmed")

    result = runner.invoke(args=["events", "delete-personal-data", "--dry-run"])

    assert "due (dry run): 1 registrations anonymised" in result.output
    assert _registration(app, person.id).first_name == "Ayşe"
    with app.app_context():
        assert db.session.get(Event, event.id).personal_data_deleted_at is None
        assert delete_expired_personal_data(dry_run=True).registrations == 1


def test_six_months_are_counted_in_calendar_months():
    assert add_months(datetime(2026, 8, 31, 15, 0, tzinfo=UTC), 6) == datetime(2027, 2, 28, 15, 0, tzinfo=UTC)
    assert add_months(datetime(2027, 8, 31, tzinfo=UTC), 6) == datetime(2028, 2, 29, tzinfo=UTC)
    assert add_months(datetime(2026, 3, 15, tzinfo=UTC), -6) == datetime(2025, 9, 15, tzinfo=UTC)
    assert add_months(datetime(2026, 1, 10, tzinfo=UTC), -1) == datetime(2025, 12, 10, tzinfo=UTC)


def test_a_mail_still_waiting_for_a_deleted_registration_is_not_rendered(app, runner, make_event, make_registration):
    from events.registration.mails import render_registration_mail

    event = _past_event(make_event, days_ago=200)
    person = make_registration(event, "confirmed")
    with app.test_request_context():
        assert render_registration_mail(person.id, "registration_confirmed")["subject"]

    runner.invoke(args=["events", "delete-personal-data"])

    with app.test_request_context():
        assert render_registration_mail(person.id, "registration_confirmed") is None


def test_an_event_called_off_is_due_thirty_days_after_the_cancellation(app, runner, make_event, make_registration):
    event = make_event(status="cancelled", cancelled_at=utcnow() - timedelta(days=31))  # was to take place next month
    person = make_registration(event, "confirmed")

    runner.invoke(args=["events", "delete-personal-data"])

    assert _registration(app, person.id).last_name == ""
    with app.app_context():
        assert db.session.get(Event, event.id).personal_data_deleted_at is not None


def test_the_mails_about_a_deleted_registration_go_with_it_and_its_certificate_keeps_no_address(
    app, runner, make_event, make_registration
):
    from events.certificates.models import Certificate

    event = make_event()
    withdrawn = make_registration(event, "cancelled", cancelled_at=utcnow() - timedelta(days=31))
    staying = make_registration(event, "confirmed")
    with app.app_context():
        for registration_id, address in ((withdrawn.id, withdrawn.email), (staying.id, staying.email)):
            queue_mail(address, "Anmeldung bestätigt", "Hallo", about=about("registration", registration_id))
        db.session.add(
            certificate := Certificate(
                serial="TP-2026-00001",
                code="abc123",
                kind="attendance",
                registration_id=withdrawn.id,
                recipient_name="Ayşe Müller",
                recipient_email=withdrawn.email,
                title="Teilnahmebescheinigung",
                body="",
                reason="Teilnahme",
                issuer="Ministerium",
            )
        )
        db.session.flush()
        queue_mail(withdrawn.email, "Ihre Bescheinigung", "Anbei", about=about("certificate", certificate.id))
        db.session.commit()

    result = runner.invoke(args=["events", "delete-personal-data"])

    assert "1 registrations anonymised, 0 invitations, 2 mails" in result.output
    with app.app_context():
        assert db.session.scalars(select(OutgoingMail.recipient)).all() == [staying.email]
        certificate = db.session.scalars(select(Certificate)).one()
        assert certificate.recipient_email is None and certificate.recipient_name == "Ayşe Müller"


def test_a_cancelled_registration_taken_up_again_is_not_anonymised(app, client, runner, make_event, make_registration):
    """Registering anew reuses the cancelled registration of the same address; the deletion checks each row again."""
    from tests.registration.test_registration import form_data

    event = make_event()
    old = make_registration(event, "cancelled", email="ayse@example.org", cancelled_at=utcnow() - timedelta(days=40))
    with app.app_context():
        due = delete_expired_personal_data(dry_run=True)
    assert due.registrations == 1
    assert client.post(f"/registration/{event.slug}", data=form_data(email="ayse@example.org")).status_code == 302

    runner.invoke(args=["events", "delete-personal-data"])

    again = _registration(app, old.id)
    assert again.status == "confirmed" and again.email == "ayse@example.org" and again.anonymised_at is None


def test_the_page_and_the_deletion_agree_at_the_end_of_a_month(app, make_event, make_registration):
    from events.privacy.retention import personal_data_deleted_after

    ends = datetime(2026, 8, 31, 16, 0, tzinfo=UTC)
    event = make_event(starts_at=ends - timedelta(hours=8), ends_at=ends)
    make_registration(event, "confirmed")
    due = personal_data_deleted_after(event)
    assert due == datetime(2027, 2, 28, 16, 0, tzinfo=UTC)
    with app.app_context():
        assert delete_expired_personal_data(now=due - timedelta(minutes=1), dry_run=True).registrations == 0
        assert delete_expired_personal_data(now=due, dry_run=True).registrations == 1
