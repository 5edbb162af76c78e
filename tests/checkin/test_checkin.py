"""Check-in at the door: tickets, the scanner page, days, undo, the log, devices and the API, dashboard, PDFs."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from events.checkin.devices import ScanningDevice, create_device
from events.checkin.figures import counts_per_day
from events.checkin.models import CheckIn, Device
from events.checkin.scanning import scan_ticket
from events.checkin.scopes import berlin_time, event_days
from events.core.models import AuditEntry, District, User
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventSession, EventStaff
from events.registration.models import Registration, WorkshopChoice
from events.registration.tickets import make_ticket_token, ticket_token_for
from tests.registering import register_through_form


@pytest.fixture
def today_event(make_event):
    """A two-day meeting that started an hour ago."""

    def make(**fields):
        start = utcnow() - timedelta(hours=1)
        return make_event(starts_at=start, ends_at=start + timedelta(days=1, hours=9), **fields)

    return make


@pytest.fixture
def staff(app, make_user):
    """A check-in user assigned to the event."""

    def make(event, email=None):
        user = make_user("checkin", email=email)
        with app.app_context():
            db.session.add(EventStaff(event_id=event.id, user_id=user.id))
            db.session.commit()
        return user

    return make


def token_of(app, registration) -> str:
    with app.app_context():
        return ticket_token_for(db.session.get(Registration, registration.id))


def scan(client, event, code, door="Tür 2", **extra):
    response = client.post(
        f"/checkin/{event.id}/scan",
        json={"code": code, "device_name": door, **extra},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def checkins(app, **filters) -> list[CheckIn]:
    with app.app_context():
        rows = db.session.scalars(select(CheckIn).filter_by(**filters).order_by(CheckIn.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


# --- tickets ----------------------------------------------------------------------------------------------------


def test_a_ticket_code_is_short_enough_for_a_phone_screen(app, today_event, make_registration):
    event = today_event()
    registration = make_registration(event)
    code = token_of(app, registration)
    assert len(code) <= 60
    assert code.startswith(f"{event.id}-{registration.id}-1-")


def test_the_door_welcomes_a_confirmed_participant_with_name_organisation_and_workshops(
    app, client, login, today_event, make_registration, staff
):
    event = today_event()
    with app.app_context():
        workshop = EventSession(
            event_id=event.id,
            kind="workshop",
            title="Wohnen und Nachbarschaft",
            starts_at=event.starts_at + timedelta(hours=2),
            ends_at=event.starts_at + timedelta(hours=3),
        )
        db.session.add(workshop)
        db.session.commit()
        workshop_id = workshop.id
    with app.app_context():
        munich = db.session.scalars(select(District).filter_by(key="09162")).one()
        district_id, district_label = munich.id, munich.label
    registration = make_registration(
        event, first_name="Ayşe", last_name="Yılmaz", organisation_name="KoBE Passau", district_id=district_id
    )
    with app.app_context():
        db.session.add(WorkshopChoice(registration_id=registration.id, session_id=workshop_id))
        db.session.commit()
    login(staff(event))

    answer = scan(client, event, token_of(app, registration))

    assert answer["result"] == "welcome"
    assert answer["headline"] == "Willkommen, Ayşe Yılmaz!"
    assert answer["person"]["organisation"] == "KoBE Passau"
    assert answer["person"]["district"] == district_label == "München (Stadt)"
    assert answer["person"]["workshops"] == ["Wohnen und Nachbarschaft"]
    [row] = checkins(app)
    assert row.result == "welcome" and row.registration_id == registration.id and row.device_name == "Tür 2"


def test_a_second_scan_the_same_day_says_already_checked_in_with_time_and_door(
    app, client, login, today_event, make_registration, staff
):
    event = today_event()
    registration = make_registration(event)
    login(staff(event))
    code = token_of(app, registration)
    scan(client, event, code, door="Tür 1")

    answer = scan(client, event, code, door="Tür 2")

    assert answer["result"] == "already"
    first = checkins(app)[0]
    local = berlin_time(first.scanned_at).strftime("%H:%M")
    assert answer["headline"] == f"Heute schon eingecheckt um {local} (Tür 1)"
    assert [row.result for row in checkins(app)] == ["welcome", "already"]


def test_a_forged_or_altered_code_is_refused_without_looking_up_the_registration(
    app, client, login, today_event, make_registration, staff
):
    event = today_event()
    registration = make_registration(event)
    login(staff(event))
    genuine = token_of(app, registration)
    altered = genuine.replace(f"-{registration.id}-", f"-{registration.id + 1}-", 1)
    forged = make_ticket_token(event.id, "a" * 64, registration.id, 1)
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    answers = [scan(client, event, code) for code in (altered, forged, "hallo")]
    assert [a["result"] for a in answers] == ["invalid"] * 3
    assert all(a["headline"] == "Nicht gültig" for a in answers)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", remember)
    try:
        scan(client, event, forged)
    finally:
        sa_event.remove(engine, "before_cursor_execute", remember)
    assert not [s for s in statements if "FROM registrations" in s]
    assert any("INSERT INTO checkins" in s for s in statements)  # the bad scan is recorded


def test_an_empty_code_is_a_clear_400(app, client, login, today_event, staff):
    event = today_event()
    login(staff(event))
    response = client.post(f"/checkin/{event.id}/scan", json={"code": ""}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "Ticket-Code" in response.get_json()["message"]


def test_other_event_cancelled_and_not_today_are_refused(
    app, client, login, today_event, make_event, make_registration, staff
):
    event = today_event()
    other = today_event()
    future = make_event()  # in 30 days
    login(staff(event))
    cancelled = make_registration(event, status="cancelled")
    foreign = make_registration(other)

    assert scan(client, event, token_of(app, cancelled))["result"] == "cancelled"
    answer = scan(client, event, token_of(app, foreign))
    assert answer["result"] == "other_event" and answer["headline"] == "Andere Veranstaltung"

    with app.app_context():
        db.session.add(EventStaff(event_id=future.id, user_id=checkins(app)[0].user_id))
        db.session.commit()
    later = make_registration(future)
    answer = scan(client, future, token_of(app, later))
    assert answer["result"] == "not_today" and answer["headline"] == "Nicht heute"
    assert [row.result for row in checkins(app)] == ["cancelled", "other_event", "not_today"]


def test_reissuing_a_ticket_invalidates_the_old_code(
    app, client, login, today_event, make_registration, staff, make_user
):
    event = today_event()
    registration = make_registration(event)
    old_code = token_of(app, registration)
    organiser = make_user("organiser")
    login(organiser)
    entry = client.get(f"/registration/manage/entry/{registration.id}").get_data(as_text=True)
    assert "Ticket neu ausstellen" in entry
    form = re.search(r'<form method="post" action="([^"]+/reissue)".*?name="next" value="([^"]+)"', entry)
    response = client.post(form.group(1), data={"next": form.group(2)})
    assert response.headers["Location"] == f"/registration/manage/entry/{registration.id}"  # back to the person
    assert "der alte Code gilt nicht mehr" in client.get(response.headers["Location"]).get_data(as_text=True)
    new_code = token_of(app, registration)
    assert new_code != old_code

    old = scan(client, event, old_code)
    assert (old["result"], old["headline"], old["person"]) == ("replaced", "Ersetztes Ticket", None)
    assert "Bitte lassen Sie sich den neuen Code zeigen" in old["explanation"]
    assert scan(client, event, new_code)["result"] == "welcome"
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "ticket.reissued"))


# --- who may scan -----------------------------------------------------------------------------------------------


def test_only_assigned_staff_and_organisers_reach_the_scanner(app, client, login, today_event, staff, make_user):
    event = today_event()
    other_event = today_event()
    assert client.get(f"/checkin/{event.id}/").status_code == 302  # to the login page

    login(staff(other_event))
    assert client.get(f"/checkin/{event.id}/").status_code == 403
    assert client.post(f"/checkin/{event.id}/scan", json={"code": "x"}).status_code == 403
    assert client.get("/checkin/99999/").status_code == 404

    login(staff(event))
    page = client.get(f"/checkin/{event.id}/")
    assert page.status_code == 200
    assert "Einlass" in page.get_data(as_text=True)
    assert client.get(f"/checkin/{event.id}/log").status_code == 403  # the log is for organisers

    login(make_user("jury"))
    assert client.get(f"/checkin/{event.id}/").status_code == 403
    login(make_user("organiser"))
    assert client.get(f"/checkin/{event.id}/").status_code == 200


def test_staff_see_their_events_in_the_navigation(app, client, login, today_event, staff):
    event = today_event()
    login(staff(event))
    page = client.get("/checkin/").get_data(as_text=True)
    assert 'href="/checkin/"' in page  # navigation entry
    assert event.title in page


def test_only_the_scanner_page_allows_webassembly(app, client, login, today_event, staff):
    event = today_event()
    login(staff(event))
    scanner = client.get(f"/checkin/{event.id}/")
    assert "'wasm-unsafe-eval'" in scanner.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in scanner.headers["Content-Security-Policy"]
    page = scanner.get_data(as_text=True)
    assert "<script>" not in page and "onclick" not in page
    assert 'src="/static/vendor/zxing-wasm/zxing-reader.js"' in page
    assert "wasm-unsafe-eval" not in client.get("/checkin/").headers["Content-Security-Policy"]


# --- without JavaScript, search, days, undo ----------------------------------------------------------------------


def test_a_typed_code_without_javascript_shows_the_answer_on_the_page(
    app, client, login, today_event, make_registration, staff
):
    event = today_event()
    registration = make_registration(event, first_name="Jonas", last_name="Weber")
    login(staff(event))
    response = client.post(
        f"/checkin/{event.id}/scan", data={"code": token_of(app, registration), "device_name": "Tür 3"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Willkommen, Jonas Weber!" in page
    assert 'class="scan-result tone-ok"' in page
    assert "Heute eingecheckt: 1 von 1" in page


def test_search_by_name_or_organisation_and_check_in_without_a_code(
    app, client, login, today_event, make_registration, staff
):
    event = today_event()
    make_registration(event, first_name="Mehmet", last_name="Öztürk", organisation_name="Caritas Landshut")
    make_registration(event, first_name="Lena", last_name="Huber", organisation_name="Freiwilligen-Zentrum Augsburg")
    login(staff(event))

    page = client.get(f"/checkin/{event.id}/?q=c").get_data(as_text=True)
    assert "mindestens zwei Buchstaben" in page
    page = client.get(f"/checkin/{event.id}/?q=carit").get_data(as_text=True)
    assert "Mehmet Öztürk" in page and "Lena Huber" not in page
    page = client.get(f"/checkin/{event.id}/?q=lena h").get_data(as_text=True)
    assert "Lena Huber" in page and "Mehmet Öztürk" not in page

    with app.app_context():
        lena_id = db.session.scalar(select(Registration.id).where(Registration.first_name == "Lena"))
    response = client.post(f"/checkin/{event.id}/registrations/{lena_id}/checkin", data={"device_name": "Tür 1"})
    assert "Willkommen, Lena Huber!" in response.get_data(as_text=True)
    page = client.get(f"/checkin/{event.id}/?q=huber").get_data(as_text=True)
    assert "Eingecheckt um" in page
    assert client.post(f"/checkin/{event.id}/registrations/99999/checkin").status_code == 404


def test_multi_day_events_admit_once_per_day_and_count_per_day(app, today_event, make_registration, make_user):
    event = today_event()
    first, second = make_registration(event), make_registration(event)
    organiser = make_user("organiser")
    with app.test_request_context():
        the_event = db.session.get(Event, event.id)
        user = db.session.get(User, organiser.id)
        day_one = the_event.starts_at + timedelta(minutes=30)
        day_two = day_one + timedelta(days=1)
        code_first = ticket_token_for(db.session.get(Registration, first.id))
        code_second = ticket_token_for(db.session.get(Registration, second.id))
        assert len(event_days(the_event)) == 2
        assert scan_ticket(the_event, code_first, user=user, now=day_one).result == "welcome"
        assert scan_ticket(the_event, code_first, user=user, now=day_one).result == "already"
        assert scan_ticket(the_event, code_first, user=user, now=day_two).result == "welcome"
        assert scan_ticket(the_event, code_second, user=user, now=day_two).result == "welcome"
        after = the_event.ends_at + timedelta(days=1)
        assert scan_ticket(the_event, code_second, user=user, now=after).result == "not_today"
        counts = [(row["checked_in"], row["expected"]) for row in counts_per_day(the_event)]
        assert counts == [(1, 2), (2, 2)]


def test_a_session_can_have_its_own_check_in(app, client, login, today_event, make_registration, staff):
    event = today_event()
    with app.app_context():
        talk = EventSession(
            event_id=event.id,
            kind="workshop",
            title="Ehrenamt gewinnen",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
        )
        db.session.add(talk)
        db.session.commit()
        scope = f"session:{talk.id}"
        talk_id = talk.id
    registration = make_registration(event)
    with app.app_context():
        db.session.add(WorkshopChoice(registration_id=registration.id, session_id=talk_id))
        db.session.commit()
    login(staff(event))
    code = token_of(app, registration)
    assert scan(client, event, code)["result"] == "welcome"
    assert scan(client, event, code, scope=scope)["result"] == "welcome"
    assert scan(client, event, code, scope=scope)["result"] == "already"
    assert scan(client, event, code, scope="session:999999")["result"] == "already"  # unknown scope: the day
    assert "Ehrenamt gewinnen" in client.get(f"/checkin/{event.id}/").get_data(as_text=True)


def test_a_workshop_admits_only_people_who_chose_it_and_talks_admit_everyone(
    app, client, login, today_event, make_registration, staff, make_user
):
    event = today_event()
    with app.app_context():
        sessions = [
            EventSession(event_id=event.id, kind=kind, title=title, starts_at=event.starts_at, ends_at=event.ends_at)
            for kind, title in (("workshop", "Ehrenamt gewinnen"), ("workshop", "Sprachcafé"), ("talk", "Grußwort"))
        ]
        db.session.add_all(sessions)
        db.session.commit()
        chosen, other, talk = (f"session:{session.id}" for session in sessions)
        chosen_id = sessions[0].id
    registration = make_registration(event)
    with app.app_context():
        db.session.add(WorkshopChoice(registration_id=registration.id, session_id=chosen_id))
        db.session.commit()
    login(staff(event))
    code = token_of(app, registration)

    refused = scan(client, event, code, scope=other)
    assert refused["result"] == "not_chosen" and refused["tone"] == "warn" and not refused["ok"]
    assert refused["headline"] == "Nicht für diesen Workshop angemeldet"
    assert refused["person"]["workshops"] == ["Ehrenamt gewinnen"]  # the door can send them to their workshop
    assert scan(client, event, code, scope=other)["result"] == "not_chosen"  # still not admitted
    assert scan(client, event, code, scope=chosen)["result"] == "welcome"
    assert scan(client, event, code, scope=talk)["result"] == "welcome"
    assert [row.result for row in checkins(app)] == ["not_chosen", "not_chosen", "welcome", "welcome"]
    login(make_user("organiser"))
    page = client.get(f"/checkin/{event.id}/log").get_data(as_text=True)
    assert "Workshop nicht gewählt" in page


def test_a_json_scan_from_the_scanner_page_brings_the_new_count_of_the_day(
    app, client, login, today_event, make_registration, staff
):
    event = today_event()
    first, second = make_registration(event), make_registration(event)
    login(staff(event))
    assert "Heute eingecheckt: 0 von 2" in client.get(f"/checkin/{event.id}/").get_data(as_text=True)

    assert scan(client, event, token_of(app, first))["counts"] == "Heute eingecheckt: 1 von 2"
    assert "counts" not in scan(client, event, token_of(app, first))  # "already": the count stays as it is
    assert scan(client, event, token_of(app, second))["counts"] == "Heute eingecheckt: 2 von 2"


def test_staff_can_undo_their_own_check_in_within_ten_minutes(
    app, client, login, today_event, make_registration, staff, make_user
):
    event = today_event()
    registration = make_registration(event)
    code = token_of(app, registration)
    door_one = staff(event)
    login(door_one)
    checkin_id = scan(client, event, code)["checkin_id"]

    other = make_user("checkin")
    with app.app_context():
        db.session.add(EventStaff(event_id=event.id, user_id=other.id))
        db.session.commit()
    login(other)
    response = client.post(f"/checkin/{event.id}/checkins/{checkin_id}/undo", follow_redirects=True)
    assert "innerhalb von 10 Minuten" in response.get_data(as_text=True)
    assert checkins(app, id=checkin_id)[0].undone_at is None

    login(door_one)

    response = client.post(f"/checkin/{event.id}/checkins/{checkin_id}/undo", follow_redirects=True)
    assert "ist zurückgenommen" in response.get_data(as_text=True)
    assert checkins(app, id=checkin_id)[0].undone_at is not None
    assert scan(client, event, code)["result"] == "welcome"  # the person can be admitted again
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "checkin.undone")) == 1


def test_after_ten_minutes_only_an_organiser_can_undo(
    app, client, login, today_event, make_registration, staff, make_user
):
    event = today_event()
    registration = make_registration(event)
    login(staff(event))
    checkin_id = scan(client, event, token_of(app, registration))["checkin_id"]
    with app.app_context():
        row = db.session.get(CheckIn, checkin_id)
        row.scanned_at = utcnow() - timedelta(minutes=11)
        db.session.commit()
    response = client.post(f"/checkin/{event.id}/checkins/{checkin_id}/undo", headers={"Accept": "application/json"})
    assert response.status_code == 409
    login(make_user("organiser"))
    response = client.post(f"/checkin/{event.id}/checkins/{checkin_id}/undo", data={"back": "log"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/checkin/{event.id}/log")
    assert checkins(app, id=checkin_id)[0].undone_at is not None


def test_organisers_see_every_scan_in_the_log(app, client, login, today_event, make_registration, staff, make_user):
    event = today_event()
    registration = make_registration(event, first_name="Sofia", last_name="Rossi")
    door = staff(event, email="tuer@example.org")
    login(door)
    scan(client, event, token_of(app, registration), door="Tür Nord")
    scan(client, event, "gefälscht", door="Tür Süd")
    login(make_user("organiser"))
    page = client.get(f"/checkin/{event.id}/log").get_data(as_text=True)
    assert "Sofia Rossi" in page and "Tür Nord" in page and "Tür Süd" in page
    assert "Willkommen" in page and "Nicht gültig" in page
    assert door.display_name in page
    filtered = client.get(f"/checkin/{event.id}/log?result=invalid").get_data(as_text=True)
    assert "Tür Süd" in filtered and "Tür Nord" not in filtered


def test_a_welcome_on_the_scanner_page_can_be_taken_back_from_the_answer(
    app, client, login, today_event, make_registration, staff
):
    event = today_event()
    registration = make_registration(event, first_name="Sofia", last_name="Rossi")
    login(staff(event))
    page = client.post(f"/checkin/{event.id}/scan", data={"code": token_of(app, registration)}).get_data(as_text=True)
    (row,) = checkins(app, registration_id=registration.id)
    answer = page.split('id="scan-result"', 1)[1].split("</section>", 1)[0]
    assert "Willkommen, Sofia Rossi!" in answer
    assert f'action="/checkin/{event.id}/checkins/{row.id}/undo"' in answer

    undone = client.post(f"/checkin/{event.id}/checkins/{row.id}/undo", follow_redirects=True)

    assert "Der Check-in von Sofia Rossi ist zurückgenommen." in undone.get_data(as_text=True)


def test_the_log_names_the_session_a_scan_was_for(app, client, login, today_event, make_registration, make_user):
    event = today_event()
    with app.app_context():
        workshop = EventSession(
            event_id=event.id,
            kind="talk",
            title="Grußwort des Staatsministers",
            starts_at=event.starts_at,
            ends_at=event.starts_at + timedelta(hours=1),
        )
        db.session.add(workshop)
        db.session.commit()
        scope = f"session:{workshop.id}"
    registration = make_registration(event, first_name="Sofia", last_name="Rossi")
    login(make_user("organiser"))
    scan(client, event, token_of(app, registration), scope=scope)

    page = client.get(f"/checkin/{event.id}/log").get_data(as_text=True)

    assert "Grußwort des Staatsministers" in page and scope not in page
    assert 'Rückgängig<span class="visually-hidden">: Sofia Rossi</span>' in page


# --- devices and the API ----------------------------------------------------------------------------------------


@pytest.fixture
def device_token(app, client, login, make_user):
    """Create a device through the organisers' page; returns its token (shown once)."""

    def make(event, name="Tablet Eingang Nord"):
        login(make_user("organiser"))
        response = client.post(f"/checkin/{event.id}/devices", data={"name": name})
        page = response.get_data(as_text=True)
        assert "nur dieses eine Mal angezeigt" in page
        token = re.search(r'<code class="device-token">([^<]+)</code>', page).group(1)
        client.post("/accounts/logout")
        return token

    return make


