"""Organisers register people who sign up by phone or come to the door, and correct registrations."""

from datetime import timedelta

from sqlalchemy import select

from events.core.models import AuditEntry
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Question
from events.registration.models import Registration, WorkshopChoice
from tests.conftest import mail_text, sent_mails
from tests.registration.test_registration import add_workshops, form_data


def _registration(app, email):
    with app.app_context():
        registration = db.session.scalars(select(Registration).filter_by(email_normalized=email)).one()
        registration.workshop_ids = sorted(c.session_id for c in registration.workshop_choices)
        db.session.expunge(registration)
        return registration


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEntry).filter_by(action=action)).all()


def test_an_organiser_registers_a_walk_in_after_registration_closed_without_mail(
    client, app, login, make_user, make_event
):
    event = make_event(registration_closes_at=utcnow() - timedelta(hours=1))
    workshops = add_workshops(app, event)
    organiser = login(make_user("organiser"))
    page = client.get(f"/registration/manage/{event.id}/add")
    assert page.status_code == 200
    assert "Die Person hat der Datenschutzerklärung zugestimmt" in page.text

    response = client.post(
        f"/registration/manage/{event.id}/add",
        data=form_data(email="walk.in@example.org", workshop_slot_1=str(workshops[0]), send_mail=""),
        follow_redirects=True,
    )

    assert "Ayşe Öztürk ist angemeldet und bestätigt." in response.text
    walk_in = _registration(app, "walk.in@example.org")
    assert walk_in.status == "confirmed"
    assert walk_in.workshop_ids == [workshops[0]]
    assert sent_mails(app) == []  # the organiser chose no mail
    [entry] = _audit(app, "registration.create")
    assert entry.details == {"by_organiser": True, "mailed": False}
    assert entry.actor == organiser.email


def test_a_phone_sign_up_follows_capacity_waiting_list_and_workshops(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=1)
    workshops = add_workshops(app, event, capacity=1)
    make_registration(event)  # the only place is taken
    login(make_user("organiser"))

    response = client.post(
        f"/registration/manage/{event.id}/add",
        data=form_data(email="telefon@example.org", send_mail="y"),
        follow_redirects=True,
    )
    assert "steht auf Platz 1 der Warteliste" in response.text
    assert _registration(app, "telefon@example.org").status == "waitlisted"
    [mail] = sent_mails(app)
    assert mail["To"] == "telefon@example.org" and "Warteliste" in mail["Subject"]

    # the same address again is refused, and a full workshop is refused as on the public form
    again = client.post(f"/registration/manage/{event.id}/add", data=form_data(email="telefon@example.org"))
    assert again.status_code == 400
    assert "schon angemeldet" in again.text
    holder = make_registration(event, status="confirmed")  # beyond the capacity, holding the workshop's place
    with app.app_context():
        db.session.add(WorkshopChoice(registration_id=holder.id, session_id=workshops[0]))
        db.session.commit()
    full = client.post(
        f"/registration/manage/{event.id}/add",
        data=form_data(email="dritte@example.org", workshop_slot_1=str(workshops[0])),
    )
    assert full.status_code == 400
    assert "ausgebucht" in full.text
    assert 'value="dritte@example.org"' in full.text  # what was typed stays


def test_the_organiser_must_confirm_the_persons_consent(client, app, login, make_user, make_event):
    event = make_event()
    login(make_user("organiser"))
    response = client.post(
        f"/registration/manage/{event.id}/add", data=form_data(email="ohne@example.org", privacy_consent="")
    )
    assert response.status_code == 400
    assert "Bitte bestätigen Sie, dass die Person zugestimmt hat." in response.text
    with app.app_context():
        assert db.session.scalar(select(Registration.id)) is None


def test_an_organiser_corrects_a_misspelt_name_and_an_answer_and_the_log_names_the_fields(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event()
    with app.app_context():
        question = Question(event_id=event.id, label="Kommen Sie zum Abendempfang?", kind="yesno")
        db.session.add(question)
        db.session.commit()
        question_id = question.id
    registration = make_registration(event, first_name="Aysee", last_name="Oztürk", answers={str(question_id): "no"})
    login(make_user("organiser"))
    page = client.get(f"/registration/manage/correct/{registration.id}")
    assert 'value="Aysee"' in page.text

    response = client.post(
        f"/registration/manage/correct/{registration.id}",
        data=form_data(
            first_name="Ayşe",
            last_name="Öztürk",
            email=registration.email,
            privacy_consent=None,
            **{f"question_{question_id}": "yes"},
        ),
        follow_redirects=True,
    )

    assert "Die Änderungen sind gespeichert." in response.text
    corrected = _registration(app, registration.email)
    assert (corrected.first_name, corrected.last_name) == ("Ayşe", "Öztürk")
    assert corrected.answers == {str(question_id): "yes"}
    [entry] = _audit(app, "registration.correct")
    assert set(entry.details["fields"]) >= {"first_name", "last_name", "answers"}
    assert "Aysee" not in str(entry.details)  # the old values stay out of the log
    assert sent_mails(app) == []  # nobody asked to tell the person


def test_a_new_address_gets_a_new_personal_link_and_a_note(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(starts_at=utcnow() - timedelta(days=3))  # after the event: a name for the certificate
    registration = make_registration(event)
    login(make_user("organiser"))

    client.post(
        f"/registration/manage/correct/{registration.id}",
        data=form_data(
            first_name=registration.first_name,
            last_name=registration.last_name,
            email="neue.adresse@example.org",
            privacy_consent=None,
            note="Ihre Adresse war vertippt.",
        ),
    )

    assert client.get(f"/registration/me/{registration.manage_token}").status_code == 404  # the old link is dead
    [mail] = sent_mails(app)
    assert mail["To"] == "neue.adresse@example.org"
    assert "Ihre Anmeldung wurde geändert" in mail["Subject"]
    text = mail_text(mail)
    assert "Ihre Adresse war vertippt." in text
    new_link = next(line for line in text.splitlines() if "/registration/me/" in line).strip()
    assert client.get(new_link.removeprefix("http://localhost")).status_code == 200


def test_an_address_registered_by_someone_else_is_refused(client, app, login, make_user, make_event, make_registration):
    event = make_event()
    first, second = make_registration(event), make_registration(event)
    login(make_user("organiser"))
    response = client.post(
        f"/registration/manage/correct/{second.id}",
        data=form_data(email=first.email, privacy_consent=None, first_name="Zweite"),
    )
    assert response.status_code == 400
    assert "schon eine andere Person angemeldet" in response.text
    assert _registration(app, second.email).first_name != "Zweite"
