"""Scanning devices: a token works only around its event, and a nonce answers only the request it came with (issue 15,
items 8 and 9)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from events.checkin.models import CheckIn
from events.core.models import User
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration
from events.registration.tickets import ticket_token_for


def _device_token(app, event, make_user):
    from events.checkin.devices import create_device

    organiser = make_user("organiser")
    with app.test_request_context():
        _device, token = create_device(
            db.session.get(Event, event.id), "Tablet Eingang", db.session.get(User, organiser.id)
        )
        db.session.commit()
    return token


def _ticket(app, registration):
    with app.app_context():
        return ticket_token_for(db.session.get(Registration, registration.id))


def _status(client, token):
    return client.get("/checkin/api/v1/status", headers={"Authorization": f"Bearer {token}"})


def test_a_device_token_opens_nothing_after_its_event(app, client, make_user, make_event):
    ended = make_event(starts_at=utcnow() - timedelta(days=11), ends_at=utcnow() - timedelta(days=10))
    token = _device_token(app, ended, make_user)
    response = _status(client, token)
    assert response.status_code == 401
    assert "gilt zu dieser Zeit nicht" in response.get_json()["message"]


def test_a_device_token_works_from_two_weeks_before_until_twelve_hours_after(app, client, make_user, make_event):
    soon = make_event(starts_at=utcnow() + timedelta(days=13), ends_at=utcnow() + timedelta(days=14))
    later = make_event(starts_at=utcnow() + timedelta(days=15), ends_at=utcnow() + timedelta(days=16))
    just_over = make_event(starts_at=utcnow() - timedelta(hours=20), ends_at=utcnow() - timedelta(hours=11))
    assert _status(client, _device_token(app, soon, make_user)).status_code == 200
    assert _status(client, _device_token(app, later, make_user)).status_code == 401
    assert _status(client, _device_token(app, just_over, make_user)).status_code == 200


def test_the_devices_page_shows_the_window_and_an_expired_device(app, client, login, make_user, make_event):
    ended = make_event(starts_at=utcnow() - timedelta(days=11), ends_at=utcnow() - timedelta(days=10))
    _device_token(app, ended, make_user)
    login(make_user("organiser"))
    page = client.get(f"/checkin/{ended.id}/devices").get_data(as_text=True)
    assert "Die Tokens gelten von" in page
    assert "abgelaufen" in page


def test_a_nonce_sent_again_with_another_ticket_is_refused_not_replayed(
    app, client, make_user, make_event, make_registration
):
    event = make_event(starts_at=utcnow() - timedelta(hours=1), ends_at=utcnow() + timedelta(hours=8))
    anna = make_registration(event, first_name="Anna")
    bert = make_registration(event, first_name="Bert")
    token = _device_token(app, event, make_user)
    headers = {"Authorization": f"Bearer {token}"}

    first = client.post("/checkin/api/v1/scans", json={"token": _ticket(app, anna), "nonce": "n-1"}, headers=headers)
    retry = client.post("/checkin/api/v1/scans", json={"token": _ticket(app, anna), "nonce": "n-1"}, headers=headers)
    other = client.post("/checkin/api/v1/scans", json={"token": _ticket(app, bert), "nonce": "n-1"}, headers=headers)
    manual = client.post(f"/checkin/api/v1/registrations/{bert.id}/checkin", json={"nonce": "n-1"}, headers=headers)

    assert first.get_json()["result"] == "welcome"
    assert retry.get_json()["replayed"] is True
    assert retry.get_json()["person"]["name"].startswith("Anna")
    assert other.status_code == 409
    assert "andere Anfrage" in other.get_json()["message"]
    assert manual.status_code == 409
    with app.app_context():
        admitted = db.session.scalars(select(CheckIn.registration_id).where(CheckIn.result == "welcome")).all()
    assert admitted == [anna.id]  # Bert is not checked in under Anna's answer
