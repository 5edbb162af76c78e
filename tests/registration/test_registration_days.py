"""Multi-day events booked per day: the organiser allows it, each day has its own capacity, and no day is ever
overbooked, also under concurrent requests (the database holds one place row per place)."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from events.core.timezone import days_between
from events.extensions import db
from events.registration.day_models import EventDay, RegistrationDay
from events.registration.models import Registration
from tests.conftest import mail_text, sent_mails
from tests.registering import register_through_form
from tests.registration.test_registration import form_data

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _per_day(client, login, make_user, event, *capacities):
    """The organiser makes the event's days bookable one by one with these capacities ("" for no limit)."""
    login(make_user("organiser"))
    fields = {"per_day": "y"}
    for day, capacity in zip(days_between(event.starts_at, event.ends_at), capacities, strict=True):
        fields[f"capacity_{day:%Y%m%d}"] = str(capacity)
    response = client.post(f"/registration/manage/{event.id}/days", data=fields, follow_redirects=True)
    assert "Die Tage sind gespeichert." in response.text
    with client.session_transaction() as session:  # on as a visitor
        session.clear()


def _day_ids(app, event) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(EventDay.id).filter_by(event_id=event.id).order_by(EventDay.day)))


def _days_of(app, email) -> list[tuple[int, int | None]]:
    with app.app_context():
        registration = db.session.scalars(select(Registration).filter_by(email_normalized=email)).one()
        return [(c.event_day_id, c.place) for c in registration.day_choices]


def _waiting_of(app, email) -> list[tuple[int, int | None, int | None]]:
    with app.app_context():
        registration = db.session.scalars(select(Registration).filter_by(email_normalized=email)).one()
        return [(c.event_day_id, c.place, c.waiting_position) for c in registration.day_choices]


def test_a_registrant_books_one_day_and_waits_for_a_full_one(client, app, login, make_user, make_event):
    event = make_event(capacity=None)  # two days
    _per_day(client, login, make_user, event, 1, "")
    first_day, second_day = _day_ids(app, event)

    page = client.get(f"/registration/{event.slug}").text
    assert "An welchen Tagen nehmen Sie teil?" in page

    client.post(f"/registration/{event.slug}", data=form_data(email="tag1@example.org", days=[str(first_day)]))
    assert _days_of(app, "tag1@example.org") == [(first_day, 1)]  # the only place of day one
    client.post(f"/registration/{event.slug}", data=form_data(email="tag2@example.org", days=[str(second_day)]))
    assert _days_of(app, "tag2@example.org") == [(second_day, None)]  # day two has no limit of its own

    assert "ausgebucht, Warteliste" in client.get(f"/registration/{event.slug}").text
    personal = register_through_form(
        client,
        f"/registration/{event.slug}",
        form_data(email="beide@example.org", days=[str(first_day), str(second_day)]),
    )
    # day two is booked; for the full day one the person is first on that day's waiting list
    assert _waiting_of(app, "beide@example.org") == [(first_day, None, 1), (second_day, None, None)]
    assert "Warteliste, Platz 1" in client.get(personal).text
    mail = mail_text(sent_mails(app)[-1])
    assert "Ihre Tage:" in mail and "(Warteliste, Platz 1)" in mail
    no_day = client.post(f"/registration/{event.slug}", data=form_data(email="keiner@example.org"))
    assert no_day.status_code == 400 and "Bitte wählen Sie mindestens einen Tag." in no_day.text


def test_a_cancellation_gives_the_day_to_the_first_waiting_for_it_with_a_mail(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=None)
    _per_day(client, login, make_user, event, 1, 1)
    first_day, second_day = _day_ids(app, event)
    personal = {}
    for email, days in (
        ("erste@example.org", [first_day]),
        ("zweite@example.org", [first_day, second_day]),
        ("dritte@example.org", [first_day]),
    ):
        personal[email] = register_through_form(
            client, f"/registration/{event.slug}", form_data(email=email, days=[str(d) for d in days])
        )
    assert _waiting_of(app, "zweite@example.org") == [(first_day, None, 1), (second_day, 1, None)]
    assert _waiting_of(app, "dritte@example.org") == [(first_day, None, 2)]
    client.post(personal["erste@example.org"] + "/cancel")

    assert _waiting_of(app, "zweite@example.org") == [(first_day, 1, None), (second_day, 1, None)]
    assert _waiting_of(app, "dritte@example.org") == [(first_day, None, 1)]  # moved up the day's list
    [mail] = [m for m in sent_mails(app) if m["To"] == "zweite@example.org" and "Platz frei am" in m["Subject"]]
    assert "Sie sind jetzt auch für diesen Tag angemeldet." in mail_text(mail)
    files = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    assert "einladung.ics" in files


def test_the_door_does_not_admit_on_a_day_still_waited_for(client, app, login, make_user, make_event):
    from events.checkin.scanning import ScanResult, check_in_registration
    from events.meetings.models import Event

    event = make_event(capacity=None)
    _per_day(client, login, make_user, event, 1, "")
    first_day, _second_day = _day_ids(app, event)
    for email in ("erste@example.org", "wartet@example.org"):
        client.post(f"/registration/{event.slug}", data=form_data(email=email, days=[str(first_day)]))
    with app.test_request_context():
        waiting = db.session.scalars(select(Registration).filter_by(email_normalized="wartet@example.org")).one()
        scan = check_in_registration(
            db.session.get(Event, event.id), waiting, now=event.starts_at + timedelta(minutes=30)
        )
    assert scan.result == ScanResult.NOT_BOOKED_DAY


