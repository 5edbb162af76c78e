"""Input no page can use is refused in one place, not passed to the database (issue 15, items 6, 7 and 12)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from events.core.models import OutgoingMail, User
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration
from tests.conftest import sent_mails
from tests.meetings.test_meetings import event_form
from tests.registration.test_registration import form_data


def _device_token(app, event, organiser):
    from events.checkin.devices import create_device

    with app.test_request_context():
        _device, token = create_device(
            db.session.get(Event, event.id), "Tablet Eingang", db.session.get(User, organiser.id)
        )
        db.session.commit()
    return token


def test_control_characters_in_the_address_are_no_page(client, make_event):
    event = make_event()
    assert client.get("/certificates/v/abc%00def").status_code == 404
    assert client.get("/meetings/abc%00def").status_code == 404
    assert client.get(f"/meetings/{event.slug}%01").status_code == 404


def test_control_characters_in_the_query_or_a_form_are_refused_with_a_reason(client, make_event):
    event = make_event()
    response = client.get("/certificates/v?q=%00")
    assert response.status_code == 400
    assert "Steuerzeichen" in response.get_data(as_text=True)
    assert client.get("/meetings/?q=a%00b").status_code == 400
    response = client.post(f"/registration/{event.slug}", data=form_data(first_name="Ay\x00şe"))
    assert response.status_code == 400
    response = client.post(f"/registration/{event.slug}", data=form_data(district_id="\x0b"))
    assert response.status_code == 400
    assert (
        client.post(f"/registration/{event.slug}", data=form_data(dietary_needs="vegan\r\nohne Nüsse")).status_code
        == 302
    )


def test_a_district_of_only_white_space_counts_as_none(app, client, make_event):
    event = make_event()
    response = client.post(f"/registration/{event.slug}", data=form_data(district_id="\u2003"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Registration.district_id)).one() is None


def test_numbers_beyond_the_database_are_no_page_or_refused(app, client, login, make_user, make_event):
    event = make_event(starts_at=utcnow() - timedelta(hours=1))  # its devices work today
    assert client.get("/calendar/events/2147483648.ics").status_code == 404
    assert client.get(f"/calendar/events/{event.id}.ics").status_code == 200
    organiser = login(make_user("organiser"))
    assert client.get("/directory/organisations?page=99999999999999999999").status_code == 400
    assert client.get("/directory/organisations?region=99999999999999999999").status_code == 400
    token = _device_token(app, event, organiser)
    response = client.get(
        "/checkin/api/v1/status?registration_id=99999999999", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400
    assert response.is_json


def test_a_page_beyond_the_last_shows_the_last(client, login, make_user, make_organisation):
    login(make_user("organiser"))
    for n in range(3):
        make_organisation(name=f"Verein Nummer {n}")
    page = client.get("/directory/organisations?page=2147483647").get_data(as_text=True)
    assert "Verein Nummer 2" in page


def test_a_line_break_in_a_title_becomes_a_space_and_mails_about_the_event_go_out(
    app, client, login, make_user, make_event
):
    login(make_user("organiser"))
    response = client.post("/meetings/manage/new", data=event_form(title="Vernetzungstreffen\r\nBcc: alle@example.org"))
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert event.title == "Vernetzungstreffen Bcc: alle@example.org"


def test_a_mail_subject_with_a_line_break_is_sent_on_one_line(app, ctx):
    from events.core.mailer import build_message

    mail = OutgoingMail(recipient="a@example.org", subject="Erste Zeile\nBcc: b@example.org", body_text="Hallo")
    message = build_message(mail)
    assert message["Subject"] == "Erste Zeile Bcc: b@example.org"
    assert message["Bcc"] is None


def test_an_address_with_an_umlaut_before_the_at_is_refused_with_a_clear_message(app, client, make_event):
    event = make_event()
    response = client.post(f"/registration/{event.slug}", data=form_data(email="zoë@example.org"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Umlauten oder anderen Sonderzeichen vor dem @" in page
    assert 'value="zoë@example.org"' in page  # kept as typed, to correct
    with app.app_context():
        assert db.session.scalars(select(Registration)).all() == []
    # the part after the @ may have them: it is sent in its ASCII form (xn--)
    assert client.post(f"/registration/{event.slug}", data=form_data(email="zoe@zoë.example")).status_code == 302
    [confirmation] = sent_mails(app)
    assert confirmation["To"] == "zoe@xn--zo-ija.example"
