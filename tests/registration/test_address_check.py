"""Registration asks for the address to be confirmed first, and never tells whether an address is registered
(issue 15, items 4 and 5)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from events.core.models import AuditEntry, OutgoingMail
from events.core.types import utcnow
from events.extensions import db
from events.registration.models import Registration
from tests.conftest import mail_text, sent_mails
from tests.registering import personal_link_from_mail, register_through_form
from tests.registration.test_registration import form_data, invite, registrations_of


def _answer(client, event, **overrides):
    """The form's answer and the page it leads to, with what differs per request (CSRF tokens) taken out."""
    response = client.post(f"/registration/{event.slug}", data=form_data(**overrides))
    page = client.get(response.headers["Location"]).get_data(as_text=True) if response.location else ""
    return response.status_code, response.headers.get("Location"), re.sub(r'value="[^"]{20,}"', "", page)


def _audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_form_answers_a_registered_address_as_it_answers_a_new_one(client, app, make_event):
    event = make_event()
    new = _answer(client, event)
    again = _answer(client, event, email="AYSE.oeztuerk@example.org", first_name="Jemand")
    assert new == again  # same status, same address, same page
    assert new[0] == 302 and new[1] == f"/registration/{event.slug}/check-mail"
    assert "Bitte prüfen Sie Ihr Postfach" in new[2] and "keine zweite Anmeldung" not in new[2]
    assert len(registrations_of(app, event)) == 1
    subjects = [m["Subject"] for m in sent_mails(app)]
    assert subjects == [f"Anmeldung bestätigt: {event.title}", f"Ihr persönlicher Link: {event.title}"]
    assert "Für diese E-Mail-Adresse besteht bereits eine Anmeldung" in mail_text(sent_mails(app)[1])
    # the form cannot be used to flood the registered address: one such mail in ten minutes
    assert _answer(client, event) == new
    assert len(sent_mails(app)) == 2
    with app.app_context():  # ... and after ten minutes another one
        for mail in db.session.scalars(select(OutgoingMail)):
            mail.created_at = utcnow() - timedelta(minutes=11)
        db.session.commit()
    assert _answer(client, event) == new
    assert [m["Subject"] for m in sent_mails(app)][-1] == f"Ihr persönlicher Link: {event.title}"
    assert len(sent_mails(app)) == 3


def test_a_full_workshop_is_refused_alike_for_a_new_and_a_registered_address(client, app, make_event):
    from tests.registration.test_registration import add_workshops

    event = make_event()
    wohnen, _sport, _werte = add_workshops(app, event, capacity=1)
    client.post(f"/registration/{event.slug}", data=form_data(email="a@example.org", workshop_slot_1=str(wohnen)))
    registered = client.post(f"/registration/{event.slug}", data=form_data(workshop_slot_1=str(wohnen)))
    client.post(f"/registration/{event.slug}", data=form_data())
    new = client.post(
        f"/registration/{event.slug}", data=form_data(email="neu@example.org", workshop_slot_1=str(wohnen))
    )
    assert registered.status_code == new.status_code == 400


def test_a_place_is_held_until_the_link_in_the_mail_confirms_it(client, app, make_event):
    event = make_event(capacity=1, confirm_address_first=True)
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    assert registrations_of(app, event) == [("ayse.oeztuerk@example.org", "unconfirmed", None)]
    with app.app_context():
        held = db.session.scalars(select(Registration)).one()
        assert abs(held.hold_expires_at - (utcnow() + timedelta(hours=24))) < timedelta(minutes=1)
    [mail] = sent_mails(app)
    assert mail["Subject"] == f"Bitte bestätigen Sie Ihre Anmeldung: {event.title}"
    assert "Öffnen Sie diesen Link, um Ihren Platz zu bestätigen" in mail_text(mail) and personal in mail_text(mail)
    assert {p.get_content_type() for p in mail.walk()}.isdisjoint({"image/png", "text/calendar"})  # no ticket yet
    # the held place counts against the capacity: the next person waits
    waiting = register_through_form(client, f"/registration/{event.slug}", form_data(email="b@example.org"))
    assert "Warteliste, Platz 1" in client.get(waiting).get_data(as_text=True)
    # opening the link shows a button and changes nothing (GET is safe); there is no ticket before confirming
    page = client.get(personal).get_data(as_text=True)
    assert "Platz reserviert" in page and "Platz bestätigen" in page and "<svg" not in page
    assert f'action="{personal}/confirm"' in page
    assert client.get(personal + "/ticket.pdf").status_code == 404
    assert "STATUS:TENTATIVE" in client.get(personal + "/invite.ics").get_data(as_text=True)
    assert registrations_of(app, event)[0][1] == "unconfirmed"

    page = client.post(personal + "/confirm", follow_redirects=True).get_data(as_text=True)
    assert "Ihr Platz ist bestätigt" in page and "Bestätigt" in page and "<svg" in page  # the QR ticket
    assert registrations_of(app, event)[0] == ("ayse.oeztuerk@example.org", "confirmed", None)
    confirmation = [m for m in sent_mails(app) if m["To"] == "ayse.oeztuerk@example.org"][-1]
    assert confirmation["Subject"] == f"Anmeldung bestätigt: {event.title}"
    assert {"image/png", "text/calendar"} <= {p.get_content_type() for p in confirmation.walk()}
    assert "registration.address_confirmed" in _audit_actions(app)
    # a second click confirms nothing twice
    assert "bereits bestätigt" in client.post(personal + "/confirm", follow_redirects=True).get_data(as_text=True)
    assert len([m for m in sent_mails(app) if m["Subject"].startswith("Anmeldung bestätigt")]) == 1


