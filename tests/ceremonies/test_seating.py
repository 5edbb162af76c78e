"""Seating: no seat is given twice (also when two organisers place at the same moment), a blocked seat is never
given, the suggestion, and the seat on the personal page and at the door."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from events.ceremonies.errors import CeremonyError
from events.ceremonies.models import Ceremony, Guest, GuestKind, SeatAssignment
from events.ceremonies.seating import place_guest, seat_labels
from events.ceremonies.suggestion import suggest_seating
from events.checkin.scanning import scan_ticket
from events.extensions import db
from events.registration.models import Registration
from events.registration.tickets import ticket_token_for
from tests.ceremonies.factories import hall, honoured


def _assignments(app, ceremony_id: int) -> list[tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(SeatAssignment.seat_id, SeatAssignment.guest_id).where(SeatAssignment.ceremony_id == ceremony_id)
        ).all()
        db.session.remove()
    return sorted(tuple(row) for row in rows)


def _hall(in_app, ceremony_id: int, *sizes: int) -> list[int]:
    return in_app(lambda: hall(db.session.get(Ceremony, ceremony_id), *sizes))


def test_a_seat_is_given_once_and_the_second_organiser_is_told(app, client, login, account, make_ceremony, in_app):
    ceremony_id, [(first, _t1), (second, _t2)] = make_ceremony(names=("Erika Muster", "Jonas Beispiel"))
    seat, *_ = _hall(in_app, ceremony_id, 4)
    login(account("organiser"))

    placed = client.post(f"/ceremonies/{ceremony_id}/seating/place", data={"guest_id": first, "seat_id": seat})
    refused = client.post(f"/ceremonies/{ceremony_id}/seating/place", data={"guest_id": second, "seat_id": seat})

    assert placed.status_code == 302
    assert refused.status_code == 409
    assert "Dieser Platz ist inzwischen vergeben." in refused.text
    assert _assignments(app, ceremony_id) == [(seat, first)]


def test_a_blocked_seat_cannot_be_given(app, client, login, account, make_ceremony, in_app):
    ceremony_id, [(guest, _token)] = make_ceremony()
    seat, *_ = _hall(in_app, ceremony_id, 2)
    login(account("organiser"))

    blocked = client.post(f"/ceremonies/{ceremony_id}/seating/seats", data={"block": seat})
    refused = client.post(f"/ceremonies/{ceremony_id}/seating/place", data={"guest_id": guest, "seat_id": seat})

    assert blocked.status_code == 302
    assert refused.status_code == 409
    assert "Dieser Platz ist gesperrt" in refused.text
    assert _assignments(app, ceremony_id) == []
    page = client.get(f"/ceremonies/{ceremony_id}/seating").text
    assert "entsperren" in page


def test_a_taken_seat_cannot_be_blocked(client, login, account, make_ceremony, in_app):
    ceremony_id, [(guest, _token)] = make_ceremony()
    seat, *_ = _hall(in_app, ceremony_id, 2)
    in_app(lambda: place_guest(db.session.get(Ceremony, ceremony_id), guest, seat))
    login(account("organiser"))

    refused = client.post(f"/ceremonies/{ceremony_id}/seating/seats", data={"block": seat})

    assert refused.status_code == 409
    assert "Ein vergebener Platz kann nicht gesperrt werden" in refused.text


def test_moving_a_guest_frees_their_old_seat(app, make_ceremony, in_app):
    ceremony_id, [(guest, _token)] = make_ceremony()
    one, two = _hall(in_app, ceremony_id, 2)

    in_app(lambda: place_guest(db.session.get(Ceremony, ceremony_id), guest, one))
    in_app(lambda: place_guest(db.session.get(Ceremony, ceremony_id), guest, two))

    assert _assignments(app, ceremony_id) == [(two, guest)]


def test_organisers_placing_guests_in_one_seat_at_the_same_moment_give_it_once(app, make_ceremony, in_app):
    names = [f"Gewinnerin {n}" for n in range(6)]
    ceremony_id, winners = make_ceremony(names=tuple(names))
    seat, *_ = _hall(in_app, ceremony_id, 2)
    barrier = threading.Barrier(len(winners))
    outcomes: list[str] = []

    def place(guest_id: int) -> None:
        with app.test_request_context():
            ceremony = db.session.get(Ceremony, ceremony_id)
            barrier.wait()
            try:
                place_guest(ceremony, guest_id, seat)
                outcomes.append("ok")
            except CeremonyError as error:
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=place, args=(guest_id,)) for guest_id, _token in winners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["ok"] + ["seat_taken"] * 5
    assert len(_assignments(app, ceremony_id)) == 1


def test_the_suggestion_seats_honoured_guests_in_front_and_winners_with_their_guests(
    app, client, make_ceremony, in_app
):
    ceremony_id, [(erika, token), (jonas, _t)] = make_ceremony(names=("Erika Muster", "Jonas Beispiel"), allowance=2)
    for last in ("Eins", "Zwei"):
        client.post(f"/ceremonies/me/{token}/guests", data={"first_name": "Gast", "last_name": last})

    def prepare():
        ceremony = db.session.get(Ceremony, ceremony_id)
        honoured(ceremony, "Bea", "Zweitrang", 2, "MdL")
        honoured(ceremony, "Anna", "Ministerin", 1, "Staatsministerin")
        honoured(ceremony, "Jan", "Juror", 5, "Jury", kind=GuestKind.JURY)
        honoured(ceremony, "Jule", "Jurorin", 6, "Jury", kind=GuestKind.JURY)
        hall(ceremony, 2, 3, 4, 4)
        return suggest_seating(ceremony)

    assert in_app(prepare) == 8

    def seats_by_name():
        ceremony = db.session.get(Ceremony, ceremony_id)
        guests = {g.id: g.full_name for g in db.session.scalars(select(Guest).where(Guest.ceremony_id == ceremony_id))}
        return {guests[guest_id]: (seat.section, seat.number) for guest_id, seat in seat_labels(ceremony).items()}

    seats = in_app(seats_by_name)
    assert seats["Anna Ministerin"] == ("Tisch 1", 1)
    assert seats["Bea Zweitrang"] == ("Tisch 1", 2)
    # Erika and her two guests together at the next table with room for three
    assert {seats[name][0] for name in ("Erika Muster", "Gast Eins", "Gast Zwei")} == {"Tisch 2"}
    assert seats["Jonas Beispiel"][0] == "Tisch 3"
    assert seats["Jan Juror"][0] == seats["Jule Jurorin"][0]


def test_the_seat_shows_on_the_personal_page_and_at_the_door(app, client, make_ceremony, in_app):
    ceremony_id, [(guest, token)] = make_ceremony()
    seat, *_ = _hall(in_app, ceremony_id, 3)
    in_app(lambda: place_guest(db.session.get(Ceremony, ceremony_id), guest, seat))

    assert "Ihr Platz bei der Feier: Tisch 1, 1" in client.get(f"/registration/me/{token}").text
    assert "Ihr Platz: Tisch 1, 1" in client.get(f"/ceremonies/me/{token}").text

    def scan():
        ceremony = db.session.get(Ceremony, ceremony_id)
        registration = db.session.scalar(
            select(Registration).where(Registration.invitation_id == db.session.get(Guest, guest).invitation_id)
        )
        outcome = scan_ticket(
            ceremony.event, ticket_token_for(registration), now=ceremony.event.starts_at + timedelta(minutes=5)
        )
        return outcome.result, outcome.person["details"]

    assert in_app(scan) == ("welcome", ["Platz: Tisch 1, 1"])


def test_the_seating_page_lists_guests_and_seats_for_keyboard_and_drag(client, login, account, make_ceremony, in_app):
    ceremony_id, [(guest, _token)] = make_ceremony()
    _hall(in_app, ceremony_id, 2)
    login(account("organiser"))

    page = client.get(f"/ceremonies/{ceremony_id}/seating").text

    assert '<select id="guest_id" name="guest_id"' in page
    assert "Tisch 1, 1" in page and "Tisch 1, 2" in page
    assert f'data-guest-id="{guest}"' in page
    assert "js/seating.js" in page


def test_clearing_the_plan_frees_every_seat(app, client, login, account, make_ceremony, in_app):
    ceremony_id, [(guest, _token)] = make_ceremony()
    seat, *_ = _hall(in_app, ceremony_id, 2)
    in_app(lambda: place_guest(db.session.get(Ceremony, ceremony_id), guest, seat))
    login(account("organiser"))

    response = client.post(f"/ceremonies/{ceremony_id}/seating/clear", follow_redirects=True)

    assert "Alle Plätze sind wieder frei." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count(SeatAssignment.id))) == 0
        db.session.remove()