def api(client, method, path, token, **kwargs):
    return client.open(path, method=method, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def test_devices_get_a_token_shown_once_and_stored_hashed(app, client, login, today_event, device_token, make_user):
    event = today_event()
    token = device_token(event)
    with app.app_context():
        device = db.session.scalars(select(Device)).one()
        assert device.token_hash != token and len(device.token_hash) == 64
    login(make_user("organiser"))
    page = client.get(f"/checkin/{event.id}/devices").get_data(as_text=True)
    assert "Tablet Eingang Nord" in page and token not in page


def test_the_api_checks_in_with_a_scanned_token_and_is_idempotent_with_a_nonce(
    app, client, today_event, make_registration, device_token
):
    event = today_event()
    registration = make_registration(event, first_name="Olga", last_name="Schmidt")
    token = device_token(event)
    code = token_of(app, registration)

    first = api(client, "POST", "/checkin/api/v1/scans", token, json={"token": code, "nonce": "n-1"})
    assert first.status_code == 200
    assert first.get_json()["result"] == "welcome" and first.get_json()["person"]["name"] == "Olga Schmidt"
    retry = api(client, "POST", "/checkin/api/v1/scans", token, json={"token": code, "nonce": "n-1"})
    assert retry.get_json()["result"] == "welcome" and retry.get_json()["replayed"] is True
    assert retry.get_json()["checkin_id"] == first.get_json()["checkin_id"]
    again = api(client, "POST", "/checkin/api/v1/scans", token, json={"token": code, "nonce": "n-2"})
    assert again.get_json()["result"] == "already"
    assert again.get_json()["earlier_where"] == "Tablet Eingang Nord"
    assert api(client, "POST", "/checkin/api/v1/scans", token, json={"token": code, "nonce": "n-2"}).get_json()[
        "replayed"
    ]
    invalid = api(client, "POST", "/checkin/api/v1/scans", token, json={"token": code[:-2] + "xx", "nonce": "n-3"})
    assert invalid.get_json()["result"] == "invalid"
    retry = api(client, "POST", "/checkin/api/v1/scans", token, json={"token": code[:-2] + "xx", "nonce": "n-3"})
    assert retry.get_json()["result"] == "invalid" and retry.get_json()["replayed"] is True
    rows = checkins(app)
    assert [row.result for row in rows] == ["welcome", "already", "invalid"]
    assert rows[0].device_name == "Tablet Eingang Nord"
    with app.app_context():
        assert db.session.scalars(select(Device)).one().last_seen_at is not None


def test_a_device_last_seen_time_is_written_at_most_once_a_minute(app, today_event, make_registration, make_user):
    event = today_event()
    people = [make_registration(event) for _ in range(3)]
    organiser = make_user("organiser")
    with app.test_request_context():
        the_event = db.session.get(Event, event.id)
        device, _token = create_device(the_event, "Tür 1", db.session.get(User, organiser.id))
        codes = [ticket_token_for(db.session.get(Registration, person.id)) for person in people]
        first = the_event.starts_at + timedelta(minutes=5)

        def scan_at(code, moment):
            row = db.session.get(Device, device.id)
            door = ScanningDevice(row.id, row.name, row.last_seen_at)
            assert scan_ticket(the_event, code, device=door, now=moment).result == "welcome"
            db.session.expire_all()
            return db.session.get(Device, device.id).last_seen_at

        assert scan_at(codes[0], first) == first
        assert scan_at(codes[1], first + timedelta(seconds=30)) == first
        assert scan_at(codes[2], first + timedelta(seconds=61)) == first + timedelta(seconds=61)


def test_the_api_checks_the_signature_before_reading_any_registration(
    app, client, today_event, make_registration, device_token
):
    event, other = today_event(), today_event()
    registration, foreign = make_registration(event), make_registration(other)
    token = device_token(event)
    code = token_of(app, registration)
    forged = f"{event.id}-{registration.id}-1-{'A' * 22}"
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", remember)
    try:
        for text in (forged, code[:-1] + ("B" if code[-1] != "B" else "C"), "hallo"):
            answer = api(client, "POST", "/checkin/api/v1/scans", token, json={"token": text}).get_json()
            assert answer["result"] == "invalid"
    finally:
        sa_event.remove(engine, "before_cursor_execute", remember)
    assert not [statement for statement in statements if "registrations" in statement]
    assert len([statement for statement in statements if "INSERT INTO checkins" in statement]) == 3

    answer = api(client, "POST", "/checkin/api/v1/scans", token, json={"token": token_of(app, foreign)}).get_json()
    assert answer["result"] == "other_event" and answer["person"] is None
    assert api(client, "POST", "/checkin/api/v1/scans", token, json={"token": code}).get_json()["result"] == "welcome"


def test_the_api_follows_a_changed_ticket_key(app, client, today_event, make_registration, device_token):
    """Each process keeps the ticket keys it has read; the key read with the device always has the last word."""
    event = today_event()
    first, second = make_registration(event), make_registration(event)
    token = device_token(event)
    old_code = token_of(app, first)

    def result_of(code):
        return api(client, "POST", "/checkin/api/v1/scans", token, json={"token": code}).get_json()["result"]

    assert result_of(old_code) == "welcome"
    with app.app_context():
        db.session.get(Event, event.id).ticket_key = "a-new-key-for-this-event"
        db.session.commit()
    assert result_of(old_code) == "invalid"
    assert result_of(token_of(app, second)) == "welcome"
    assert result_of(old_code) == "invalid"


def test_the_api_refuses_missing_and_revoked_tokens_and_bad_input_as_json(
    app, client, login, today_event, device_token, make_user
):
    event = today_event()
    token = device_token(event)
    response = client.post("/checkin/api/v1/scans", json={"token": "x"})
    assert response.status_code == 401 and response.get_json()["error"] == 401
    bad = api(client, "POST", "/checkin/api/v1/scans", token, data="kein json", content_type="text/plain")
    assert bad.status_code == 400 and "token" in bad.get_json()["message"]
    long_nonce = api(client, "POST", "/checkin/api/v1/scans", token, json={"token": "x", "nonce": "n" * 65})
    assert long_nonce.status_code == 400
    assert api(client, "GET", "/checkin/api/v1/nothing", token).get_json()["error"] == 404

    login(make_user("organiser"))
    with app.app_context():
        device_id = db.session.scalars(select(Device.id)).one()
    client.post(f"/checkin/{event.id}/devices/{device_id}/revoke")
    client.post("/accounts/logout")
    revoked = api(client, "POST", "/checkin/api/v1/scans", token, json={"token": "x"})
    assert revoked.status_code == 401
    assert checkins(app) == [] or all(row.device_id == device_id for row in checkins(app))


def test_the_api_searches_and_reports_status(app, client, today_event, make_registration, device_token):
    event = today_event()
    anna = make_registration(event, first_name="Anna", last_name="Berger", organisation_name="KoBE Regensburg")
    make_registration(event, first_name="Paul", last_name="Klein")
    token = device_token(event)
    assert api(client, "GET", "/checkin/api/v1/search?q=a", token).status_code == 400
    results = api(client, "GET", "/checkin/api/v1/search?q=regensb", token).get_json()["results"]
    assert [r["name"] for r in results] == ["Anna Berger"] and results[0]["checked_in_today"] is False

    manual = api(client, "POST", f"/checkin/api/v1/registrations/{anna.id}/checkin", token, json={"nonce": "m-1"})
    assert manual.get_json()["result"] == "welcome"
    status = api(client, "GET", "/checkin/api/v1/status", token).get_json()
    assert status["expected"] == 2 and status["days"][0]["checked_in"] == 1 and len(status["days"]) == 2
    person = api(client, "GET", f"/checkin/api/v1/status?registration_id={anna.id}", token).get_json()
    assert person["checked_in_days"] == [berlin_time(utcnow()).date().isoformat()]
    assert api(client, "GET", "/checkin/api/v1/status?registration_id=99999", token).status_code == 404


def test_the_app_serves_its_openapi_description(client):
    import yaml

    response = client.get("/checkin/api/openapi.yaml")
    assert response.status_code == 200
    spec = yaml.safe_load(response.get_data(as_text=True))
    assert spec["openapi"].startswith("3.")
    assert {"/scans", "/search", "/status"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["deviceToken"]["scheme"] == "bearer"


# --- dashboard, exports, PDFs -----------------------------------------------------------------------------------


def test_the_dashboard_shows_counts_arrivals_and_regions(
    app, client, login, today_event, make_registration, staff, make_user
):
    event = today_event()
    with app.app_context():
        landshut = db.session.scalars(select(District).filter_by(key="09261")).one()  # Niederbayern
        district_id = landshut.id
        region = landshut.region.name
    arriving = make_registration(event, district_id=district_id)
    make_registration(event, district_id=district_id)
    make_registration(event)
    login(staff(event))
    scan(client, event, token_of(app, arriving))
    login(make_user("organiser"))
    page = client.get(f"/checkin/{event.id}/dashboard").get_data(as_text=True)
    assert "1 / 3" in page
    assert "<svg" in page and "<rect" in page
    assert region in page
    assert "Die Liste erscheint nach dem Ende der Veranstaltung." in page
    assert client.get(f"/checkin/{event.id}/no-shows.csv").status_code == 409


def test_after_the_event_organisers_export_the_no_shows(app, client, login, make_event, make_registration, make_user):
    start = utcnow() - timedelta(days=3)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=8))
    came = make_registration(event, first_name="Karl", last_name="Da")
    make_registration(event, first_name="Greta", last_name="Fern", organisation_name="=HYPERLINK()")
    make_registration(event, first_name="Storno", last_name="Weg", status="cancelled")
    organiser = make_user("organiser")
    with app.test_request_context():
        the_event = db.session.get(Event, event.id)
        code = ticket_token_for(db.session.get(Registration, came.id))
        scan_ticket(the_event, code, user=db.session.get(User, organiser.id), now=start + timedelta(hours=1))
    login(organiser)
    page = client.get(f"/checkin/{event.id}/dashboard").get_data(as_text=True)
    assert "Greta Fern" in page and "Karl Da" not in page and "Storno Weg" not in page
    export = client.get(f"/checkin/{event.id}/no-shows.csv")
    text = export.get_data(as_text=True)
    assert export.mimetype == "text/csv"
    assert "Fern;Greta" in text and "'=HYPERLINK()" in text and "Karl" not in text


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_printable_ticket_shows_the_person_and_a_readable_qr_code(app, today_event, make_registration, tmp_path):
    import zxingcpp
    from PIL import Image

    from events.registration.tickets import render_ticket_pdf

    event = today_event()
    with app.app_context():
        district_id = db.session.scalars(select(District.id).filter_by(key="09162")).one()  # München
    registration = make_registration(
        event,
        first_name="Jürgen",
        last_name="Größer",
        organisation_name="Freiwilligenagentur Tatendrang",
        district_id=district_id,
    )
    with app.test_request_context():
        the_registration = db.session.get(Registration, registration.id)
        data = render_ticket_pdf(the_registration)
        code = ticket_token_for(the_registration)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "Jürgen Größer" in text and "Freiwilligenagentur Tatendrang" in text and "München" in text
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(tmp_path / "out.pdf"), str(tmp_path / "page")], check=True
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [barcode.text for barcode in found] == [code]


