"""The door: what the scanner shows about a person, the printed door list and the overview that updates itself."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from events.core.models import District
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import EventSession, EventStaff
from events.registration.models import Registration, WorkshopChoice
from events.registration.tickets import ticket_token_for


@pytest.fixture
def meeting_today(make_event):
    start = utcnow() - timedelta(hours=1)
    return make_event(title="Vernetzungstreffen Landshut", starts_at=start, ends_at=start + timedelta(hours=9))


@pytest.fixture
def door(app, account, login, meeting_today):
    """Signed in as check-in staff of today's meeting."""
    user = account("checkin")
    with app.app_context():
        db.session.add(EventStaff(event_id=meeting_today.id, user_id=user.id))
        db.session.commit()
    return login(user)


def code_of(app, registration) -> str:
    with app.app_context():
        return ticket_token_for(db.session.get(Registration, registration.id))


def landshut(app) -> int:
    with app.app_context():
        return db.session.scalar(select(District.id).where(District.key == "09261"))


def scan(client, event, code) -> str:
    return client.post(f"/checkin/{event.id}/scan", data={"code": code, "device_name": "Tür 1"}).get_data(as_text=True)


def test_a_cancelled_ticket_names_whose_it_is(app, client, door, meeting_today, make_registration):
    cancelled = make_registration(meeting_today, status="cancelled", first_name="Ole", last_name="Hansen")
    page = scan(client, meeting_today, code_of(app, cancelled))
    result = re.search(r'<section id="scan-result".*?</section>', page, re.S)[0]
    assert "Storniert" in result and "Ole Hansen" in result


def test_an_empty_organisation_leaves_no_stray_separator(app, client, door, meeting_today, make_registration):
    only_district = make_registration(meeting_today, organisation_name=None, district_id=landshut(app))
    nothing = make_registration(meeting_today, organisation_name=None, district_id=None)

    result = re.search(
        r'<section id="scan-result".*?</section>', scan(client, meeting_today, code_of(app, only_district)), re.S
    )[0]
    assert re.search(r'<p class="scan-person">Landshut[^<·]*</p>', result)
    result = re.search(
        r'<section id="scan-result".*?</section>', scan(client, meeting_today, code_of(app, nothing)), re.S
    )[0]
    assert "scan-person" not in result and "·" not in result


def test_the_door_list_runs_from_a_to_z_with_workshops(app, client, door, meeting_today, make_registration):
    with app.app_context():
        wohnen = EventSession(
            event_id=meeting_today.id,
            kind="workshop",
            title="Wohnen",
            starts_at=meeting_today.starts_at + timedelta(hours=2),
            ends_at=meeting_today.starts_at + timedelta(hours=3),
        )
        db.session.add(wohnen)
        db.session.commit()
        wohnen_id = wohnen.id
    for first, last in [("Jonas", "Schäfer"), ("Özlem", "Öztürk"), ("Anna", "Nowak"), ("Emre", "Şahin")]:
        made = make_registration(meeting_today, first_name=first, last_name=last, organisation_name="KoBE Fürth")
        if last == "Öztürk":
            with app.app_context():
                db.session.add(WorkshopChoice(registration_id=made.id, session_id=wohnen_id))
                db.session.commit()
    make_registration(meeting_today, status="cancelled", last_name="Abgesagt")
    make_registration(meeting_today, status="waitlisted", last_name="Wartend", waitlist_position=1)

    response = client.get(f"/checkin/{meeting_today.id}/door-list")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 Personen mit Platz, von A bis Z." in page
    letters = re.findall(r'<h2 class="door-letter"[^>]*>([^<]+)</h2>', page)
    assert letters == ["N", "O", "S"]
    names = re.findall(r"<td>([^<,]+, [^<]+)</td>\s*<td>KoBE", page)
    assert names == ["Nowak, Anna", "Öztürk, Özlem", "Şahin, Emre", "Schäfer, Jonas"]  # Ş as S, ä as a
    assert re.search(r"Öztürk, Özlem</td>\s*<td>KoBE Fürth</td>\s*<td>Wohnen</td>", page)
    assert "Abgesagt" not in page and "Wartend" not in page
    scanner = client.get(f"/checkin/{meeting_today.id}/").get_data(as_text=True)
    assert f'href="/checkin/{meeting_today.id}/door-list"' in scanner


def test_the_overview_updates_itself_and_can_be_stopped(app, client, login, account, meeting_today):
    login(account("organiser"))
    page = client.get(f"/checkin/{meeting_today.id}/dashboard").get_data(as_text=True)
    assert "/static/js/live.js" in page
    assert re.search(r'data-live-interval="20" hidden>\s*<label><input type="checkbox" checked> Automatisch', page)
    assert {"live-stamp", "live-day-counts", "live-arrivals"} <= set(re.findall(r'id="([\w-]+)" data-live-part', page))


def test_a_posted_code_lands_on_the_answer(app, client, door, meeting_today):
    page = client.get(f"/checkin/{meeting_today.id}/").get_data(as_text=True)
    assert f'action="/checkin/{meeting_today.id}/scan#scan-result"' in page
    # the code field comes before the camera, right below the answer
    assert page.index('id="scan-result"') < page.index('id="scan-form"') < page.index('id="camera"')
