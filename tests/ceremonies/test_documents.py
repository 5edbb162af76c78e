"""The printed documents (rendered by a task, kept in the file storage) and the running order."""

from __future__ import annotations

import subprocess

from sqlalchemy import select

from events.ceremonies.models import Ceremony, CeremonyDocument, RunningOrderItem
from events.ceremonies.seating import place_guest
from events.ceremonies.suggestion import suggest_seating
from events.extensions import db
from tests.ceremonies.factories import hall, honoured


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def _seated_ceremony(client, make_ceremony, in_app) -> int:
    ceremony_id, [(erika, token), (_jonas, _t)] = make_ceremony(names=("Erika Muster", "Jonas Beispiel"))
    client.post(f"/ceremonies/me/{token}/guests", data={"first_name": "Gustav", "last_name": "Begleiter"})

    def prepare():
        ceremony = db.session.get(Ceremony, ceremony_id)
        honoured(ceremony, "Anna", "Ministerin", 1, "Staatsministerin des Innern")
        hall(ceremony, 4, 4)
        suggest_seating(ceremony)

    in_app(prepare)
    return ceremony_id


def _document(app, client, ceremony_id: int, kind: str) -> bytes:
    response = client.post(f"/ceremonies/{ceremony_id}/documents", data={"kind": kind}, follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        document = db.session.scalars(
            select(CeremonyDocument).where(CeremonyDocument.kind == kind).order_by(CeremonyDocument.id.desc())
        ).first()
        document_id, state = document.id, document.state
        db.session.remove()
    assert state == "ready"
    download = client.get(f"/ceremonies/{ceremony_id}/documents/{document_id}.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    return download.data


def test_place_cards_hold_every_seated_name_and_the_honoured_guests_office(
    app, client, login, account, make_ceremony, in_app
):
    ceremony_id = _seated_ceremony(client, make_ceremony, in_app)
    login(account("organiser"))

    text = pdf_text(_document(app, client, ceremony_id, "place_cards"))

    for name in ("Anna Ministerin", "Erika Muster", "Gustav Begleiter", "Jonas Beispiel"):
        assert name in text
    assert "Staatsministerin des Innern" in text
    assert "Tisch 1, 1" in text


def test_badges_carry_the_seat_and_the_office(app, client, login, account, make_ceremony, in_app):
    ceremony_id = _seated_ceremony(client, make_ceremony, in_app)
    login(account("organiser"))

    text = pdf_text(_document(app, client, ceremony_id, "badges"))

    assert "Ministerin" in text and "Staatsministerin des Innern" in text
    assert "Platz: Tisch 1, 1" in text
    assert "Begleiter" in text


def test_the_table_plan_and_the_greeting_list(app, client, login, account, make_ceremony, in_app):
    ceremony_id = _seated_ceremony(client, make_ceremony, in_app)
    in_app(lambda: honoured(db.session.get(Ceremony, ceremony_id), "Bernd", "Abgeordneter", 2, "Mitglied des Landtags"))
    login(account("organiser"))

    plan = pdf_text(_document(app, client, ceremony_id, "table_plan"))
    greeting = pdf_text(_document(app, client, ceremony_id, "greeting_list"))

    assert "Tisch 1" in plan and "Tisch 2" in plan and "Erika Muster" in plan and "Bühne" in plan
    assert greeting.index("Anna Ministerin") < greeting.index("Bernd Abgeordneter")
    assert "Erika Muster" not in greeting  # winners are honoured in the laudations, not greeted from the list


def test_a_document_of_another_ceremony_is_not_found(app, client, login, account, make_ceremony, in_app):
    ceremony_id = _seated_ceremony(client, make_ceremony, in_app)
    other_id, _ = make_ceremony()
    login(account("organiser"))
    _document(app, client, ceremony_id, "place_cards")
    with app.app_context():
        document_id = db.session.scalar(select(CeremonyDocument.id))
        db.session.remove()

    assert client.get(f"/ceremonies/{other_id}/documents/{document_id}.pdf").status_code == 404
    assert client.post(f"/ceremonies/{ceremony_id}/documents", data={"kind": "poster"}).status_code == 400


def test_the_running_order_lists_laudations_in_award_order_and_can_be_edited(
    app, client, login, account, make_ceremony
):
    ceremony_id, _winners = make_ceremony(names=("Erika Muster", "Jonas Beispiel", "Carla Dritte"))
    login(account("organiser"))

    client.post(f"/ceremonies/{ceremony_id}/running-order/laudations")
    client.post(f"/ceremonies/{ceremony_id}/running-order/laudations")  # again: nothing twice
    client.post(
        f"/ceremonies/{ceremony_id}/running-order/items",
        data={"kind": "speech", "title": "Grußwort der Staatsministerin", "text": ""},
    )

    def items():
        with app.app_context():
            rows = db.session.scalars(
                select(RunningOrderItem)
                .where(RunningOrderItem.ceremony_id == ceremony_id)
                .order_by(RunningOrderItem.position)
            ).all()
            result = [(row.id, row.title) for row in rows]
            db.session.remove()
        return result

    titles = [title for _id, title in items()]
    assert titles[:3] == [
        "Laudatio: Ehrenamt, 1. Platz – Erika Muster (Helferkreis Landshut)",
        "Laudatio: Ehrenamt, 2. Platz – Jonas Beispiel (Helferkreis Landshut)",
        "Laudatio: Ehrenamt, 3. Platz – Carla Dritte (Helferkreis Landshut)",
    ]
    assert titles[3] == "Grußwort der Staatsministerin"

    speech_id = items()[3][0]
    for _ in range(3):
        client.post(f"/ceremonies/{ceremony_id}/running-order/items/{speech_id}/up")
    client.post(
        f"/ceremonies/{ceremony_id}/running-order/items/{speech_id}/edit",
        data={"title": "Grußwort der Ministerin", "text": "Fünf Minuten."},
    )
    empty = client.post(f"/ceremonies/{ceremony_id}/running-order/items/{speech_id}/edit", data={"title": ""})

    assert empty.status_code == 400
    assert [title for _id, title in items()][0] == "Grußwort der Ministerin"
    page = client.get(f"/ceremonies/{ceremony_id}/running-order").text
    assert "Für ein Sprachcafé, das seit zehn Jahren trägt." in page  # the laudation text, editable
    assert client.post(f"/ceremonies/{ceremony_id}/running-order/items/999999/up").status_code == 404


def test_placing_by_hand_needs_a_guest_and_a_seat(client, login, account, make_ceremony, in_app):
    ceremony_id, [(guest, _token)] = make_ceremony()
    in_app(lambda: hall(db.session.get(Ceremony, ceremony_id), 1))
    login(account("organiser"))

    assert client.post(f"/ceremonies/{ceremony_id}/seating/place", data={"guest_id": guest}).status_code == 400
    assert (
        client.post(f"/ceremonies/{ceremony_id}/seating/place", data={"guest_id": guest, "seat_id": 999999}).status_code
        == 404
    )
    placed = in_app(lambda: place_guest(db.session.get(Ceremony, ceremony_id), guest, _first_seat(ceremony_id)).label)
    assert placed == "Tisch 1, 1"


def _first_seat(ceremony_id: int) -> int:
    from events.ceremonies.models import Seat

    return db.session.scalar(select(Seat.id).where(Seat.ceremony_id == ceremony_id))
