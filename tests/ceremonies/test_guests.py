"""The guest list: winners bring guests by name up to their allowance (also under concurrent requests), guests take
places, honoured guests stand in protocol order, the security list, and dates of birth deleted after the event."""

from __future__ import annotations

import csv
import io
import threading
from datetime import timedelta

from sqlalchemy import func, select

from events.ceremonies.errors import CeremonyError
from events.ceremonies.guests import register_companion
from events.ceremonies.models import Ceremony, Guest, GuestKind
from events.extensions import db
from events.meetings.models import Event
from events.privacy.retention import delete_expired_personal_data
from events.registration.places import free_places
from tests.ceremonies.factories import honoured


def _companions(app, host_id: int) -> list[str]:
    with app.app_context():
        names = db.session.scalars(select(Guest.last_name).where(Guest.host_id == host_id).order_by(Guest.id)).all()
        db.session.remove()
    return list(names)


def test_a_winner_registers_guests_by_name_up_to_the_allowance(app, client, make_ceremony):
    _ceremony_id, [(winner_id, token)] = make_ceremony(allowance=2)

    page = client.get(f"/ceremonies/me/{token}")
    assert "Sie dürfen 2 Gäste mitbringen" in page.text
    for last in ("Muster", "Beispiel"):
        response = client.post(f"/ceremonies/me/{token}/guests", data={"first_name": "Max", "last_name": last})
        assert response.status_code == 302
    third = client.post(f"/ceremonies/me/{token}/guests", data={"first_name": "Zu", "last_name": "Viel"})

    assert third.status_code == 409
    assert "Sie haben bereits 2 Gäste angemeldet; mehr sind nicht möglich." in third.text
    assert _companions(app, winner_id) == ["Muster", "Beispiel"]
    assert "Sie haben alle Ihre Gäste angemeldet." in client.get(f"/ceremonies/me/{token}").text


def test_the_allowance_holds_when_a_winner_sends_many_guests_at_once(app, make_ceremony):
    _ceremony_id, [(winner_id, _token)] = make_ceremony(allowance=3)
    attempts = 8
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []

    def register(n: int) -> None:
        with app.test_request_context():
            host = db.session.get(Guest, winner_id)
            barrier.wait()
            try:
                register_companion(host, "Gast", f"Nummer {n}")
                outcomes.append("ok")
            except CeremonyError as error:
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["allowance_used"] * 5 + ["ok"] * 3
    assert len(_companions(app, winner_id)) == 3


def test_guests_take_places_of_the_event(app, client, make_ceremony):
    ceremony_id, [(winner_id, token)] = make_ceremony(capacity=2, allowance=3)

    assert (
        client.post(f"/ceremonies/me/{token}/guests", data={"first_name": "Ada", "last_name": "Eins"}).status_code
        == 302
    )
    full = client.post(f"/ceremonies/me/{token}/guests", data={"first_name": "Bo", "last_name": "Zwei"})

    assert full.status_code == 409
    assert "Die Veranstaltung ist voll" in full.text
    assert _companions(app, winner_id) == ["Eins"]
    with app.app_context():
        event = db.session.get(Ceremony, ceremony_id).event
        assert free_places(event) == 0  # the winner and one guest
        db.session.remove()


def test_a_guest_can_be_taken_off_the_list_again(app, client, make_ceremony):
    _ceremony_id, [(winner_id, token)] = make_ceremony(allowance=1)
    client.post(f"/ceremonies/me/{token}/guests", data={"first_name": "Ada", "last_name": "Eins"})
    with app.app_context():
        companion_id = db.session.scalar(select(Guest.id).where(Guest.host_id == winner_id))
        db.session.remove()

    response = client.post(f"/ceremonies/me/{token}/guests/{companion_id}/delete", follow_redirects=True)

    assert "Ada Eins ist nicht mehr als Ihr Gast angemeldet." in response.text
    assert _companions(app, winner_id) == []


def test_a_stranger_link_and_another_winners_guest_are_refused(app, client, make_ceremony):
    _c, [(_w, token)] = make_ceremony()
    _c2, [(other_id, other_token)] = make_ceremony()
    client.post(f"/ceremonies/me/{other_token}/guests", data={"first_name": "Ada", "last_name": "Fremd"})
    with app.app_context():
        foreign = db.session.scalar(select(Guest.id).where(Guest.host_id == other_id))
        db.session.remove()

    assert client.get("/ceremonies/me/not-a-real-token").status_code == 404
    assert client.post(f"/ceremonies/me/{token}/guests/{foreign}/delete").status_code == 404
    assert _companions(app, other_id) == ["Fremd"]