def test_a_hold_not_confirmed_in_time_lapses_and_the_place_goes_to_the_waiting_list(client, app, make_event):
    from events.registration.address_check import lapse_expired_holds
    from events.registration.tasks import lapse_holds

    event = make_event(capacity=1, confirm_address_first=True)
    personal = register_through_form(client, f"/registration/{event.slug}", form_data(email="a@example.org"))
    register_through_form(client, f"/registration/{event.slug}", form_data(email="b@example.org"))
    with app.app_context():
        assert lapse_expired_holds() == 0  # not due yet
        held = db.session.scalars(select(Registration).filter_by(email="a@example.org")).one()
        held.hold_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert lapse_holds.call_local() == 1  # the worker's periodic job
    assert registrations_of(app, event) == [("a@example.org", "cancelled", None), ("b@example.org", "confirmed", None)]
    lapsed = [m for m in sent_mails(app) if m["To"] == "a@example.org"][-1]
    assert lapsed["Subject"] == f"Platz nicht bestätigt: {event.title}"
    assert "nicht rechtzeitig bestätigt" in mail_text(lapsed)
    promoted = [m for m in sent_mails(app) if m["To"] == "b@example.org"][-1]
    assert promoted["Subject"] == f"Sie sind dabei: {event.title}"
    assert {"registration.hold_lapsed", "registration.promote"} <= set(_audit_actions(app))
    # the link no longer confirms anything
    page = client.post(personal + "/confirm", follow_redirects=True).get_data(as_text=True)
    assert "inzwischen verfallen" in page
    assert registrations_of(app, event)[0][1] == "cancelled"


def test_a_hold_never_lasts_past_the_start_of_the_event(client, app, make_event):
    start = (utcnow() + timedelta(hours=3)).replace(microsecond=0)
    event = make_event(confirm_address_first=True, starts_at=start, ends_at=start + timedelta(hours=4))
    register_through_form(client, f"/registration/{event.slug}", form_data())
    with app.app_context():
        assert db.session.scalars(select(Registration)).one().hold_expires_at == start


def test_an_invitation_link_confirms_the_place_at_once(client, app, make_event):
    event = make_event(access="invited", confirm_address_first=True)
    link = invite(app, event, first_name="Nora", last_name="Weiß")
    assert client.post(link, data=form_data(first_name="Nora")).status_code == 302
    assert registrations_of(app, event) == [("nora@example.org", "confirmed", None)]


def test_organisers_see_held_places_as_such(client, app, login, make_user, make_event):
    event = make_event(capacity=2, confirm_address_first=True)
    register_through_form(client, f"/registration/{event.slug}", form_data(email="a@example.org"))
    confirmed = register_through_form(client, f"/registration/{event.slug}", form_data(email="b@example.org"))
    client.post(confirmed + "/confirm")
    login(make_user("organiser"))
    listing = client.get(f"/registration/manage/{event.id}").get_data(as_text=True)
    assert "Adresse unbestätigt, reserviert bis" in listing
    assert re.search(r"<strong>0</strong>\s*Plätze frei", listing)  # the held place is taken
    assert re.search(r"<strong>1</strong>\s*reserviert, Adresse unbestätigt", listing)
    only_held = client.get(f"/registration/manage/{event.id}?status=unconfirmed").get_data(as_text=True)
    assert "1 Anmeldung" in only_held and "Adresse unbestätigt, reserviert bis" in only_held
    detail = client.get(f"/meetings/manage/{event.id}").get_data(as_text=True)
    assert re.search(r"<strong>1</strong>\s*reserviert, Adresse unbestätigt", detail)
    assert "2 von 2 (100 %)" in client.get("/").get_data(as_text=True)  # the start page's fill level


def test_the_event_form_asks_for_the_address_check_by_default(client, login, make_user):
    login(make_user("organiser"))
    page = client.get("/meetings/manage/new").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="confirm_address_first"[^>]*>', page)[0]
    assert "checked" in box


