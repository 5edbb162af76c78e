"""Registration, waiting list, personal link and the mails that go with them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from events.core.models import AuditEntry, District, OutgoingMail
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventSession, Question
from events.registration.models import Registration, WorkshopChoice
from tests.conftest import mail_text, sent_mails
from tests.registering import personal_link_from_mail, register_through_form


def form_data(**overrides):
    data = {
        "first_name": "Ayşe",
        "last_name": "Öztürk",
        "email": "ayse.oeztuerk@example.org",
        "organisation_name": "Freiwilligenagentur Landshut",
        "district_id": "",
        "function": "Integrationslotsin",
        "dietary_needs": "vegetarisch",
        "accessibility_needs": "",
        "language": "de",
        "privacy_consent": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def registrations_of(app, event):
    with app.app_context():
        rows = db.session.scalars(
            select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
        ).all()
        return [(r.email, r.status, r.waitlist_position) for r in rows]


def registrations_of_ids(app, event):
    with app.app_context():
        return list(
            db.session.scalars(
                select(Registration.id).where(Registration.event_id == event.id).order_by(Registration.id)
            )
        )


def add_workshops(app, event, capacity=1):
    """Two parallel workshops in one slot and one later workshop."""
    with app.app_context():
        start = event.starts_at + timedelta(hours=2)
        sessions = [
            EventSession(
                event_id=event.id,
                kind="workshop",
                title="Wohnen",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                capacity=capacity,
            ),
            EventSession(
                event_id=event.id,
                kind="workshop",
                title="Sportvereine",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                capacity=10,
            ),
            EventSession(
                event_id=event.id,
                kind="workshop",
                title="Werte",
                starts_at=start + timedelta(hours=2),
                ends_at=start + timedelta(hours=3),
            ),
        ]
        db.session.add_all(sessions)
        db.session.commit()
        return [s.id for s in sessions]


def test_a_person_registers_and_gets_confirmation_with_ticket_and_invite(client, app, make_event):
    event = make_event(capacity=10)
    response = client.post(f"/registration/{event.slug}", data=form_data(), follow_redirects=True)
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihr Postfach" in response.get_data(as_text=True)
    page = client.get(personal_link_from_mail(app, "ayse.oeztuerk@example.org")).get_data(as_text=True)
    assert "Bestätigt" in page and "<svg" in page  # the QR ticket on the personal page
    assert registrations_of(app, event) == [("ayse.oeztuerk@example.org", "confirmed", None)]
    mails = sent_mails(app)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["Subject"] == f"Anmeldung bestätigt: {event.title}"
    text = mail_text(mail)
    assert "Guten Tag Ayşe Öztürk" in text and "/registration/me/" in text
    parts = {part.get_content_type(): part for part in mail.walk()}
    assert "image/png" in parts  # the QR code, inline
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    alternatives = [p.get_content_type() for p in parts["multipart/alternative"].iter_parts()]
    assert "text/calendar" in alternatives  # Outlook reads the invitation from the body's alternatives
    assert b"METHOD:REQUEST" in calendar.get_payload(decode=True)
    with app.app_context():
        registration = db.session.scalars(select(Registration)).one()
        assert registration.privacy_consent_version and "Ich willige ein" in registration.privacy_consent_text
        assert registration.privacy_consent_at is not None


def test_a_full_meeting_puts_the_next_person_on_the_waiting_list(client, app, make_event):
    event = make_event(capacity=1)
    client.post(f"/registration/{event.slug}", data=form_data(email="erste@example.org"))
    waiting = register_through_form(client, f"/registration/{event.slug}", form_data(email="zweite@example.org"))
    assert "Warteliste, Platz 1" in client.get(waiting).get_data(as_text=True)
    client.post(f"/registration/{event.slug}", data=form_data(email="dritte@example.org"))
    assert registrations_of(app, event) == [
        ("erste@example.org", "confirmed", None),
        ("zweite@example.org", "waitlisted", 1),
        ("dritte@example.org", "waitlisted", 2),
    ]
    confirmation, waiting = sent_mails(app)[0:2]
    assert waiting["Subject"] == f"Warteliste: {event.title}"
    text = mail_text(waiting)
    assert text.startswith("Guten Tag Ayşe Öztürk,")  # no blank first line
    assert "Ihren Platz auf der Warteliste" in text and "Ticket und Kalendereintrag herunter" not in text
    assert mail_text(confirmation).startswith("Guten Tag")
    assert "laden Ticket und Kalendereintrag herunter" in mail_text(confirmation)


def test_cancelling_promotes_the_first_waiting_person_at_once(client, app, make_event):
    event = make_event(capacity=1)
    personal = register_through_form(client, f"/registration/{event.slug}", form_data(email="erste@example.org"))
    client.post(f"/registration/{event.slug}", data=form_data(email="zweite@example.org"))
    client.post(f"/registration/{event.slug}", data=form_data(email="dritte@example.org"))
    response = client.post(personal + "/cancel", follow_redirects=True)
    assert "Ihre Anmeldung ist storniert" in response.get_data(as_text=True)
    assert registrations_of(app, event) == [
        ("erste@example.org", "cancelled", None),
        ("zweite@example.org", "confirmed", None),
        ("dritte@example.org", "waitlisted", 1),
    ]
    subjects = [(m["To"], m["Subject"]) for m in sent_mails(app)]
    assert ("erste@example.org", f"Stornierung bestätigt: {event.title}") in subjects
    assert ("zweite@example.org", f"Sie sind dabei: {event.title}") in subjects
    promotion = next(m for m in sent_mails(app) if m["Subject"].startswith("Sie sind dabei"))
    assert "Ein Platz ist frei geworden" in mail_text(promotion)
    cancel_mail = next(m for m in sent_mails(app) if m["Subject"].startswith("Stornierung"))
    ics = next(p for p in cancel_mail.walk() if p.get_content_type() == "text/calendar")
    assert b"METHOD:CANCEL" in ics.get_payload(decode=True)


def test_a_waiting_list_notice_that_no_longer_applies_when_the_sender_runs_is_not_sent(
    client, app, runner, monkeypatch, login, make_user, make_event
):
    """Mail is rendered when the sender runs: by then a waiting person may have moved up or cancelled."""
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "later")  # nothing leaves until the sender runs
    event = make_event(capacity=1)
    links = {}
    for name in ("anna", "ben", "cem", "dora"):
        links[name] = register_through_form(
            client, f"/registration/{event.slug}", form_data(email=f"{name}@example.org")
        )
    client.post(links["anna"] + "/cancel")  # Ben moves up
    client.post(links["cem"] + "/cancel")  # Cem leaves the waiting list; Dora is first in line now
    assert sent_mails(app) == []
    result = runner.invoke(args=["mail", "send-pending"])
    assert "0 failed" in result.output and "3 no longer applied" in result.output  # see the states below
    received = {}
    for message in sent_mails(app):
        received.setdefault(message["To"], []).append(message["Subject"].split(":")[0])
    assert received == {
        "anna@example.org": ["Stornierung bestätigt"],  # no confirmation with a ticket she no longer holds
        "ben@example.org": ["Sie sind dabei"],  # no waiting-list notice after the place was his
        "cem@example.org": ["Stornierung bestätigt"],
        "dora@example.org": ["Warteliste"],
    }
    dora = next(m for m in sent_mails(app) if m["To"] == "dora@example.org")
    assert "Sie stehen auf der Warteliste auf Platz 1." in mail_text(dora)  # the place she has when it is sent
    with app.app_context():
        states = db.session.execute(
            select(OutgoingMail.recipient, OutgoingMail.status, OutgoingMail.attempts).where(
                OutgoingMail.topic == "registration.registration_waitlisted"
            )
        ).all()
    assert sorted(states) == [
        ("ben@example.org", "superseded", 0),
        ("cem@example.org", "superseded", 0),
        ("dora@example.org", "sent", 1),
    ]
    login(make_user("organiser"))
    page = client.get("/mail/?status=superseded").get_data(as_text=True)
    assert page.count("nicht versandt: traf nicht mehr zu") == 3  # with Anna's confirmation
    assert "ben@example.org" in page and "cem@example.org" in page and "dora@example.org" not in page


def test_on_a_cancelled_event_nobody_cancels_and_nobody_moves_up(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=1)
    confirmed = make_registration(event, "confirmed")
    waiting = make_registration(event, "waitlisted", waitlist_position=1)
    login(make_user("organiser"))
    client.post(f"/meetings/manage/{event.id}/cancel", data={"confirm": "y", "reason": "Unwetter"})
    before = registrations_of(app, event)
    told = len(sent_mails(app))  # everyone was told of the cancellation
    # the organiser: neither cancelling nor promoting by hand
    entry = client.get(f"/registration/manage/entry/{confirmed.id}").get_data(as_text=True)
    assert f"/registration/manage/entry/{confirmed.id}/cancel" not in entry
    page = client.post(f"/registration/manage/entry/{confirmed.id}/cancel", follow_redirects=True)
    assert "Die Veranstaltung ist abgesagt. Eine Stornierung ist daher nicht nötig." in page.get_data(as_text=True)
    listing = client.get(f"/registration/manage/{event.id}").get_data(as_text=True)
    assert f"/registration/manage/entry/{waiting.id}/promote" not in listing and "beyond-capacity" not in listing
    page = client.post(
        f"/registration/manage/entry/{waiting.id}/promote", data={"beyond_capacity": "y"}, follow_redirects=True
    )
    assert "Die Veranstaltung ist abgesagt." in page.get_data(as_text=True)
    client.post("/accounts/logout")
    # the participant: the personal page offers no cancellation, and a cancellation sent anyway is refused clearly
    link = f"/registration/me/{confirmed.manage_token}"
    personal = client.get(link).get_data(as_text=True)
    assert "Die Veranstaltung ist abgesagt." in personal and f'action="{link}/cancel"' not in personal
    response = client.post(f"{link}/cancel", follow_redirects=True)
    assert response.status_code == 200
    assert "Die Veranstaltung ist abgesagt. Eine Stornierung ist daher nicht nötig." in response.get_data(as_text=True)
    assert registrations_of(app, event) == before
    assert before[1] == (waiting.email, "waitlisted", 1)
    assert len(sent_mails(app)) == told  # no "a place is free for you"
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert not actions & {"registration.cancel", "registration.promote", "registration.promote_beyond_capacity"}


def test_no_promotion_on_a_cancelled_event_whatever_frees_a_place(app, make_event, make_registration):
    """The rule sits where places are filled: even a place freed some other way promotes nobody."""
    from events.registration.waiting_list import promote_from_waiting_list

    event = make_event(capacity=1, status="cancelled")
    make_registration(event, "waitlisted", waitlist_position=1)
    with app.test_request_context():
        assert promote_from_waiting_list(event.id) == []
    assert [r[1:] for r in registrations_of(app, event)] == [("waitlisted", 1)]
    with app.app_context():
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0


def test_registering_again_with_the_same_email_creates_no_duplicate(client, app, make_event):
    event = make_event()
    client.post(f"/registration/{event.slug}", data=form_data())
    response = client.post(f"/registration/{event.slug}", data=form_data(email="AYSE.oeztuerk@example.org"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/check-mail")
    assert len(registrations_of(app, event)) == 1
    mails = sent_mails(app)
    assert mails[-1]["Subject"] == f"Ihr persönlicher Link: {event.title}"
    first_link = [line for line in mail_text(mails[0]).splitlines() if "/registration/me/" in line][0]
    again_link = [line for line in mail_text(mails[-1]).splitlines() if "/registration/me/" in line][0]
    assert first_link == again_link


def test_the_lost_link_page_claims_no_registration_for_an_unknown_address(client, app, make_event):
    """The answer is the same for a registered and an unknown address, and true for both."""
    event = make_event()
    client.post(f"/registration/{event.slug}", data=form_data())
    pages = [
        client.post(f"/registration/{event.slug}/link", data={"email": email}).get_data(as_text=True)
        for email in ("ayse.oeztuerk@example.org", "niemand@example.org")
    ]
    for page in pages:
        assert "Ist diese E-Mail-Adresse zu" in page and "besteht eine Anmeldung" not in page
    assert [m["To"] for m in sent_mails(app)] == ["ayse.oeztuerk@example.org"] * 2


def _personal_link_in(message) -> str:
    line = [line for line in mail_text(message).splitlines() if "/registration/me/" in line][0]
    return "/registration/me/" + line.split("/registration/me/")[1].split()[0].rstrip(".")


def test_a_participant_replaces_a_leaked_personal_link(client, app, make_event):
    event = make_event()
    old = register_through_form(client, f"/registration/{event.slug}", form_data())
    assert client.get(old).status_code == 200
    page = client.post(f"{old}/renew").get_data(as_text=True)
    assert "gilt nicht mehr" in page
    assert client.get(old).status_code == 404  # the old link is dead at once
    mails = sent_mails(app)
    assert mails[-1]["To"] == "ayse.oeztuerk@example.org"
    new = _personal_link_in(mails[-1])
    assert new != old and client.get(new).status_code == 200
    # registering again with the same address mails the new link, not the old one
    client.post(f"/registration/{event.slug}", data=form_data())
    assert _personal_link_in(sent_mails(app)[-1]) == new


def test_an_organiser_replaces_a_personal_link(client, app, login, make_user, make_event, make_registration):
    event = make_event()
    registration = make_registration(event)
    login(make_user("organiser"))
    page = client.post(f"/registration/manage/entry/{registration.id}/renew_link", follow_redirects=True).get_data(
        as_text=True
    )
    assert "bekommt den neuen per E-Mail" in page
    assert client.get(f"/registration/me/{registration.manage_token}").status_code == 404
    assert client.get(_personal_link_in(sent_mails(app)[-1])).status_code == 200
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action)))
    assert "registration.renew_link" in actions


def test_invalid_input_keeps_what_was_typed_and_writes_nothing(client, app, make_event):
    event = make_event()
    response = client.post(
        f"/registration/{event.slug}",
        data=form_data(email="kein-at", privacy_consent=None, first_name="x" * 101, last_name="Öztürk"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="email-error"' in page and 'id="privacy_consent-error"' in page and 'id="first_name-error"' in page
    assert 'value="kein-at"' in page and 'value="Öztürk"' in page
    assert registrations_of(app, event) == []
    with app.app_context():
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0


def test_a_district_not_in_the_list_is_refused_in_the_visitors_language(client, app, make_event):
    event = make_event()
    for language, message in (
        ("de", "Bitte wählen Sie einen Landkreis oder eine kreisfreie Stadt aus der Liste."),
        ("en", "Please choose a district or an independent city from the list."),
    ):
        with client.session_transaction() as session:
            session["lang"] = language
        response = client.post(f"/registration/{event.slug}", data=form_data(district_id="99999"))
        assert response.status_code == 400
        assert f'<p class="error" id="district_id-error">{message}</p>' in response.get_data(as_text=True)
    assert registrations_of(app, event) == []


def test_closed_window_cancelled_event_and_unknown_event(client, make_event):
    past = make_event(registration_closes_at=utcnow() - timedelta(hours=1))
    response = client.get(f"/registration/{past.slug}")
    assert response.status_code == 403 and "Die Anmeldung ist geschlossen." in response.get_data(as_text=True)
    assert client.post(f"/registration/{past.slug}", data=form_data()).status_code == 403
    not_yet = make_event(registration_opens_at=utcnow() + timedelta(days=2))
    assert "noch nicht geöffnet" in client.get(f"/registration/{not_yet.slug}").get_data(as_text=True)
    cancelled = make_event(status="cancelled")
    assert "abgesagt" in client.get(f"/registration/{cancelled.slug}").get_data(as_text=True)
    draft = make_event(status="draft")
    assert client.get(f"/registration/{draft.slug}").status_code == 404
    assert client.get("/registration/gibt-es-nicht").status_code == 404
    assert client.get("/registration/me/unbekannter-token").status_code == 404


def test_the_required_privacy_consent_is_marked_like_every_required_field(client, make_event):
    page = client.get(f"/registration/{make_event().slug}").get_data(as_text=True)
    assert "Pflichtfelder sind mit * gekennzeichnet." in page
    assert re.search(r'<label for="privacy_consent">[^<]*</label><span class="req" aria-hidden="true"> \*</span>', page)
    assert not re.search(r'<label for="photo_consent">[^<]*</label><span class="req"', page)  # optional


def test_workshops_at_most_one_per_slot_and_full_ones_refused(client, app, make_event):
    event = make_event()
    wohnen, sport, werte = add_workshops(app, event, capacity=1)
    page = client.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "Workshop, Zeitfenster 1" in page and "Workshop, Zeitfenster 2" in page
    personal = register_through_form(
        client,
        f"/registration/{event.slug}",
        form_data(email="a@example.org", workshop_slot_1=str(wohnen), workshop_slot_2=str(werte)),
    )
    assert "Wohnen" in client.get(personal).get_data(as_text=True)
    # Wohnen had one place: it is full now
    page = client.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "Wohnen – ausgebucht" in page
    response = client.post(
        f"/registration/{event.slug}", data=form_data(email="b@example.org", workshop_slot_1=str(wohnen))
    )
    assert response.status_code == 400
    assert "Dieser Workshop ist leider ausgebucht." in response.get_data(as_text=True)
    assert len(registrations_of(app, event)) == 1
    # a workshop of another slot in the wrong field is refused, too
    response = client.post(
        f"/registration/{event.slug}", data=form_data(email="c@example.org", workshop_slot_1=str(werte))
    )
    assert response.status_code == 400


def _workshop_radio(page: str, workshop_id: int) -> str:
    return re.search(rf'<input[^>]*name="workshop_slot_1"[^>]*value="{workshop_id}"[^>]*>', page)[0]


def test_a_full_workshop_cannot_be_chosen_except_by_who_holds_its_place(client, app, make_event):
    event = make_event()
    wohnen, sport, _werte = add_workshops(app, event, capacity=1)
    personal = register_through_form(
        client, f"/registration/{event.slug}", form_data(email="a@example.org", workshop_slot_1=str(wohnen))
    )
    blank = app.test_client().get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "disabled" in _workshop_radio(blank, wohnen) and "disabled" not in _workshop_radio(blank, sport)
    own = client.get(personal).get_data(as_text=True)
    assert "disabled" not in _workshop_radio(own, wohnen) and "checked" in _workshop_radio(own, wohnen)


def test_the_blank_form_shows_changes_to_the_event_at_once(app, make_event):
    """The blank form is kept per process; any change to what it shows must show at once."""
    client = app.test_client()  # not the fixture: its kept request context would give `fresh` its language
    event = make_event()
    first = client.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "Übernachten Sie?" not in first and "Workshop, Zeitfenster 1" not in first
    with app.app_context():
        db.session.add(Question(event_id=event.id, position=1, label="Übernachten Sie?", kind="yesno"))
        db.session.commit()
    (wohnen, _sport, _werte) = add_workshops(app, event)
    page = client.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "Übernachten Sie?" in page and "Wohnen" in page and "Workshop, Zeitfenster 1" in page
    with app.app_context():
        db.session.get(EventSession, wohnen).title = "Wohnen und Nachbarschaft"
        db.session.commit()
    assert "Wohnen und Nachbarschaft" in client.get(f"/registration/{event.slug}").get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.scalars(select(Question)).one())
        db.session.commit()
    assert "Übernachten Sie?" not in client.get(f"/registration/{event.slug}").get_data(as_text=True)
    with app.app_context():
        changed = db.session.get(Event, event.id)
        changed.title, changed.venue_name, changed.capacity = "Vernetzungstreffen Nord", "Stadthalle Hof", 1
        db.session.commit()
    page = client.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "Vernetzungstreffen Nord" in page and "Stadthalle Hof" in page and "Meistersingerhalle" not in page
    assert "Auf die Warteliste setzen" not in page
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "First name" in english and "Vorname" not in english
    client.post(f"/registration/{event.slug}", data=form_data())
    fresh = app.test_client()  # the one place is taken: a new visitor is told about the waiting list
    page = fresh.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "Die Veranstaltung ist ausgebucht." in page and "Auf die Warteliste setzen" in page


def test_the_shared_blank_form_is_never_someone_elses(app, make_event, make_user, login):
    """The blank form is kept per process for anonymous visitors; signed-in people and pending messages are
    never part of it."""
    event = make_event()
    organiser = app.test_client()
    login(make_user("organiser", email="olaf@example.org"), organiser)
    assert "Abmelden" in organiser.get(f"/registration/{event.slug}").get_data(as_text=True)
    visitor = app.test_client()
    page = visitor.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "Abmelden" not in page and "olaf" not in page.lower()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("warning", "Bitte melden Sie sich erneut an.")]
    assert "Bitte melden Sie sich erneut an." in visitor.get(f"/registration/{event.slug}").get_data(as_text=True)
    again = visitor.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert "Bitte melden Sie sich erneut an." not in again and "Abmelden" not in again
    assert "Abmelden" in organiser.get(f"/registration/{event.slug}").get_data(as_text=True)


def test_questions_are_asked_and_required_ones_enforced(client, app, make_event):
    event = make_event()
    with app.app_context():
        db.session.add_all(
            [
                Question(event_id=event.id, position=1, label="Übernachten Sie?", kind="yesno", required=True),
                Question(event_id=event.id, position=2, label="Anreise", kind="single", options=["Bahn", "Auto"]),
                Question(event_id=event.id, position=3, label="Themen", kind="multiple", options=["Wohnen", "Arbeit"]),
            ]
        )
        db.session.commit()
        ids = [q.id for q in db.session.scalars(select(Question).order_by(Question.position))]
    response = client.post(f"/registration/{event.slug}", data=form_data())
    assert response.status_code == 400 and f'id="question_{ids[0]}-error"' in response.get_data(as_text=True)
    data = form_data()
    data.update({f"question_{ids[0]}": "yes", f"question_{ids[1]}": "Bahn", f"question_{ids[2]}": ["Wohnen", "Arbeit"]})
    assert client.post(f"/registration/{event.slug}", data=data).status_code == 302
    with app.app_context():
        answers = db.session.scalars(select(Registration)).one().answers
    assert answers == {str(ids[0]): "yes", str(ids[1]): "Bahn", str(ids[2]): ["Wohnen", "Arbeit"]}


def _error_summary_targets(page: str) -> tuple[list[str], dict[str, dict]]:
    """The fragments the error summary links to, and every element with an id (tag and attributes)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.in_summary, self.links, self.ids = 0, [], {}

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if "id" in attrs:
                self.ids[attrs["id"]] = {"tag": tag, **attrs}
            if tag == "div" and "error-summary" in (attrs.get("class") or ""):
                self.in_summary = 1
            elif self.in_summary and tag == "div":
                self.in_summary += 1
            elif self.in_summary and tag == "a":
                self.links.append(attrs["href"])

        def handle_endtag(self, tag):
            if self.in_summary and tag == "div":
                self.in_summary -= 1

    reader = Reader()
    reader.feed(page)
    return reader.links, reader.ids