def test_a_cancelled_event_has_no_valid_ticket_for_the_organiser_either(
    client, app, login, make_user, make_event, make_registration
):
    """The participant's ticket PDF was refused once the event was called off, the organiser's was still printed;
    both follow holds_valid_ticket now, as the scanner does."""
    event = make_event()
    registration = make_registration(event, "confirmed")
    login(make_user("organiser"))
    url = f"/checkin/{event.id}/registrations/{registration.id}/ticket.pdf"
    assert client.get(url).data.startswith(b"%PDF")
    client.post(f"/meetings/manage/{event.id}/cancel", data={"reason": "Wegen Unwetters.", "confirm": "y"})
    assert client.get(url).status_code == 409


def test_the_ticket_of_an_english_registrant_is_english_with_english_dates(client, app, make_event, tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.registration.test_registration import form_data

    start = datetime(2027, 3, 17, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=7))
    personal = register_through_form(client, f"/registration/{event.slug}", form_data(language="en"))
    text = pdf_text(app.test_client().get(personal + "/ticket.pdf").data, tmp_path)
    assert "Please show this code at the entrance" in text
    assert "17/03/2027, 09:30" in text and "17.03.2027" not in text  # en-GB: day before month
    german = register_through_form(client, f"/registration/{event.slug}", form_data(email="de@example.org"))
    client.post("/language", data={"lang": "de"})
    assert "17.03.27, 09:30" in pdf_text(client.get(german + "/ticket.pdf").data, tmp_path)


def test_badges_for_many_people_come_in_one_document(
    app, client, login, today_event, make_registration, make_user, tmp_path
):
    event = today_event()
    for n in range(10):
        make_registration(event, first_name=f"Person{n}", last_name="Bayer")
    make_registration(event, first_name="Abgesagt", last_name="Nein", status="cancelled")
    login(make_user("organiser"))
    response = client.get(f"/checkin/{event.id}/badges.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert all(f"Person{n}" in text for n in range(10)) and "Abgesagt" not in text
    pages = subprocess.run(["pdfinfo", str(tmp_path / "out.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+2", pages)  # eight badges on a page


def test_pdf_rendering_refuses_outside_urls(app, today_event, make_registration):
    from events.documents.rendering import data_only_fetcher

    fetcher = data_only_fetcher()
    with pytest.raises(ValueError):
        fetcher("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher("http://example.org/x.png")