def test_the_personal_link_of_the_mail_is_read_from_the_outbox(client, app, make_event):
    event = make_event()
    client.post(f"/registration/{event.slug}", data=form_data())
    assert personal_link_from_mail(app, "ayse.oeztuerk@example.org").startswith("/registration/me/")


def test_a_held_place_registered_again_gets_the_request_to_confirm_once_in_ten_minutes(client, app, make_event):
    event = make_event(confirm_address_first=True)
    first = _answer(client, event)
    assert _answer(client, event) == first
    with app.app_context():
        for mail in db.session.scalars(select(OutgoingMail)):
            mail.created_at = utcnow() - timedelta(minutes=11)
        db.session.commit()
    assert _answer(client, event) == first
    subjects = [m["Subject"] for m in sent_mails(app)]
    assert subjects == [f"Bitte bestätigen Sie Ihre Anmeldung: {event.title}"] * 2
    assert registrations_of(app, event) == [("ayse.oeztuerk@example.org", "unconfirmed", None)]


def test_a_place_taken_while_the_event_runs_is_held_until_its_end_at_most(client, app, make_event):
    start = (utcnow() - timedelta(hours=1)).replace(microsecond=0)
    end = start + timedelta(hours=4)
    event = make_event(confirm_address_first=True, starts_at=start, ends_at=end, registration_closes_at=end)
    register_through_form(client, f"/registration/{event.slug}", form_data())
    with app.app_context():
        assert db.session.scalars(select(Registration)).one().hold_expires_at == end


def test_a_full_day_is_answered_alike_for_a_new_and_a_registered_address(client, app, login, make_user, make_event):
    from tests.registration.test_registration_days import _day_ids, _per_day, _waiting_of

    event = make_event(capacity=None)
    _per_day(client, login, make_user, event, 1, "")
    first_day, second_day = _day_ids(app, event)
    client.post(f"/registration/{event.slug}", data=form_data(email="a@example.org", days=[str(first_day)]))
    client.post(f"/registration/{event.slug}", data=form_data(days=[str(second_day)]))
    registered = client.post(f"/registration/{event.slug}", data=form_data(days=[str(first_day)]))
    new = client.post(f"/registration/{event.slug}", data=form_data(email="neu@example.org", days=[str(first_day)]))
    assert registered.status_code == new.status_code == 302
    assert registered.headers["Location"] == new.headers["Location"]
    assert _waiting_of(app, "neu@example.org") == [(first_day, None, 1)]  # the full day's waiting list


def test_a_held_place_at_a_cancelled_event_is_neither_confirmed_nor_lapsed(client, app, make_event):
    from events.meetings.changes import cancel_event
    from events.meetings.models import Event
    from events.registration.address_check import lapse_expired_holds

    event = make_event(capacity=1, confirm_address_first=True)
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    with app.test_request_context():
        cancel_event(db.session.get(Event, event.id), "Der Saal ist nicht verfügbar.")
    told = len(sent_mails(app))
    page = client.post(personal + "/confirm", follow_redirects=True).get_data(as_text=True)
    assert "Die Veranstaltung ist abgesagt." in page and "Ihr Platz ist bestätigt" not in page
    assert registrations_of(app, event)[0][1] == "unconfirmed"
    with app.app_context():
        db.session.scalars(select(Registration)).one().hold_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert lapse_expired_holds() == 0
    assert registrations_of(app, event)[0][1] == "unconfirmed"
    assert len(sent_mails(app)) == told  # no confirmation, no "the place goes to the waiting list"


def test_an_invited_address_holding_a_place_counts_as_registered(client, app, make_event):
    from events.meetings.models import Event
    from events.registration.invitation_list import invitation_counts
    from tests.registration.test_registration import invite

    event = make_event(confirm_address_first=True)
    invite(app, event, email="ayse.oeztuerk@example.org")
    invite(app, event, email="b@example.org")
    register_through_form(client, f"/registration/{event.slug}", form_data())  # the open form, not the invitation
    assert registrations_of(app, event)[0][1] == "unconfirmed"
    with app.app_context():
        counts = invitation_counts(db.session.get(Event, event.id))
    assert counts == {"invited": 2, "registered": 1, "cancelled": 0, "not_registered": 1}


def test_an_invitation_used_after_the_open_form_answers_check_your_mail(client, app, make_event):
    from tests.registration.test_registration import invite

    event = make_event(confirm_address_first=True)
    link = invite(app, event, email="ayse.oeztuerk@example.org")
    register_through_form(client, f"/registration/{event.slug}", form_data())  # the open form first: held
    again = client.post(link, data=form_data())  # then the invitation link: registered already, no server error
    assert again.status_code == 302 and again.headers["Location"] == f"/registration/{event.slug}/check-mail"
    assert len(registrations_of(app, event)) == 1
    assert [m["Subject"] for m in sent_mails(app)][-1] == f"Bitte bestätigen Sie Ihre Anmeldung: {event.title}"