def test_the_guest_list_is_ordered_by_protocol_rank(app, client, login, account, make_ceremony, in_app):
    ceremony_id, _winners = make_ceremony(names=("Erika Muster", "Jonas Beispiel"))
    in_app(lambda: honoured(db.session.get(Ceremony, ceremony_id), "Anna", "Ministerin", 1, "Staatsministerin"))
    login(account("organiser"))
    response = client.post(
        f"/ceremonies/{ceremony_id}/guests",
        data={
            "kind": "honoured",
            "first_name": "Gerda",
            "last_name": "Zweite",
            "email": "gerda@landtag.example",
            "office": "Mitglied des Landtags",
            "protocol_rank": "2",
            "language": "de",
        },
    )
    assert response.status_code == 302

    page = client.get(f"/ceremonies/{ceremony_id}").text.split("<tbody>")[1]

    order = [page.index(name) for name in ("Anna Ministerin", "Gerda Zweite", "Erika Muster", "Jonas Beispiel")]
    assert order == sorted(order)
    assert "Staatsministerin" in page and "Mitglied des Landtags" in page


def test_the_security_list_holds_who_comes_and_the_date_of_birth_only_when_required(
    app, client, login, account, make_ceremony
):
    ceremony_id, [(winner_id, token)] = make_ceremony(requires_birth=True)
    client.post(f"/ceremonies/me/{token}/date-of-birth", data={"date_of_birth": "1970-05-01"})
    client.post(
        f"/ceremonies/me/{token}/guests", data={"first_name": "Ada", "last_name": "Gast", "date_of_birth": "1990-01-02"}
    )
    without_birth = client.post(f"/ceremonies/me/{token}/guests", data={"first_name": "Bo", "last_name": "Ohne"})
    assert "Bitte geben Sie das Geburtsdatum an" in without_birth.text
    login(account("organiser"))

    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/ceremonies/{ceremony_id}/security.csv").data.decode("utf-8-sig")), delimiter=";"
        )
    )

    assert rows[0] == ["Nachname", "Vorname", "Organisation", "Geburtsdatum"]
    assert ["Gast", "Ada", "Helferkreis Landshut", "02.01.1990"] in rows
    assert ["Muster", "Erika", "Helferkreis Landshut", "01.05.1970"] in rows
    assert len(rows) == 3
    xlsx = client.get(f"/ceremonies/{ceremony_id}/security.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"

    with app.app_context():
        db.session.get(Ceremony, ceremony_id).requires_date_of_birth = False
        db.session.commit()
        db.session.remove()
    plain = client.get(f"/ceremonies/{ceremony_id}/security.csv").data.decode("utf-8-sig")
    assert "Geburtsdatum" not in plain and "1990" not in plain


def test_dates_of_birth_are_deleted_once_the_ceremony_is_over(app, client, make_ceremony):
    ceremony_id, [(winner_id, token)] = make_ceremony(requires_birth=True)
    client.post(f"/ceremonies/me/{token}/date-of-birth", data={"date_of_birth": "1970-05-01"})
    client.post(
        f"/ceremonies/me/{token}/guests", data={"first_name": "Ada", "last_name": "Gast", "date_of_birth": "1990-01-02"}
    )
    with app.app_context():
        event = db.session.get(Ceremony, ceremony_id).event
        before = delete_expired_personal_data(now=event.starts_at + timedelta(hours=1))
        after = delete_expired_personal_data(now=event.ends_at + timedelta(minutes=1))
        held = db.session.scalar(
            select(func.count(Guest.id)).where(Guest.ceremony_id == ceremony_id, Guest.date_of_birth.is_not(None))
        )
        ceremony = db.session.get(Ceremony, ceremony_id)
        deleted_at = ceremony.dates_of_birth_deleted_at
        db.session.remove()

    assert before.dates_of_birth == 0
    assert after.dates_of_birth == 2
    assert held == 0
    assert deleted_at is not None
    # and it is not asked for again
    assert "<h2>Ihr Geburtsdatum</h2>" not in client.get(f"/ceremonies/me/{token}").text


def test_the_personal_page_of_the_registration_leads_to_the_guests(client, make_ceremony):
    _ceremony_id, [(_winner_id, token)] = make_ceremony()

    page = client.get(f"/registration/me/{token}").text

    assert f"/ceremonies/me/{token}" in page
    assert "Ihre Gäste und Angaben für die Feier" in page


def test_a_ceremony_is_made_for_a_ceremony_event_only(app, client, login, account, make_event):
    networking = make_event()
    festakt = make_event(kind="ceremony", slug="festakt-neu", title="Festakt neu")
    login(account("organiser"))

    assert "Festakt neu" in client.get("/ceremonies/").text
    refused = client.post(
        f"/ceremonies/events/{networking.id}/create", data={"guest_allowance": "2"}, follow_redirects=True
    )
    made = client.post(f"/ceremonies/events/{festakt.id}/create", data={"guest_allowance": "3"}, follow_redirects=True)

    assert refused.status_code == 409
    assert "Nur eine Veranstaltung der Art" in refused.text
    form = client.get(f"/ceremonies/events/{festakt.id}/create").text
    assert '<label for="guest_allowance">' in form and 'id="guest_allowance"' in form
    assert "Die Feier zu „Festakt neu“ ist angelegt." in made.text
    with app.app_context():
        ceremonies = db.session.scalars(select(Ceremony)).all()
        assert [(c.event_id, c.guest_allowance) for c in ceremonies] == [(festakt.id, 3)]
        db.session.remove()


def test_nothing_is_kept_when_the_event_sends_no_invitations(app, make_event, in_app):
    from events.ceremonies.guests import create_ceremony, invite_winners
    from tests.ceremonies.factories import winner

    draft = make_event(kind="ceremony", status="draft", slug="festakt-entwurf")

    def attempt():
        ceremony = create_ceremony(db.session.get(Event, draft.id))
        try:
            invite_winners(ceremony, [winner("Erika Muster")])
        except CeremonyError as error:
            return error.code, db.session.scalar(select(func.count(Guest.id)))
        return None, None

    assert in_app(attempt) == ("invitation", 0)


def test_winners_are_invited_once_with_their_allowance(app, make_ceremony, in_app):
    from events.ceremonies.guests import invite_winners
    from tests.ceremonies.factories import winner

    ceremony_id, _ = make_ceremony(allowance=4)

    def again():
        ceremony = db.session.get(Ceremony, ceremony_id)
        added = invite_winners(ceremony, [winner("Neu Gewinner", nomination_id=None)])
        guests = db.session.scalars(
            select(Guest).where(Guest.ceremony_id == ceremony_id, Guest.kind == GuestKind.WINNER)
        ).all()
        return added, sorted((g.full_name, g.allowance, g.invitation_id is not None) for g in guests)

    assert in_app(again) == (1, [("Erika Muster", 4, True), ("Neu Gewinner", 4, True)])


def test_a_winner_who_cancels_leaves_the_security_list_and_frees_the_guests_places(app, client, make_ceremony, in_app):
    from events.ceremonies.guests import guest_list
    from events.ceremonies.security_list import security_table
    from events.registration.models import Registration

    ceremony_id, [(winner_id, token)] = make_ceremony(capacity=10)
    client.post(f"/ceremonies/me/{token}/guests", data={"first_name": "Ada", "last_name": "Gast"})

    def cancel_and_look():
        winner = db.session.get(Guest, winner_id)
        registration = db.session.scalar(select(Registration).where(Registration.invitation_id == winner.invitation_id))
        registration.status = "cancelled"
        db.session.commit()
        ceremony = db.session.get(Ceremony, ceremony_id)
        statuses = [(line.guest.last_name, line.status) for line in guest_list(ceremony)]
        return statuses, security_table(ceremony)[1], free_places(ceremony.event)

    statuses, rows, free = in_app(cancel_and_look)

    assert statuses == [("Muster", "cancelled"), ("Gast", "cancelled")]
    assert rows == []
    assert free == 10


def test_a_new_allowance_holds_for_every_winner(app, client, login, account, make_ceremony):
    ceremony_id, [(winner_id, token), (other_id, _t)] = make_ceremony(names=("Erika Muster", "Jonas Beispiel"))
    login(account("organiser"))

    response = client.post(f"/ceremonies/{ceremony_id}/settings", data={"guest_allowance": "4"}, follow_redirects=True)

    assert "Die Einstellungen der Feier sind gespeichert." in response.text
    with app.app_context():
        assert [db.session.get(Guest, guest_id).allowance for guest_id in (winner_id, other_id)] == [4, 4]
        db.session.remove()