def test_every_link_of_the_error_summary_leads_to_its_field(client, app, make_event):
    event = make_event()
    with app.app_context():
        db.session.add_all(
            [
                Question(event_id=event.id, position=1, label="Übernachten Sie?", kind="yesno", required=True),
                Question(
                    event_id=event.id, position=2, label="Anreise", kind="single", options=["Bahn"], required=True
                ),
                Question(
                    event_id=event.id, position=3, label="Themen", kind="multiple", options=["Wohnen"], required=True
                ),
                Question(event_id=event.id, position=4, label="Ihre Frage", kind="text", required=True),
            ]
        )
        db.session.commit()
    response = client.post(
        f"/registration/{event.slug}", data=form_data(first_name="", district_id="99999", privacy_consent=None)
    )
    assert response.status_code == 400
    links, ids = _error_summary_targets(response.get_data(as_text=True))
    assert len(links) == 7  # first name, district, consent and the four questions
    for link in links:
        assert link.startswith("#") and link[1:] in ids, link
        target = ids[link[1:]]
        # a link to a group of choices moves the focus to the group, whose legend names the question
        assert target["tag"] in ("input", "select", "textarea") or target.get("tabindex") == "-1", target


def test_the_error_summary_leads_to_a_workshop_that_filled_up(client, app, make_event, make_registration):
    event = make_event()
    wohnen, _sport, _werte = add_workshops(app, event, capacity=1)
    taken = make_registration(event, "confirmed")
    with app.app_context():
        db.session.add(WorkshopChoice(registration_id=taken.id, session_id=wohnen))
        db.session.commit()
    response = client.post(f"/registration/{event.slug}", data=form_data(workshop_slot_1=str(wohnen)))
    assert response.status_code == 400
    links, ids = _error_summary_targets(response.get_data(as_text=True))
    assert links == ["#workshop_slot_1"]
    assert ids["workshop_slot_1"]["tag"] == "fieldset" and ids["workshop_slot_1"]["tabindex"] == "-1"