def test_the_database_refuses_a_place_beyond_the_capacity_and_a_place_twice(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=None)
    _per_day(client, login, make_user, event, 1, "")
    first_day, _second = _day_ids(app, event)
    one, two = make_registration(event), make_registration(event)
    for rows in (
        [RegistrationDay(registration_id=one.id, event_day_id=first_day, place=2)],  # day one has one place
        [
            RegistrationDay(registration_id=one.id, event_day_id=first_day, place=1),
            RegistrationDay(registration_id=two.id, event_day_id=first_day, place=1),
        ],
    ):
        with app.app_context():
            db.session.add_all(rows)
            with pytest.raises(IntegrityError):
                db.session.commit()
            db.session.rollback()


def test_twenty_concurrent_registrations_for_a_day_with_five_places(
    app, client, login, make_user, gunicorn_server, make_event
):
    event = make_event(capacity=None)
    _per_day(client, login, make_user, event, 5, "")
    first_day, _second = _day_ids(app, event)
    url = f"{gunicorn_server}/registration/{event.slug}"
    clients = 20
    barrier = Barrier(clients)

    def register(n: int) -> int:
        with requests.Session() as session:
            token = CSRF.search(session.get(url, timeout=30).text).group(1)
            barrier.wait(timeout=60)
            fields = form_data(email=f"person{n}@example.org", csrf_token=token, days=str(first_day))
            return session.post(url, data=fields, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=clients) as pool:
        statuses = list(pool.map(register, range(clients)))

    assert statuses == [302] * 20  # five places, the others on the day's waiting list
    with app.app_context():
        db.session.remove()
        rows = db.session.execute(
            select(RegistrationDay.place, RegistrationDay.waiting_position).filter_by(event_day_id=first_day)
        ).all()
    assert sorted(place for place, _waiting in rows if place is not None) == [1, 2, 3, 4, 5]
    assert sorted(waiting for _place, waiting in rows if waiting is not None) == list(range(1, 16))


def test_the_invite_holds_the_booked_day_and_the_workshops_are_entries_of_their_own(
    client, app, login, make_user, make_event
):
    import icalendar

    from events.meetings.models import EventSession
    from events.registration.tokens import feed_token_for
    from tests.conftest import sent_mails

    event = make_event(capacity=None)  # two days, 08:00 to 17:00 (Berlin) on each
    with app.app_context():
        workshop = EventSession(
            event_id=event.id,
            kind="workshop",
            title="Wohnen",
            room="Raum 2",
            starts_at=event.starts_at + timedelta(days=1, hours=2),
            ends_at=event.starts_at + timedelta(days=1, hours=3),
        )
        db.session.add(workshop)
        db.session.commit()
        workshop_id = workshop.id
    _per_day(client, login, make_user, event, "", "")
    _first, second_day = _day_ids(app, event)

    client.post(
        f"/registration/{event.slug}",
        data=form_data(email="tag2@example.org", days=[str(second_day)], workshop_slot_1=str(workshop_id)),
    )

    [mail] = sent_mails(app)
    files = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    invite = icalendar.Calendar.from_ical(files["einladung.ics"])
    [entry] = invite.walk("VEVENT")
    assert entry.decoded("DTSTART").date() == (event.starts_at + timedelta(days=1)).date()  # day two only
    workshops = icalendar.Calendar.from_ical(files["workshops.ics"])
    assert [str(e["SUMMARY"]) for e in workshops.walk("VEVENT")] == ["Workshop: Wohnen"]
    with app.app_context():
        registration = db.session.scalars(select(Registration).filter_by(email_normalized="tag2@example.org")).one()
        token = feed_token_for(registration.id, app.config["SECRET_KEY"], registration.link_version or 0)
    feed = icalendar.Calendar.from_ical(client.get(f"/calendar/personal/{token}.ics").data)
    summaries = sorted(str(e["SUMMARY"]) for e in feed.walk("VEVENT"))
    assert summaries == sorted([event.title, "Workshop: Wohnen"])


def test_the_door_admits_a_person_only_on_a_day_they_booked(client, app, login, make_user, make_event):
    from events.checkin.scanning import ScanResult, check_in_registration
    from events.meetings.models import Event

    event = make_event(capacity=None)
    _per_day(client, login, make_user, event, "", "")
    _first, second_day = _day_ids(app, event)
    client.post(f"/registration/{event.slug}", data=form_data(email="tag2@example.org", days=[str(second_day)]))
    with app.test_request_context():
        registration = db.session.scalars(select(Registration).filter_by(email_normalized="tag2@example.org")).one()
        first_morning = check_in_registration(
            db.session.get(Event, event.id), registration, now=event.starts_at + timedelta(minutes=30)
        )
        second_morning = check_in_registration(
            db.session.get(Event, event.id), registration, now=event.starts_at + timedelta(days=1, minutes=30)
        )
    assert first_morning.result == ScanResult.NOT_BOOKED_DAY
    assert second_morning.result == ScanResult.WELCOME