def test_free_text_questions_required_optional_and_at_most_2000_characters(client, app, make_event):
    event = make_event()
    with app.app_context():
        required = Question(event_id=event.id, position=1, label="Was erwarten Sie?", kind="text", required=True)
        optional = Question(event_id=event.id, position=2, label="Anmerkungen", kind="text")
        db.session.add_all([required, optional])
        db.session.commit()
        required, optional = f"question_{required.id}", f"question_{optional.id}"
    page = client.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert f'<label for="{required}">Was erwarten Sie?<span class="req" aria-hidden="true"> *</span></label>' in page
    assert f'<label for="{optional}">Anmerkungen</label>' in page
    # the required one left empty (or only blanks): refused at its field, nothing written
    for empty in ("", "   "):
        response = client.post(f"/registration/{event.slug}", data=form_data(**{required: empty}))
        assert response.status_code == 400
        assert f'id="{required}-error"' in response.get_data(as_text=True)
    # too long: refused at its field with the limit, and what was typed stays
    too_long = ("Austausch mit anderen Lotsinnen. " * 70).strip()  # 2309 characters
    response = client.post(f"/registration/{event.slug}", data=form_data(**{required: "Austausch", optional: too_long}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<p class="error" id="{optional}-error">' in page and "2000" in page
    assert f">\r\n{too_long}</textarea>" in page
    assert registrations_of(app, event) == []
    # 2000 characters are fine; answers are kept trimmed, and an optional one left blank is no answer at all
    at_limit = "x" * 2000
    data = form_data(**{required: f"  {at_limit}\n", optional: "  "})
    assert client.post(f"/registration/{event.slug}", data=data).status_code == 302
    with app.app_context():
        answers = db.session.scalars(select(Registration)).one().answers
    assert answers == {required.removeprefix("question_"): at_limit}


def test_the_personal_link_shows_changes_and_cancels(client, app, make_event):
    event = make_event()
    wohnen, sport, werte = add_workshops(app, event, capacity=5)
    personal = register_through_form(client, f"/registration/{event.slug}", form_data(workshop_slot_1=str(wohnen)))
    page = client.get(personal).get_data(as_text=True)
    assert "Ayşe Öztürk" in page and "Wohnen" in page
    response = client.post(
        personal,
        data=form_data(email=None, privacy_consent=None, workshop_slot_1=str(sport), dietary_needs="vegan"),
        follow_redirects=True,
    )
    assert "Ihre Änderungen sind gespeichert." in response.get_data(as_text=True)
    with app.app_context():
        registration = db.session.scalars(select(Registration)).one()
        assert [c.session_id for c in registration.workshop_choices] == [sport]
        assert registration.dietary_needs == "vegan"
    ics = client.get(personal + "/invite.ics")
    assert ics.mimetype == "text/calendar" and b"METHOD:PUBLISH" in ics.data


def test_a_cancelled_registrations_page_no_longer_lists_its_workshops(client, app, make_event):
    event = make_event()
    wohnen, _sport, _werte = add_workshops(app, event, capacity=5)
    personal = register_through_form(client, f"/registration/{event.slug}", form_data(workshop_slot_1=str(wohnen)))
    assert "Ihre Workshops" in client.get(personal).get_data(as_text=True)
    page = client.post(personal + "/cancel", follow_redirects=True).get_data(as_text=True)
    assert "storniert" in page and "Ihre Workshops" not in page


def test_register_again_is_offered_after_a_cancellation_only_while_registration_is_open(
    client, app, make_event, make_registration
):
    event = make_event()
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    page = client.post(personal + "/cancel", follow_redirects=True).get_data(as_text=True)
    assert "Erneut anmelden" in page
    past = make_event(starts_at=utcnow() - timedelta(days=3))
    cancelled = make_registration(past, "cancelled")
    page = client.get(f"/registration/me/{cancelled.manage_token}").get_data(as_text=True)
    assert "Storniert" in page and "Erneut anmelden" not in page


def test_a_full_workshop_is_reported_with_the_other_mistakes_in_the_order_of_the_page(client, app, make_event):
    event = make_event()
    wohnen, _sport, _werte = add_workshops(app, event, capacity=1)
    client.post(f"/registration/{event.slug}", data=form_data(workshop_slot_1=str(wohnen)))
    with app.app_context():
        db.session.add(Question(event_id=event.id, position=1, label="Anreise", kind="text", required=True))
        db.session.commit()
    response = client.post(
        f"/registration/{event.slug}",
        data=form_data(email="b@example.org", last_name="", privacy_consent=None, workshop_slot_1=str(wohnen)),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page[page.index('class="error-summary"') : page.index("</ul>", page.index('class="error-summary"'))]
    order = [summary.index(label) for label in ("Nachname", "Anreise", "Workshop", "Datenschutz")]
    assert order == sorted(order)
    assert "Dieser Workshop ist leider ausgebucht." in summary
    assert registrations_of(app, event) == [("ayse.oeztuerk@example.org", "confirmed", None)]


def test_the_personal_link_opens_in_the_language_chosen_for_mails(client, app, make_event):
    """Someone who registered for English mails and opens the link from one in a fresh browser reads English."""
    event = make_event()
    personal = register_through_form(client, f"/registration/{event.slug}", form_data(language="en"))
    assert sent_mails(app)[0]["Subject"].startswith("Registration confirmed")
    fresh = app.test_client()
    page = fresh.get(personal).get_data(as_text=True)
    assert '<html lang="en">' in page and "Your registration" in page and "Ihre Anmeldung" not in page
    cancelled = fresh.post(personal + "/cancel", follow_redirects=True).get_data(as_text=True)
    assert "Your registration has been cancelled" in cancelled and "storniert" not in cancelled
    # a visitor who has chosen a language keeps it
    fresh.post("/language", data={"lang": "de"})
    assert '<html lang="de">' in fresh.get(personal).get_data(as_text=True)


def test_cancellation_deadline_is_enforced(client, app, make_event):
    event = make_event(cancellation_deadline=utcnow() + timedelta(seconds=1))
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    with app.app_context():
        from events.meetings.models import Event

        db.session.get(Event, event.id).cancellation_deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.post(personal + "/cancel", follow_redirects=True)
    assert "Die Frist für Stornierungen ist abgelaufen" in response.get_data(as_text=True)
    assert registrations_of(app, event)[0][1] == "confirmed"


def test_the_registration_form_names_the_cancellation_deadline(app, make_event):
    from zoneinfo import ZoneInfo

    deadline = (utcnow() + timedelta(days=20)).astimezone(ZoneInfo("Europe/Berlin")).replace(hour=18, minute=0)
    event = make_event(cancellation_deadline=deadline)
    client = app.test_client()
    page = client.get(f"/registration/{event.slug}").get_data(as_text=True)
    assert f"Stornieren können Sie über Ihren persönlichen Link bis {deadline:%d.%m.%y}, 18:00." in page
    client.post("/language", data={"lang": "en"})
    page = client.get(f"/registration/{event.slug}").get_data(as_text=True)
    # English dates follow en-GB: day before month, 24-hour clock
    assert f"You can cancel through your personal link until {deadline:%d/%m/%Y}, 18:00." in page
    assert "Stornieren" not in client.get(f"/registration/{make_event().slug}").get_data(as_text=True)


def test_after_the_cancellation_deadline_a_waiting_person_can_still_leave_the_waiting_list(client, app, make_event):
    event = make_event(capacity=1, cancellation_deadline=utcnow() + timedelta(seconds=1))
    client.post(f"/registration/{event.slug}", data=form_data(email="a@example.org"))
    waiting = register_through_form(client, f"/registration/{event.slug}", form_data(email="b@example.org"))
    with app.app_context():
        db.session.get(Event, event.id).cancellation_deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page = client.get(waiting).get_data(as_text=True)
    assert f'action="{waiting}/cancel"' in page and "Die Frist für Stornierungen ist abgelaufen" not in page
    response = client.post(waiting + "/cancel", follow_redirects=True)
    assert "Ihre Anmeldung ist storniert." in response.get_data(as_text=True)
    assert [r[1] for r in registrations_of(app, event)] == ["confirmed", "cancelled"]


def test_after_the_event_the_photo_consent_can_still_be_withdrawn_through_the_personal_link(
    client, app, make_event, make_registration
):
    event = make_event(starts_at=utcnow() - timedelta(days=2))
    registration = make_registration(event, "confirmed", photo_consent=True, photo_consent_at=utcnow())
    personal = f"/registration/me/{registration.manage_token}"
    page = client.get(personal).get_data(as_text=True)
    assert "Angaben ändern" not in page  # the form is closed after the event ...
    assert f'action="{personal}/photo-consent/withdraw"' in page  # ... the withdrawal is not
    response = client.post(personal + "/photo-consent/withdraw", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Ihre Einwilligung zur Fotoveröffentlichung ist widerrufen." in page
    assert "photo-consent/withdraw" not in page
    with app.app_context():
        stored = db.session.get(Registration, registration.id)
        assert (stored.photo_consent, stored.photo_consent_at) == (False, None)
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(registration.id)))
        assert "registration.photo_consent_withdrawn" in list(actions)
    again = client.post(personal + "/photo-consent/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "Es lag keine Einwilligung zur Fotoveröffentlichung vor." in again


def test_the_stored_privacy_consent_names_both_ways_to_withdraw_it(client, app, make_event):
    event = make_event()
    client.post(f"/registration/{event.slug}", data=form_data())
    with app.app_context():
        registration = db.session.scalars(select(Registration)).one()
        assert registration.privacy_consent_version == "2026-12"
        assert "bis zum Stornierungsschluss" in registration.privacy_consent_text
        assert "danach mit einer Nachricht an das Organisationsteam" in registration.privacy_consent_text


def test_invitation_only_events_need_the_personal_invitation(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    assert client.get(f"/registration/{event.slug}").status_code == 403
    login(make_user("organiser"))
    csv = "email;first_name;last_name;organisation\nnora@example.org;Nora;Weiß;KoBE Passau\n".encode()
    from io import BytesIO

    response = client.post(
        f"/meetings/manage/{event.id}/invitations", data={"file": (BytesIO(csv), "gaeste.csv")}, follow_redirects=True
    )
    assert "1 Einladung verschickt." in response.get_data(as_text=True)
    invitation_mail = sent_mails(app)[-1]
    assert invitation_mail["Reply-To"] == "integration@stmi.example"
    assert invitation_mail["To"] == "nora@example.org"
    link = [line for line in mail_text(invitation_mail).splitlines() if "invitation=" in line][0].strip()
    path = link.replace("http://localhost", "")
    page = client.get(path).get_data(as_text=True)
    assert 'value="nora@example.org"' in page and 'value="Weiß"' in page
    response = client.post(path, data=form_data(email="nora@example.org", first_name="Nora", last_name="Weiß"))
    assert response.status_code == 302
    assert registrations_of(app, event) == [("nora@example.org", "confirmed", None)]


def invite(app, event, email="nora@example.org", **fields) -> str:
    """An invitation to the event; returns the path of its personal registration link."""
    import secrets

    from events.registration.models import Invitation
    from events.registration.tokens import hash_token

    token = secrets.token_urlsafe(16)
    with app.app_context():
        db.session.add(Invitation(event_id=event.id, email=email, token_hash=hash_token(token), **fields))
        db.session.commit()
    return f"/registration/{event.slug}?invitation={token}"


def test_an_invitation_registers_the_invited_address_whatever_the_form_says(client, app, make_event):
    event = make_event(access="invited")
    link = invite(app, event, first_name="Nora", last_name="Weiß")
    page = client.get(link).get_data(as_text=True)
    assert 'name="email" readonly required type="email" value="nora@example.org"' in page
    assert "Ihre Einladung gilt für diese Adresse." in page

    response = client.post(link, data=form_data(email="jemand.anders@example.org", first_name="Nora"))
    assert response.status_code == 302
    assert registrations_of(app, event) == [("nora@example.org", "confirmed", None)]
    assert [mail["To"] for mail in sent_mails(app)] == ["nora@example.org"]
    with app.app_context():
        registration = db.session.scalars(select(Registration)).one()
        assert registration.invitation_id is not None


def test_an_invitation_opened_in_english_offers_english_emails(client, app, make_event):
    event = make_event(access="invited")
    link = invite(app, event, first_name="Nora", last_name="Weiß")
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get(link).get_data(as_text=True)
    assert 'value="Weiß"' in page  # filled from the invitation ...
    assert '<option selected value="en">English</option>' in page  # ... and in the language the page is read in


def test_a_form_with_errors_keeps_showing_the_invited_address(client, app, make_event):
    event = make_event(access="invited")
    link = invite(app, event)
    response = client.post(link, data=form_data(email="jemand.anders@example.org", last_name=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="nora@example.org"' in page and "jemand.anders@example.org" not in page
    assert registrations_of(app, event) == []


def test_using_an_invitation_again_leads_to_the_registration_and_registers_nobody_else(client, app, make_event):
    event = make_event(access="invited")
    link = invite(app, event)
    client.post(link, data=form_data(email="nora@example.org"))
    response = client.post(link, data=form_data(email="zweite.person@example.org", first_name="Zweite"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Sie sind bereits angemeldet" in page and "Zu Ihrer Anmeldung" in page
    assert registrations_of(app, event) == [("nora@example.org", "confirmed", None)]
    assert [mail["To"] for mail in sent_mails(app)] == ["nora@example.org"]  # only the first confirmation


def test_after_cancelling_the_invitation_registers_the_same_person_again(client, app, make_event):
    event = make_event(access="invited")
    link = invite(app, event)
    personal = client.post(link, data=form_data(email="nora@example.org")).headers["Location"]
    client.post(personal + "/cancel")
    assert registrations_of(app, event) == [("nora@example.org", "cancelled", None)]
    response = client.post(link, data=form_data(email="jemand.anders@example.org"))
    assert response.status_code == 302
    assert registrations_of(app, event) == [("nora@example.org", "confirmed", None)]


def test_the_database_holds_one_registration_per_invitation(app, make_event, make_registration):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from events.registration.models import Invitation

    event = make_event(access="invited")
    invite(app, event)
    with app.app_context():
        invitation_id = db.session.scalars(select(Invitation.id)).one()
    make_registration(event, invitation_id=invitation_id)
    make_registration(event)  # registrations without an invitation are not limited
    make_registration(event)
    with pytest.raises(IntegrityError):
        make_registration(event, invitation_id=invitation_id)


def test_a_bad_invitation_file_writes_nothing(client, app, login, make_user, make_event):
    from io import BytesIO

    event = make_event(access="invited")
    login(make_user("organiser"))
    csv = b"email,first_name\nok@example.org,Ok\nkaputt,Kaputt\n"
    response = client.post(
        f"/meetings/manage/{event.id}/invitations", data={"file": (BytesIO(csv), "g.csv")}, follow_redirects=True
    )
    assert "Zeile 3: keine gültige E-Mail-Adresse" in response.get_data(as_text=True)
    assert sent_mails(app) == []


def test_organiser_sees_counts_breakdowns_and_exports(client, app, login, make_user, make_event):
    event = make_event(capacity=1)
    with app.app_context():
        landshut = db.session.scalars(select(District).filter_by(key="09261")).one().id
    client.post(f"/registration/{event.slug}", data=form_data(email="a@example.org", district_id=str(landshut)))
    client.post(f"/registration/{event.slug}", data=form_data(email="b@example.org", first_name="=HYPERLINK(1)"))
    login(make_user("organiser"))
    page = client.get(f"/registration/manage/{event.id}").get_data(as_text=True)
    assert "Niederbayern" in page and "Landshut (Stadt)" in page
    assert "Warteliste, Platz 1" in page
    csv = client.get(f"/registration/manage/{event.id}/export.csv")
    text = csv.data.decode("utf-8-sig")
    assert "Öztürk" in text and "'=HYPERLINK(1)" in text
    xlsx = client.get(f"/registration/manage/{event.id}/export.xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.data)).active
    rows = list(sheet.values)
    assert rows[0][3] == "Vorname" and len(rows) == 3


def _export_questions(app, event) -> list[int]:
    """One question of each kind; returns their ids in order."""
    with app.app_context():
        questions = [
            Question(event_id=event.id, position=1, label="Anmerkungen", kind="text"),
            Question(event_id=event.id, position=2, label="Anreise", kind="single", options=["Bahn", "-5 Grad"]),
            Question(event_id=event.id, position=3, label="Themen", kind="multiple", options=["Wohnen", "Arbeit"]),
            Question(event_id=event.id, position=4, label="Übernachten Sie?", kind="yesno"),
        ]
        db.session.add_all(questions)
        db.session.commit()
        return [q.id for q in questions]


def _csv_rows(response) -> list[list[str]]:
    import csv
    from io import StringIO

    return list(csv.reader(StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(response) -> list[tuple]:
    from io import BytesIO

    from openpyxl import load_workbook

    return list(load_workbook(BytesIO(response.data)).active.values)


def test_the_export_holds_every_answer_in_csv_and_xlsx(client, app, login, make_user, make_event):
    event = make_event()
    text, single, multiple, yesno = _export_questions(app, event)
    answers = {
        f"question_{text}": "-5 Grad, bitte Decken",
        f"question_{single}": "-5 Grad",
        f"question_{multiple}": ["Wohnen", "Arbeit"],
        f"question_{yesno}": "no",
    }
    client.post(f"/registration/{event.slug}", data=form_data(**answers))
    # a free-text answer that happens to read "yes" stays as typed; only a yes/no question says "ja" or "nein"
    client.post(
        f"/registration/{event.slug}",
        data=form_data(
            email="b@example.org", last_name="Weiß", **{f"question_{text}": "yes", f"question_{yesno}": "yes"}
        ),
    )
    login(make_user("organiser"))
    as_typed = {
        "Öztürk": ["-5 Grad, bitte Decken", "-5 Grad", "Wohnen; Arbeit", "nein"],
        "Weiß": ["yes", "", "", "ja"],
    }
    in_csv = {  # the CSV guards values a spreadsheet would take for a formula with an apostrophe
        "Öztürk": ["'-5 Grad, bitte Decken", "'-5 Grad", "Wohnen; Arbeit", "nein"],
        "Weiß": as_typed["Weiß"],
    }
    for response, expected in (
        (client.get(f"/registration/manage/{event.id}/export.csv"), in_csv),
        (client.get(f"/registration/manage/{event.id}/export.xlsx"), as_typed),
    ):
        rows = _csv_rows(response) if response.mimetype == "text/csv" else _xlsx_rows(response)
        header = list(rows[0])
        assert header[-4:] == ["Anmerkungen", "Anreise", "Themen", "Übernachten Sie?"]
        answers_by_name = {row[header.index("Nachname")]: [value or "" for value in row[-4:]] for row in rows[1:]}
        assert answers_by_name == expected


def test_the_organisers_page_of_a_registration_reads_its_answers_as_the_export_does(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event()
    text, single, multiple, yesno = _export_questions(app, event)
    registration = make_registration(
        event, answers={str(text): "yes", str(multiple): ["Wohnen", "Arbeit"], str(yesno): "yes"}
    )
    login(make_user("organiser"))
    page = client.get(f"/registration/manage/entry/{registration.id}").get_data(as_text=True)
    assert "<dt>Übernachten Sie?</dt><dd>ja</dd>" in page  # not the stored value "yes"
    assert "<dt>Anmerkungen</dt><dd>yes</dd>" in page  # a free text stays as typed
    assert "<dt>Themen</dt><dd>Wohnen; Arbeit</dd>" in page and "<dt>Anreise</dt><dd>–</dd>" in page


def test_a_value_that_looks_like_a_formula_is_plain_text_in_xlsx(client, app, login, make_user, make_event):
    from io import BytesIO

    from openpyxl import load_workbook

    event = make_event()
    client.post(f"/registration/{event.slug}", data=form_data(function="-5 Grad", dietary_needs="=1+1"))
    login(make_user("organiser"))
    sheet = load_workbook(BytesIO(client.get(f"/registration/manage/{event.id}/export.xlsx").data)).active
    header = [cell.value for cell in sheet[1]]
    function = sheet.cell(row=2, column=header.index("Funktion") + 1)
    dietary = sheet.cell(row=2, column=header.index("Ernährung") + 1)
    assert (function.value, function.data_type) == ("-5 Grad", "s")
    assert (dietary.value, dietary.data_type) == ("=1+1", "s")  # text, not a formula that runs


def test_numbers_and_times_are_numbers_and_dates_in_xlsx_with_a_filter_on_every_column(
    client, app, login, make_user, make_event
):
    from datetime import datetime
    from io import BytesIO

    from openpyxl import load_workbook

    event = make_event(capacity=1)
    client.post(f"/registration/{event.slug}", data=form_data())
    client.post(f"/registration/{event.slug}", data=form_data(email="b@example.org"))
    login(make_user("organiser"))
    sheet = load_workbook(BytesIO(client.get(f"/registration/manage/{event.id}/export.xlsx").data)).active
    header = [cell.value for cell in sheet[1]]
    waiting = sheet.cell(row=3, column=header.index("Wartelistenplatz") + 1)
    number = sheet.cell(row=3, column=header.index("Nr.") + 1)
    registered = sheet.cell(row=3, column=header.index("Angemeldet am") + 1)
    assert waiting.value == 1 and isinstance(number.value, int)
    assert isinstance(registered.value, datetime) and registered.number_format == "DD.MM.YYYY HH:MM"
    assert sheet.auto_filter.ref == sheet.dimensions
    csv_rows = _csv_rows(client.get(f"/registration/manage/{event.id}/export.csv"))
    assert csv_rows[2][2] == "1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", csv_rows[2][header.index("Angemeldet am")])


def test_breakdowns_and_exports_speak_the_organisers_language(
    client, app, login, make_user, make_event, make_organisation
):
    event = make_event(capacity=1)
    make_organisation(name="Caritasverband Landshut", kind="welfare")
    with app.app_context():
        landshut = db.session.scalars(select(District).filter_by(key="09261")).one().id
    client.post(
        f"/registration/{event.slug}",
        data=form_data(organisation_name="Caritasverband Landshut", district_id=str(landshut)),
    )
    client.post(f"/registration/{event.slug}", data=form_data(email="b@example.org", language="en"))
    login(make_user("organiser"))
    words = {
        "de": ("Wohlfahrtsverband", "Landshut (Stadt)", "bestätigt", "Warteliste", "Art der Organisation"),
        "en": ("Welfare organisation", "Landshut (city)", "confirmed", "Waiting list", "Type of organisation"),
    }
    for language, (kind, district, confirmed, waiting, kind_header) in words.items():
        with client.session_transaction() as session:
            session["lang"] = language
        page = client.get(f"/registration/manage/{event.id}").get_data(as_text=True)
        assert f"<td>{kind}</td>" in page and f"<td>{district}</td>" in page
        assert ">welfare<" not in page  # shown as words (the filter sends the value)
        assert f">{district}</option>" in client.get(f"/registration/{event.slug}").get_data(as_text=True)
        for rows in (
            _csv_rows(client.get(f"/registration/manage/{event.id}/export.csv")),
            _xlsx_rows(client.get(f"/registration/manage/{event.id}/export.xlsx")),
        ):
            header = list(rows[0])
            column = {title: header.index(title) for title in header}
            statuses = [row[1] for row in rows[1:]]
            assert statuses == [confirmed, waiting]
            assert rows[1][column[kind_header]] == kind and district in rows[1]
            assert "welfare" not in rows[1]
            assert [row[column[header[15]]] for row in rows[1:]] == ["Deutsch", "English"]  # each in its own name


def test_organiser_promotes_reorders_and_cancels_by_hand(client, app, login, make_user, make_event, make_registration):
    event = make_event(capacity=1)
    first = make_registration(event, "confirmed")
    w1 = make_registration(event, "waitlisted", waitlist_position=1)
    w2 = make_registration(event, "waitlisted", waitlist_position=2)
    login(make_user("organiser"))
    response = client.post(f"/registration/manage/entry/{w1.id}/promote", follow_redirects=True)
    assert "Es ist kein Platz frei" in response.get_data(as_text=True)
    page = client.post(f"/registration/manage/entry/{w2.id}/up", follow_redirects=True).get_data(as_text=True)
    assert [r[2] for r in registrations_of(app, event)] == [None, 2, 1]
    assert "steht jetzt auf Platz 1 der Warteliste." in page
    # "up" for the first in line moves nobody, and the organiser reads that they are still first
    page = client.post(f"/registration/manage/entry/{w2.id}/up", follow_redirects=True).get_data(as_text=True)
    assert [r[2] for r in registrations_of(app, event)] == [None, 2, 1]
    assert "steht jetzt auf Platz 1 der Warteliste." in page and "Reihenfolge" not in page
    client.post(f"/registration/manage/entry/{first.id}/cancel")
    statuses = [r[1] for r in registrations_of(app, event)]
    assert statuses == ["cancelled", "waitlisted", "confirmed"]  # w2 was first in line after reordering
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"registration.reorder", "registration.cancel", "registration.promote"} <= actions


def test_an_organiser_confirms_a_waiting_person_beyond_the_capacity_only_when_ticking_the_box(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=1)
    first = make_registration(event, "confirmed")
    speaker = make_registration(event, "waitlisted", waitlist_position=1, first_name="Selin")
    later = make_registration(event, "waitlisted", waitlist_position=2)
    login(make_user("organiser"))
    listing = client.get(f"/registration/manage/{event.id}").get_data(as_text=True)
    assert f'href="/registration/manage/entry/{speaker.id}#beyond-capacity"' in listing
    assert f"/registration/manage/entry/{speaker.id}/promote" not in listing  # no button that can only fail
    page = client.get(f"/registration/manage/entry/{speaker.id}").get_data(as_text=True)
    assert "Alle Plätze sind vergeben (Kapazität: 1)." in page
    assert 'type="checkbox"' in page and 'name="beyond_capacity"' in page and "required" in page
    assert '<label for="beyond_capacity">Ja, über die Kapazität hinaus bestätigen</label>' in page
    # without the tick nothing happens
    page = client.post(f"/registration/manage/entry/{speaker.id}/promote", follow_redirects=True).get_data(as_text=True)
    assert "Es ist kein Platz frei" in page and "ausdrücklich über die Kapazität hinaus" in page
    assert [r[1] for r in registrations_of(app, event)] == ["confirmed", "waitlisted", "waitlisted"]
    page = client.post(
        f"/registration/manage/entry/{speaker.id}/promote", data={"beyond_capacity": "y"}, follow_redirects=True
    ).get_data(as_text=True)
    assert f"{speaker.full_name} ist über die Kapazität hinaus bestätigt und wird benachrichtigt." in page
    assert registrations_of(app, event) == [
        (first.email, "confirmed", None),
        (speaker.email, "confirmed", None),
        (later.email, "waitlisted", 1),
    ]
    assert [m["Subject"] for m in sent_mails(app) if m["To"] == speaker.email] == [f"Sie sind dabei: {event.title}"]
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "registration.promote_beyond_capacity")
        ).one()
        assert entry.object_id == str(speaker.id) and "2 confirmed, capacity 1" in entry.summary
    # for participants the capacity still holds: a new registration waits, and a cancellation frees no place
    client.post("/accounts/logout")
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    assert "Warteliste, Platz 2" in client.get(personal).get_data(as_text=True)
    client.post(f"/registration/me/{first.manage_token}/cancel")
    assert [r[1:] for r in registrations_of(app, event)] == [
        ("cancelled", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]


def test_an_organiser_moves_a_waiting_person_to_a_chosen_place(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=1)
    make_registration(event, "confirmed")
    waiting = [make_registration(event, "waitlisted", waitlist_position=n) for n in (1, 2, 3, 4)]
    login(make_user("organiser"))

    def places():
        return [position for _email, _status, position in registrations_of(app, event)[1:]]

    listing = client.get(f"/registration/manage/{event.id}?status=waitlisted").get_data(as_text=True)
    last = waiting[3]
    assert f'<label for="position-{last.id}">Auf Platz' in listing
    assert f'id="position-{last.id}" name="position" type="number" inputmode="numeric" min="1" max="4" value="4"' in (
        listing
    )
    page = client.post(
        f"/registration/manage/entry/{last.id}/move",
        data={"position": "1", "back": "list", "status": "waitlisted"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"{last.full_name} steht jetzt auf Platz 1 der Warteliste." in page
    assert places() == [2, 3, 4, 1]  # the others moved down by one
    client.post(f"/registration/manage/entry/{last.id}/move", data={"position": "3"}, follow_redirects=True)
    assert places() == [1, 2, 4, 3]
    for typed in ("0", "5", "drei", ""):
        page = client.post(
            f"/registration/manage/entry/{last.id}/move", data={"position": typed}, follow_redirects=True
        ).get_data(as_text=True)
        assert "steht jetzt auf Platz" not in page and "Bitte geben Sie einen Platz von 1 bis 4 an." in page
    assert places() == [1, 2, 4, 3]  # nothing changed by bad input
    client.post(f"/registration/manage/entry/{waiting[0].id}/down")  # the one-step buttons work as before
    assert places() == [2, 1, 4, 3]
    with app.app_context():
        summaries = list(
            db.session.scalars(
                select(AuditEntry.summary).where(AuditEntry.action == "registration.reorder").order_by(AuditEntry.id)
            )
        )
    assert summaries == [f"{last.full_name}: 4 -> 1", f"{last.full_name}: 1 -> 3", f"{waiting[0].full_name}: 1 -> 2"]


def test_an_organiser_takes_a_cancellation_back_within_ten_minutes(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=1)
    first = make_registration(event, "confirmed")
    waiting = make_registration(event, "waitlisted", waitlist_position=1)
    login(make_user("organiser"))
    page = client.post(f"/registration/manage/entry/{first.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert f'action="/registration/manage/entry/{first.id}/restore"' in page  # the button on the person's page
    assert [r[1] for r in registrations_of(app, event)] == ["cancelled", "confirmed"]  # the waiting person moved up
    # the place is gone: taking the cancellation back puts the person first in line, the other keeps the place
    page = client.post(f"/registration/manage/entry/{first.id}/restore", follow_redirects=True).get_data(as_text=True)
    assert "steht jetzt auf Platz 1 der Warteliste" in page
    assert registrations_of(app, event) == [(first.email, "waitlisted", 1), (waiting.email, "confirmed", None)]
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "registration.restore")))
    assert actions == ["registration.restore"]


def test_a_cancellation_taken_back_with_a_place_free_is_confirmed_and_mailed(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=5)
    person = make_registration(event, "confirmed")
    login(make_user("organiser"))
    client.post(f"/registration/manage/entry/{person.id}/cancel")
    page = client.post(f"/registration/manage/entry/{person.id}/restore", follow_redirects=True).get_data(as_text=True)
    assert "ist wieder bestätigt" in page
    assert registrations_of(app, event) == [(person.email, "confirmed", None)]
    with app.app_context():
        topics = [
            m.topic
            for m in db.session.scalars(
                select(OutgoingMail).where(OutgoingMail.recipient == person.email).order_by(OutgoingMail.id)
            )
        ]
    assert topics == ["registration.registration_cancelled", "registration.registration_confirmed"]


def test_a_workshop_filled_meanwhile_is_dropped_when_a_cancellation_is_taken_back(
    client, app, login, make_user, make_event
):
    event = make_event(capacity=10)
    wohnen, _sport, _werte = add_workshops(app, event, capacity=1)
    client.post(f"/registration/{event.slug}", data=form_data(email="a@example.org", workshop_slot_1=str(wohnen)))
    first_id = registrations_of_ids(app, event)[0]
    login(make_user("organiser"))
    client.post(f"/registration/manage/entry/{first_id}/cancel")
    client.post("/accounts/logout")
    response = client.post(
        f"/registration/{event.slug}", data=form_data(email="b@example.org", workshop_slot_1=str(wohnen))
    )
    assert response.status_code == 302  # the freed workshop place went to the next person
    login(make_user("organiser", email="other.organiser@example.org"))
    page = client.post(f"/registration/manage/entry/{first_id}/restore", follow_redirects=True).get_data(as_text=True)
    assert "ist wieder bestätigt" in page and "nicht mehr gewählt: Wohnen" in page
    with app.app_context():
        restored = db.session.get(Registration, first_id)
        assert restored.status == "confirmed" and restored.workshop_choices == []
    confirmation = [m for m in sent_mails(app) if m["To"] == "a@example.org"][-1]
    assert "inzwischen ausgebucht waren und daher nicht für Sie gebucht sind: Wohnen" in mail_text(confirmation)


def test_a_participant_takes_their_own_cancellation_back(client, app, make_event):
    event = make_event(capacity=5)
    link = register_through_form(client, f"/registration/{event.slug}", form_data())
    page = client.post(f"{link}/cancel", follow_redirects=True).get_data(as_text=True)
    assert f'action="{link}/restore"' in page
    page = client.post(f"{link}/restore", follow_redirects=True).get_data(as_text=True)
    assert "Ihre Anmeldung gilt wieder" in page
    assert registrations_of(app, event) == [("ayse.oeztuerk@example.org", "confirmed", None)]


def test_a_participant_cannot_take_back_an_organisers_cancellation(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=5)
    person = make_registration(event, "confirmed")
    login(make_user("organiser"))
    client.post(f"/registration/manage/entry/{person.id}/cancel")
    link = f"/registration/me/{person.manage_token}"
    assert f'action="{link}/restore"' not in client.get(link).get_data(as_text=True)
    page = client.post(f"{link}/restore", follow_redirects=True).get_data(as_text=True)
    assert "hat das Organisationsteam storniert" in page
    assert registrations_of(app, event) == [(person.email, "cancelled", None)]


def test_a_cancellation_cannot_be_taken_back_after_ten_minutes(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=5)
    person = make_registration(event, "confirmed")
    login(make_user("organiser"))
    client.post(f"/registration/manage/entry/{person.id}/cancel")
    with app.app_context():
        registration = db.session.get(Registration, person.id)
        registration.cancelled_at = utcnow() - timedelta(minutes=11)
        db.session.commit()
    page = client.get(f"/registration/manage/entry/{person.id}").get_data(as_text=True)
    assert f"/registration/manage/entry/{person.id}/restore" not in page
    page = client.post(f"/registration/manage/entry/{person.id}/restore", follow_redirects=True).get_data(as_text=True)
    assert "nur innerhalb von 10 Minuten" in page
    assert registrations_of(app, event) == [(person.email, "cancelled", None)]


def test_capacity_increase_promotes_from_the_waiting_list(client, app, login, make_user, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event, "confirmed")
    make_registration(event, "waitlisted", waitlist_position=1)
    from events.registration.waiting_list import promote_from_waiting_list

    with app.test_request_context():
        from events.meetings.models import Event

        db.session.get(Event, event.id).capacity = 2
        db.session.commit()
        promoted = promote_from_waiting_list(event.id)
    assert len(promoted) == 1
    assert [r[1] for r in registrations_of(app, event)] == ["confirmed", "confirmed"]


def test_a_promoted_person_keeps_a_chosen_workshop_that_still_has_a_place(client, app, make_event):
    event = make_event(capacity=1)
    wohnen, _sport, werte = add_workshops(app, event, capacity=1)  # Wohnen: one place, nobody confirmed in it
    first = register_through_form(client, f"/registration/{event.slug}", form_data(email="erste@example.org"))
    client.post(
        f"/registration/{event.slug}",
        data=form_data(email="zweite@example.org", workshop_slot_1=str(wohnen), workshop_slot_2=str(werte)),
    )
    client.post(first + "/cancel")
    with app.app_context():
        promoted = db.session.scalars(select(Registration).filter_by(email="zweite@example.org")).one()
        assert promoted.status == "confirmed"
        assert sorted(c.session_id for c in promoted.workshop_choices) == sorted([wohnen, werte])
    promotion = next(m for m in sent_mails(app) if m["Subject"].startswith("Sie sind dabei"))
    text = mail_text(promotion)
    assert "Ihre Workshops:" in text and ": Wohnen" in text and ": Werte" in text
    assert "inzwischen ausgebucht" not in text


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("de", "Gewählte Workshops, die inzwischen ausgebucht waren und daher nicht für Sie gebucht sind: Wohnen"),
        (
            "en",
            "Workshops you chose that were fully booked in the meantime and are therefore not booked for you: Wohnen",
        ),
    ],
    ids=["de", "en"],
)
def test_the_promotion_mail_names_the_chosen_workshops_that_were_full(client, app, make_event, language, sentence):
    event = make_event(capacity=2)
    wohnen, _sport, werte = add_workshops(app, event, capacity=1)
    anna = register_through_form(client, f"/registration/{event.slug}", form_data(email="anna@example.org"))
    ben = register_through_form(client, f"/registration/{event.slug}", form_data(email="ben@example.org"))
    client.post(
        f"/registration/{event.slug}",
        data=form_data(
            email="cem@example.org", language=language, workshop_slot_1=str(wohnen), workshop_slot_2=str(werte)
        ),
    )  # on the waiting list; Wohnen still had its place
    client.post(anna, data=form_data(email="anna@example.org", workshop_slot_1=str(wohnen)))  # now Wohnen is full
    client.post(ben + "/cancel")  # Cem moves up
    with app.app_context():
        cem = db.session.scalars(select(Registration).filter_by(email="cem@example.org")).one()
        assert cem.status == "confirmed" and [c.session_id for c in cem.workshop_choices] == [werte]
    promotion = [m for m in sent_mails(app) if m["To"] == "cem@example.org"][-1]
    text, html = mail_text(promotion), promotion.get_body(preferencelist=("html",)).get_content()
    assert sentence in text and sentence in html
    assert ": Werte" in text  # the workshop kept is listed as before


def test_an_organiser_promoting_by_hand_is_told_which_workshops_were_full(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=2)
    wohnen, _sport, _werte = add_workshops(app, event, capacity=1)
    taken = make_registration(event, "confirmed")
    waiting = make_registration(event, "waitlisted", waitlist_position=1)
    with app.app_context():
        from events.registration.models import WorkshopChoice

        db.session.add_all(
            [
                WorkshopChoice(registration_id=taken.id, session_id=wohnen),
                WorkshopChoice(registration_id=waiting.id, session_id=wohnen),
            ]
        )
        db.session.commit()
    login(make_user("organiser"))
    page = client.post(f"/registration/manage/entry/{waiting.id}/promote", follow_redirects=True).get_data(as_text=True)
    assert "ist jetzt bestätigt" in page and "nicht mehr gewählt: Wohnen" in page


def test_organiser_message_goes_to_the_filtered_registrants(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=5)
    confirmed = make_registration(event, "confirmed")
    make_registration(event, "waitlisted", waitlist_position=1)
    login(make_user("organiser"))
    response = client.post(
        f"/registration/manage/{event.id}/message",
        data={"subject": "Anreise", "body": "Bitte bringen Sie Ihr Ticket mit.", "status": "confirmed"},
        follow_redirects=True,
    )
    assert "Die Nachricht geht an 1 Person." in response.get_data(as_text=True)
    mails = sent_mails(app)
    assert [m["To"] for m in mails] == [confirmed.email]
    assert "Bitte bringen Sie Ihr Ticket mit." in mail_text(mails[0])


def test_a_message_to_a_selection_of_nobody_is_not_sent_and_keeps_what_was_typed(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=5)
    make_registration(event, "confirmed", last_name="Schneider")
    login(make_user("organiser"))
    response = client.post(
        f"/registration/manage/{event.id}/message?status=waitlisted",
        data={"subject": "Warteliste", "body": "Sie rücken bald nach."},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Zu dieser Auswahl gehört niemand. Die Nachricht ist nicht gesendet." in page
    assert 'value="Warteliste"' in page and "Sie rücken bald nach.</textarea>" in page
    assert sent_mails(app) == []
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "registration.message")) == 0


def test_the_audit_log_of_a_message_names_its_recipients_by_id_but_not_the_search_text(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(capacity=5)
    found = make_registration(event, "confirmed", last_name="Yılmaz")
    make_registration(event, "confirmed", last_name="Schneider")
    login(make_user("organiser"))
    response = client.post(
        f"/registration/manage/{event.id}/message?q=Yılmaz",
        data={"subject": "Ihre Frage", "body": "Wir haben Ihre Frage weitergegeben."},
        follow_redirects=True,
    )
    assert "Die Nachricht geht an 1 Person." in response.get_data(as_text=True)
    assert [m["To"] for m in sent_mails(app)] == [found.email]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.message")).one()
    assert entry.summary == "Ihre Frage -> 1 (all, search)"
    assert "Yılmaz" not in str(entry.details)
    assert entry.details == {"status": None, "search": True, "registrations": [found.id]}


def test_replies_to_mails_about_an_event_reach_its_contact_address(client, app, login, make_user, make_event):
    event = make_event()  # contact address integration@stmi.example
    client.post(f"/registration/{event.slug}", data=form_data())
    silent = make_event(contact_email=None)
    client.post(f"/registration/{silent.slug}", data=form_data(email="ohne@example.org"))
    login(make_user("organiser"))
    client.post(f"/registration/manage/{event.id}/message", data={"subject": "Anreise", "body": "Bitte pünktlich."})
    mails = sent_mails(app)
    about_event = [m for m in mails if m["To"] == "ayse.oeztuerk@example.org"]
    assert [m["Subject"].split(":")[0] for m in about_event] == ["Anmeldung bestätigt", "Anreise"]
    assert {m["Reply-To"] for m in about_event} == {"integration@stmi.example"}
    [without] = [m for m in mails if m["To"] == "ohne@example.org"]
    assert without["Reply-To"] is None


def test_the_html_part_of_a_mail_is_a_whole_document_in_the_registrants_language(client, app, make_event):
    event = make_event()
    client.post(f"/registration/{event.slug}", data=form_data(language="en"))
    client.post(f"/registration/{event.slug}", data=form_data(email="de@example.org"))
    english, german = sent_mails(app)
    html = english.get_body(preferencelist=("html",)).get_content()
    assert html.startswith("<!doctype html>") and '<html lang="en">' in html
    assert f"<title>{english['Subject']}</title>" in html and "Hello Ayşe Öztürk" in html
    assert '<html lang="de">' in german.get_body(preferencelist=("html",)).get_content()


def test_the_organisers_view_of_a_sent_mail_hides_the_personal_link(client, app, login, make_user, make_event):
    from events.core.models import OutgoingMail

    event = make_event()
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    token = personal.rsplit("/", 1)[1]
    assert token in mail_text(sent_mails(app)[0])  # the participant's mail has the link ...
    login(make_user("organiser"))
    with app.app_context():
        mail_id = db.session.scalars(select(OutgoingMail.id)).one()
    page = client.get(f"/mail/{mail_id}").get_data(as_text=True)
    assert "Guten Tag Ayşe Öztürk" in page and "/registration/me/…" in page  # ... the organiser sees it cut
    assert token not in page


def test_reminders_are_sent_once(runner, app, make_event, make_registration):
    soon = make_event(starts_at=utcnow() + timedelta(hours=20))
    later = make_event(starts_at=utcnow() + timedelta(days=20))
    make_registration(soon, "confirmed")
    make_registration(soon, "waitlisted", waitlist_position=1)
    make_registration(later, "confirmed")
    first = runner.invoke(args=["events", "send-reminders"])
    second = runner.invoke(args=["events", "send-reminders"])
    assert "1 queued" in first.output and "0 queued" in second.output
    mails = sent_mails(app)
    assert len(mails) == 1 and mails[0]["Subject"] == f"Erinnerung: {soon.title}"


def test_mails_are_written_in_the_registrants_language(client, app, make_event):
    event = make_event()
    client.post(f"/registration/{event.slug}", data=form_data(language="en"))
    mail = sent_mails(app)[0]
    assert mail["Subject"] == f"Registration confirmed: {event.title}"
    assert "Hello Ayşe Öztürk" in mail_text(mail)


GERMAN_IN_MAILS = ("Guten Tag", "Ihre ", "Warteliste", "Wann:", "Wo:", "Veranstaltung", "storniert", "Anhang", "Uhr")


def _english_mail(app, event, subject: str) -> tuple[str, str]:
    """Text and HTML of the one mail to the English registrant with this subject, checked for German left in it."""
    [mail] = [m for m in sent_mails(app) if m["To"] == "en@example.org" and m["Subject"] == subject]
    text, html = mail_text(mail), mail.get_body(preferencelist=("html",)).get_content()
    for word in GERMAN_IN_MAILS:
        assert word not in text and word not in html, f"{word!r} in the mail {subject!r}"
    return text, html


def test_waiting_list_promotion_and_cancellation_mails_are_english_for_who_chose_english(client, app, make_event):
    from events.core.languages import force_language
    from events.core.timezone import time_span

    event = make_event(capacity=1)
    with app.test_request_context(), force_language("en"):
        when = time_span(event.starts_at, event.ends_at)
    first = register_through_form(client, f"/registration/{event.slug}", form_data(email="erste@example.org"))
    english = register_through_form(
        client, f"/registration/{event.slug}", form_data(email="en@example.org", language="en")
    )
    text, _html = _english_mail(app, event, f"Waiting list: {event.title}")
    assert "Hello Ayşe Öztürk," in text and "You are number 1 on the waiting list." in text
    assert f"When: {when}" in text and "Please do not share this link." in text

    client.post(first + "/cancel")  # the German registrant makes room
    text, html = _english_mail(app, event, f"You’re in: {event.title}")
    assert "Good news: a place has become available. Your registration is now confirmed." in text
    assert f"When: {when}" in text and 'alt="QR code of your ticket"' in html

    client.post(english + "/cancel")
    text, _html = _english_mail(app, event, f"Cancellation confirmed: {event.title}")
    assert f"Your registration for “{event.title}” has been cancelled." in text
    assert "The attachment removes the appointment from your calendar." in text
    # the German registrant's mails stay German
    german = [m["Subject"] for m in sent_mails(app) if m["To"] == "erste@example.org"]
    assert german == [f"Anmeldung bestätigt: {event.title}", f"Stornierung bestätigt: {event.title}"]


def test_an_event_called_off_is_announced_in_english_to_who_chose_english(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event()
    make_registration(event, "waitlisted", waitlist_position=1, email="en@example.org", language="en")
    login(make_user("organiser"))
    client.post(f"/meetings/manage/{event.id}/cancel", data={"reason": "Wegen Unwetters.", "confirm": "y"})
    text, _html = _english_mail(app, event, f"Cancelled: {event.title}")
    assert f"Unfortunately, we have to cancel the event “{event.title}”." in text
    assert "Wegen Unwetters." in text  # the organiser's own words stay as written


def test_the_personal_page_offers_the_ticket_as_pdf(client, make_event):
    event = make_event()
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    page = client.get(personal).get_data(as_text=True)
    assert "Ticket zum Ausdrucken (PDF)" in page and "webcal://" in page
    ticket = client.get(personal + "/ticket.pdf")
    assert ticket.mimetype == "application/pdf" and ticket.data.startswith(b"%PDF")
    client.post(personal + "/cancel")
    assert client.get(personal + "/ticket.pdf").status_code == 404


def test_after_the_event_the_personal_page_offers_the_certificate(client, app, make_event, make_registration):
    from events.checkin.models import CheckIn

    event = make_event(starts_at=utcnow() - timedelta(days=2), ends_at=utcnow() - timedelta(days=1))
    registration = make_registration(event, "confirmed")
    with app.app_context():
        db.session.add(
            CheckIn(event_id=event.id, registration_id=registration.id, day=event.starts_at.date(), result="welcome")
        )
        db.session.commit()
    page = client.get(f"/registration/me/{registration.manage_token}").get_data(as_text=True)
    assert "Teilnahmebescheinigung (PDF)" in page
    certificate = client.get(f"/certificates/participant/{registration.manage_token}")
    assert certificate.mimetype == "application/pdf"


def test_the_organisation_typed_is_matched_against_the_directory(client, app, make_event, make_organisation):
    event = make_event()
    known = make_organisation(name="Übersetzer-Netzwerk Oberpfalz e.V.")
    for email, typed in (
        ("a@example.org", "Übersetzer-Netzwerk Oberpfalz e.V."),
        ("b@example.org", "  ÜBERSETZER-NETZWERK OBERPFALZ E.V. "),
        ("c@example.org", "Nachbarschaftshilfe Cham"),
    ):
        response = client.post(f"/registration/{event.slug}", data=form_data(email=email, organisation_name=typed))
        assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(Registration).order_by(Registration.email)).all()
        assert [(r.organisation_name, r.organisation_id) for r in rows] == [
            ("Übersetzer-Netzwerk Oberpfalz e.V.", known.id),
            ("ÜBERSETZER-NETZWERK OBERPFALZ E.V.", known.id),
            ("Nachbarschaftshilfe Cham", None),  # kept as typed, not in the directory
        ]


def test_matching_the_typed_organisation_can_use_its_index(app):
    """The match runs inside the registration's INSERT, under the event's lock: it must not read the whole directory.

    PostgreSQL would scan a directory as small as the test's anyway, so sequential scans are switched off for the
    question whether the index can be used.
    """
    from events.registration.registering import _DIRECTORY_MATCH

    with app.app_context():
        connection = db.session.connection()
        compiled = _DIRECTORY_MATCH.compile(dialect=connection.dialect)
        params = compiled.construct_params({"organisation": "Übersetzer-Netzwerk Oberpfalz e.V."})
        if compiled.positional:  # SQLite's placeholders are "?"
            params = tuple(params[name] for name in compiled.positiontup)
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            explain = "EXPLAIN "
        else:
            explain = "EXPLAIN QUERY PLAN "
        plan = " ".join(str(row) for row in connection.exec_driver_sql(explain + str(compiled), params))
        db.session.rollback()
    assert "ix_organisations_name_lower" in plan


def test_a_new_registration_of_an_address_does_not_revive_an_earlier_registrations_link(client, app, make_event):
    """After an anonymised (or deleted) registration, the same address registers on a new row: its link is new,
    so a link of the earlier one (leaked, say, and renewed since) does not open it."""
    event = make_event()
    first = register_through_form(client, f"/registration/{event.slug}", form_data())
    with app.app_context():  # what retention leaves of it: no address, no link
        earlier = db.session.scalars(select(Registration)).one()
        earlier.email, earlier.email_normalized, earlier.manage_token_hash = "", f"deleted:{earlier.id}", "-"
        earlier.status = "cancelled"
        db.session.commit()
    second = register_through_form(client, f"/registration/{event.slug}", form_data())
    assert second != first and "/registration/me/" in second
    assert client.get(first).status_code == 404
    assert "Ayşe Öztürk" in client.get(second).get_data(as_text=True)
