"""Organisers create, change, copy, publish and cancel events; the public sees published ones."""

import csv
import re
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select

from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventSession
from tests.conftest import mail_text, sent_mails


def event_form(**overrides):
    data = {
        "kind": "networking",
        "series_name": "Vernetzungstreffen",
        "edition": "2027",
        "title": "Vernetzungstreffen 2027",
        "description": "Willkommen! **Zwei Tage** Austausch.\n\n<script>alert(1)</script>",
        "starts_at": "2027-03-17T09:30",
        "ends_at": "2027-03-18T16:00",
        "venue_name": "Bernlochner Stadtsäle",
        "address": "Ländtorplatz 2, 84028 Landshut",
        "capacity": "120",
        "access": "open",
        "contact_email": "integration@stmi.example",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_organiser_creates_a_draft_adds_a_programme_and_publishes(client, app, login, make_user):
    login(make_user("organiser"))
    response = client.post("/meetings/manage/new", data=event_form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "als Entwurf angelegt" in page
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert event.status == "draft" and event.series.name == "Vernetzungstreffen"
        assert event.starts_at.isoformat() == "2027-03-17T08:30:00+00:00"  # 09:30 in Berlin, winter time
        event_id, slug = event.id, event.slug
    assert client.get(f"/meetings/{slug}").status_code == 404  # drafts are not public
    response = client.post(
        f"/meetings/manage/{event_id}/sessions/new",
        data={
            "kind": "workshop",
            "title": "Wohnraum finden",
            "starts_at": "2027-03-17T13:00",
            "ends_at": "2027-03-17T14:30",
            "room": "Saal 2",
            "capacity": "25",
        },
        follow_redirects=True,
    )
    assert "Der Programmpunkt ist gespeichert." in response.get_data(as_text=True)
    client.post(f"/meetings/manage/{event_id}/publish")
    public = client.get(f"/meetings/{slug}").get_data(as_text=True)
    assert "Vernetzungstreffen 2027" in public and "Wohnraum finden" in public
    assert "<strong>Zwei Tage</strong>" in public and "<script>alert(1)</script>" not in public
    assert "Noch 120 Plätze frei" in public
    assert "Vernetzungstreffen 2027" in client.get("/meetings/").get_data(as_text=True)


def test_an_event_must_end_after_it_starts_and_keeps_the_input(client, app, login, make_user):
    login(make_user("organiser"))
    response = client.post("/meetings/manage/new", data=event_form(ends_at="2027-03-16T10:00", title="Ganz neu"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Das Ende muss nach dem Beginn liegen." in page and 'value="Ganz neu"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cancellation_deadline", "2027-03-18T16:01", "Die Stornierungsfrist darf nicht nach dem Ende"),
        ("registration_closes_at", "2027-03-19T09:00", "Der Anmeldeschluss darf nicht nach dem Ende"),
        ("registration_opens_at", "2027-03-18T16:00", "Die Anmeldung muss vor dem Ende der Veranstaltung beginnen."),
    ],
)
def test_registration_and_cancellation_dates_after_the_event_are_refused(
    client, app, login, make_user, field, value, message
):
    login(make_user("organiser"))
    response = client.post("/meetings/manage/new", data=event_form(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and f'value="{value}"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 0
    # on the event's last day, both are fine: a two-day meeting takes registrations for its second day
    fine = event_form(registration_closes_at="2027-03-18T09:00", cancellation_deadline="2027-03-18T16:00")
    assert client.post("/meetings/manage/new", data=fine).status_code == 302


def test_an_online_event_needs_its_link_and_a_choice_question_its_options(client, app, login, make_user, make_event):
    login(make_user("organiser"))
    online = event_form(kind="online_dialog", venue_name="", address="", online_url="")
    page = client.post("/meetings/manage/new", data=online).get_data(as_text=True)
    assert "Eine Online-Veranstaltung braucht einen Online-Link." in page
    typed = client.post("/meetings/manage/new", data={**online, "online_url": "meet.example.org/dialog-7"})
    assert typed.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Event.online_url)).one() == "https://meet.example.org/dialog-7"
    event = make_event()
    response = client.post(
        f"/meetings/manage/{event.id}/questions/new", data={"label": "Anreise", "kind": "single", "options": ""}
    )
    assert response.status_code == 400
    assert "Bitte geben Sie mindestens zwei Auswahlmöglichkeiten an." in response.get_data(as_text=True)


def test_a_session_outside_the_event_is_refused(client, app, login, make_user, make_event):
    event = make_event()
    login(make_user("organiser"))
    start = (event.starts_at - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    end = (event.starts_at - timedelta(days=3) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/meetings/manage/{event.id}/sessions/new",
        data={"kind": "talk", "title": "Zu früh", "starts_at": start, "ends_at": end},
    )
    assert response.status_code == 400
    assert "innerhalb der Veranstaltung" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(EventSession.id))) == 0


def test_changing_the_date_sends_everyone_an_updated_invite(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event()
    make_registration(event, "confirmed")
    make_registration(event, "waitlisted", waitlist_position=1)
    make_registration(event, "cancelled")
    login(make_user("organiser"))
    form = event_form(
        title=event.title, series_name="", starts_at="2027-05-04T10:00", ends_at="2027-05-04T17:00", capacity="100"
    )
    response = client.post(f"/meetings/manage/{event.id}/edit", data=form, follow_redirects=True)
    assert "2 Angemeldete erhalten eine aktualisierte Einladung" in response.get_data(as_text=True)
    mails = sent_mails(app)
    assert len(mails) == 2
    assert all(m["Subject"] == f"Geänderte Angaben: {event.title}" for m in mails)
    confirmed_mail = next(m for m in mails if any(p.get_content_type() == "text/calendar" for p in m.walk()))
    ics = next(p for p in confirmed_mail.walk() if p.get_content_type() == "text/calendar").get_payload(decode=True)
    assert b"SEQUENCE:1" in ics and b"METHOD:REQUEST" in ics
    with app.app_context():
        assert db.session.get(Event, event.id).calendar_sequence == 1
    # a change of the description alone sends nothing
    client.post(f"/meetings/manage/{event.id}/edit", data={**form, "description": "Neu"})
    assert len(sent_mails(app)) == 2


def _unchanged_event_form(event, **overrides):
    """The edit form as the organiser finds it for an event made by make_event, with some fields changed."""
    from events.core.timezone import aware_to_berlin_naive

    current = {
        "title": event.title,
        "series_name": "",
        "edition": "",
        "description": event.description,
        "starts_at": aware_to_berlin_naive(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": aware_to_berlin_naive(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "venue_name": event.venue_name,
        "address": event.address,
        "capacity": str(event.capacity),
    }
    return event_form(**{**current, **overrides})


def test_more_places_in_the_edit_form_move_waiting_people_up_at_once_and_mail_them(
    client, app, login, make_user, make_event, make_registration
):
    from events.registration.models import Registration

    event = make_event(capacity=1)
    make_registration(event, "confirmed")
    first = make_registration(event, "waitlisted", waitlist_position=1, first_name="Jana", last_name="Erste")
    second = make_registration(event, "waitlisted", waitlist_position=2, first_name="Omar", last_name="Zweiter")
    third = make_registration(event, "waitlisted", waitlist_position=3, first_name="Lea", last_name="Dritte")
    login(make_user("organiser"))
    response = client.post(
        f"/meetings/manage/{event.id}/edit", data=_unchanged_event_form(event, capacity="3"), follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Die Änderungen sind gespeichert." in page
    assert "Jana Erste ist von der Warteliste nachgerückt." in page
    assert "Omar Zweiter ist von der Warteliste nachgerückt." in page and "Lea Dritte" not in page
    with app.app_context():
        rows = {r.id: (r.status, r.waitlist_position) for r in db.session.scalars(select(Registration))}
    assert rows[first.id] == rows[second.id] == ("confirmed", None)
    assert rows[third.id] == ("waitlisted", 1)  # the waiting list closes up
    mails = sent_mails(app)  # the two who moved up, nobody else (date and venue did not change)
    assert sorted(m["To"] for m in mails) == sorted([first.email, second.email])
    for mail in mails:
        assert mail["Subject"] == f"Sie sind dabei: {event.title}"
        assert "Ein Platz ist frei geworden. Ihre Anmeldung ist jetzt bestätigt." in mail_text(mail)
        assert any(part.get_content_type() == "text/calendar" for part in mail.walk())  # the calendar entry
        assert any(part.get_content_type() == "image/png" for part in mail.walk())  # the QR ticket


def test_cancelling_an_event_notifies_every_registrant(client, app, login, make_user, make_event, make_registration):
    event = make_event()
    make_registration(event, "confirmed")
    make_registration(event, "waitlisted", waitlist_position=1)
    login(make_user("organiser"))
    response = client.post(f"/meetings/manage/{event.id}/cancel", data={"reason": "Wegen Unwetters."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="confirm-error"' in page  # not confirmed with the tick
    assert "Bitte bestätigen Sie die Absage mit dem Häkchen." in page and ">\r\nWegen Unwetters.</textarea>" in page
    with app.app_context():
        assert db.session.get(Event, event.id).status == "published"  # nothing happens
    response = client.post(
        f"/meetings/manage/{event.id}/cancel",
        data={"reason": "Wegen Unwetters.", "confirm": "y"},
        follow_redirects=True,
    )
    assert "2 Angemeldete werden benachrichtigt" in response.get_data(as_text=True)
    mails = sent_mails(app)
    assert len(mails) == 2 and "Wegen Unwetters." in mail_text(mails[0])
    ics = next(p for p in mails[0].walk() if p.get_content_type() == "text/calendar").get_payload(decode=True)
    assert b"METHOD:CANCEL" in ics
    assert "Diese Veranstaltung ist abgesagt." in client.get(f"/meetings/{event.slug}").get_data(as_text=True)
    # a cancelled event stays as it was called off: neither its form nor a post changes it
    for response in (
        client.get(f"/meetings/manage/{event.id}/edit", follow_redirects=True),
        client.post(f"/meetings/manage/{event.id}/edit", data=event_form(), follow_redirects=True),
    ):
        assert "Eine abgesagte Veranstaltung kann nicht mehr geändert werden." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Event, event.id).title == event.title


def test_a_too_long_cancellation_message_is_refused_at_its_field_and_kept(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event()
    make_registration(event, "confirmed")
    login(make_user("organiser"))
    reason = "Wegen Unwetters fällt das Treffen aus. " * 60  # 2400 characters, 2000 are allowed
    response = client.post(f"/meetings/manage/{event.id}/cancel", data={"reason": reason, "confirm": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="reason-error"' in page and "2000" in page  # the length is what is wrong ...
    assert "mit dem Häkchen" not in page and 'id="confirm-error"' not in page  # ... not the tick, which was set
    assert f">\r\n{reason}</textarea>" in page  # what was typed is still there, to shorten
    assert 'class="error-summary"' in page and 'href="#reason"' in page
    with app.app_context():
        assert db.session.get(Event, event.id).status == "published"
    assert sent_mails(app) == []


def test_a_new_edition_starts_as_a_copy_of_the_last(client, app, login, make_user, make_event):
    event = make_event(title="Vernetzungstreffen 2026", edition="2026")
    with app.app_context():
        db.session.add(
            EventSession(
                event_id=event.id,
                kind="panel",
                title="Podium",
                starts_at=event.starts_at,
                ends_at=event.starts_at + timedelta(hours=1),
            )
        )
        db.session.commit()
    login(make_user("organiser"))
    response = client.post(f"/meetings/manage/{event.id}/copy")
    assert response.status_code == 302
    with app.app_context():
        copy = db.session.scalars(select(Event).where(Event.id != event.id)).one()
        assert copy.title == "Vernetzungstreffen 2027" and copy.edition == "2027" and copy.status == "draft"
        assert [s.title for s in copy.sessions] == ["Podium"]
        assert (copy.starts_at - event.starts_at).days == 364


def test_a_drafts_address_follows_its_title_and_every_changed_field_is_in_the_audit_log(
    client, app, login, make_user, make_event
):
    from events.core.models import AuditEntry
    from events.core.timezone import berlin_date

    event = make_event(title="Vernetzungstreffen 2026", edition="2026", status="draft")
    login(make_user("organiser"))
    client.post(f"/meetings/manage/{event.id}/copy")
    with app.app_context():
        copy = db.session.scalars(select(Event).where(Event.id != event.id)).one()
        copy_id, first_slug, year = copy.id, copy.slug, berlin_date(copy.starts_at).year
        form = _unchanged_event_form(copy, title="Vernetzungstreffen Nordbayern", access="invited")
    client.post(f"/meetings/manage/{copy_id}/edit", data=form)
    with app.app_context():
        copy = db.session.get(Event, copy_id)
        assert copy.slug == f"vernetzungstreffen-nordbayern-{year}" != first_slug
        copy.status = "published"
        db.session.commit()
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.update")).one()
        assert "title" in entry.summary and "access" in entry.summary
    client.post(f"/meetings/manage/{copy_id}/edit", data={**form, "title": "Vernetzungstreffen Franken"})
    with app.app_context():  # published: the address people have stays
        assert db.session.get(Event, copy_id).slug == f"vernetzungstreffen-nordbayern-{year}"


def test_new_dates_for_a_copied_edition_move_its_programme_along(client, app, login, make_user, make_event):
    from datetime import UTC, datetime

    from events.core.timezone import aware_to_berlin_naive

    start = datetime(2027, 1, 16, 8, 30, tzinfo=UTC)  # 09:30 in Berlin, winter time
    event = make_event(starts_at=start, ends_at=start + timedelta(days=1, hours=6, minutes=30), status="draft")
    with app.app_context():
        for day, title in ((0, "Grußwort"), (1, "Ausblick")):
            begins = start + timedelta(days=day, hours=1)
            db.session.add(
                EventSession(
                    event_id=event.id, kind="talk", title=title, starts_at=begins, ends_at=begins + timedelta(hours=1)
                )
            )
        db.session.commit()
    login(make_user("organiser"))
    # the next edition is on Thursday and Friday in March, summer time: the programme keeps its days and hours
    form = _unchanged_event_form(event, starts_at="2027-04-08T09:30", ends_at="2027-04-09T16:00")
    page = client.post(f"/meetings/manage/{event.id}/edit", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Das Programm ist mit der Veranstaltung auf die neuen Tage verschoben." in page
    assert "außerhalb der Veranstaltungszeit" not in page
    with app.app_context():
        sessions = db.session.scalars(select(EventSession).order_by(EventSession.starts_at)).all()
        assert [(s.title, aware_to_berlin_naive(s.starts_at).isoformat()) for s in sessions] == [
            ("Grußwort", "2027-04-08T10:30:00"),
            ("Ausblick", "2027-04-09T10:30:00"),
        ]
    # a programme that still fits stays; one that cannot fit is left for the organiser, with a warning
    form = _unchanged_event_form(event, starts_at="2027-04-08T09:30", ends_at="2027-04-08T18:00")
    page = client.post(f"/meetings/manage/{event.id}/edit", data=form, follow_redirects=True).get_data(as_text=True)
    assert "verschoben" not in page
    assert "1 Programmpunkt liegt außerhalb der Veranstaltungszeit. Bitte passen Sie ihn an." in page
    with app.app_context():
        assert aware_to_berlin_naive(db.session.scalars(select(func.max(EventSession.starts_at))).one()).day == 9


def test_public_list_shows_only_published_upcoming_events(client, make_event):
    make_event(title="Öffentlich")
    make_event(title="Geheim", status="draft")
    make_event(title="Vorbei", starts_at=utcnow() - timedelta(days=10))
    page = client.get("/meetings/").get_data(as_text=True)
    assert "Öffentlich" in page and "Geheim" not in page and "Vorbei" not in page


def test_event_pages_show_free_places_or_waiting_list(client, make_event, make_registration):
    event = make_event(capacity=1)
    assert "Noch 1 Platz frei" in client.get(f"/meetings/{event.slug}").get_data(as_text=True)
    make_registration(event, "confirmed")
    page = client.get(f"/meetings/{event.slug}").get_data(as_text=True)
    assert "Ausgebucht" in page and "Auf die Warteliste" in page


def test_a_workshops_free_places_are_counted_in_words_that_fit_the_number(client, app, make_event):
    from tests.registration.test_registration import add_workshops

    event = make_event()
    add_workshops(app, event, capacity=1)
    client.post("/language", data={"lang": "en"})
    page = client.get(f"/meetings/{event.slug}").get_data(as_text=True)
    assert "1 of 1 place available" in page and "1 of 1 places" not in page
    client.post("/language", data={"lang": "de"})
    assert "1 von 1 Platz frei" in client.get(f"/meetings/{event.slug}").get_data(as_text=True)


def test_the_public_list_shows_each_events_free_places(client, make_event, make_registration):
    full = make_event(title="Voll", capacity=1)
    make_registration(full, "confirmed")
    make_event(title="Frei", capacity=3)
    make_event(title="Offen", capacity=None)
    page = client.get("/meetings/").get_data(as_text=True)
    assert "Ausgebucht – Anmeldung auf die Warteliste" in page
    assert "Noch 3 Plätze frei" in page
    assert "Plätze frei</p>" in page  # the event without a limit


# --- invitation files -----------------------------------------------------------------------------------------


def upload_invitations(client, event, data: bytes, filename: str = "gaeste.csv"):
    from io import BytesIO

    response = client.post(
        f"/meetings/manage/{event.id}/invitations",
        data={"file": (BytesIO(data), filename)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def invitees(app, event):
    from events.registration.models import Invitation

    with app.app_context():
        rows = db.session.scalars(select(Invitation).where(Invitation.event_id == event.id).order_by(Invitation.email))
        return [(i.email, i.first_name, i.last_name, i.organisation_name) for i in rows]


def test_a_file_with_only_an_email_column_invites_everyone_in_it(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    login(make_user("organiser"))
    page = upload_invitations(client, event, b"email\nnora@example.org\n\nTim@Example.org\n")
    assert "2 Einladungen verschickt." in page
    assert invitees(app, event) == [("nora@example.org", "", "", None), ("tim@example.org", "", "", None)]
    assert sorted(mail["To"] for mail in sent_mails(app)) == ["nora@example.org", "tim@example.org"]
    page = upload_invitations(client, event, b"email\nnora@example.org\nTim@Example.org\nrosa@example.org\n")
    assert "1 Einladung verschickt. 2 Adressen waren schon eingeladen." in page  # nobody gets a second one
    assert len(sent_mails(app)) == 3


def test_tab_and_comma_files_and_a_short_line_are_read(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    login(make_user("organiser"))
    upload_invitations(client, event, b"email\tfirst_name\tlast_name\na@example.org\tAnna\tAdler\n")
    upload_invitations(client, event, b'first_name,email,organisation\nBen,b@example.org,"KoBE Passau, Amt 3"\n')
    page = upload_invitations(client, event, b"sep=;\r\nemail;first_name;last_name\r\nc@example.org;Cem\r\n")
    assert "1 Einladung verschickt." in page
    assert invitees(app, event) == [
        ("a@example.org", "Anna", "Adler", None),
        ("b@example.org", "Ben", "", "KoBE Passau, Amt 3"),
        ("c@example.org", "Cem", "", None),
    ]


def test_uneven_columns_are_named_by_line_and_nothing_is_imported(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    login(make_user("organiser"))
    data = (
        b"email;first_name;last_name\n"
        b"ok@example.org;Ok;Gut\n"
        b"zu@example.org;Viel;Spalten;Extra;Noch mehr\n"
        b"kaputt;Kaputt;Adresse\n"
        b'offen@example.org;"Offen;Zu\n'
        b"verschluckt@example.org;Weg;Weg\n"
    )
    page = upload_invitations(client, event, data)
    assert "Die Datei wurde nicht übernommen, niemand wurde eingeladen." in page
    assert "Zeile 3: mehr Spalten als in der Kopfzeile" in page
    assert "Zeile 4: keine gültige E-Mail-Adresse" in page
    assert "Zeile 5: Ein Anführungszeichen ist nicht geschlossen" in page
    assert invitees(app, event) == [] and sent_mails(app) == []


def test_an_empty_file_or_one_without_an_email_column_is_refused(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    login(make_user("organiser"))
    for data in (b"", b"\xef\xbb\xbf\r\n", b"email;first_name\n"):
        assert "Die Datei enthält keine Einträge." in upload_invitations(client, event, data)
    page = upload_invitations(client, event, b"Name;Vorname\nnora@example.org;Nora\n")
    assert "Zeile 1: In der Kopfzeile fehlt die Spalte „E-Mail“" in page
    assert invitees(app, event) == [] and sent_mails(app) == []


def test_excel_files_with_a_bom_or_in_windows_1252_keep_their_umlauts(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    login(make_user("organiser"))
    utf8_bom = "\ufeffemail;first_name;last_name;organisation\r\nnora@example.org;Nora;Weiß;KoBE Fürth\r\n"
    page = upload_invitations(client, event, utf8_bom.encode("utf-8"))
    assert "1 Einladung verschickt." in page
    windows = "Email;First_Name;Last_Name;Organisation\r\noezlem@example.org;Özlem;Müßig;Bürgerbüro Würzburg\r\n"
    page = upload_invitations(client, event, windows.encode("cp1252"))
    assert "1 Einladung verschickt." in page
    unicode_text = "email\tfirst_name\nluise@example.org\tLüise\r\n"
    upload_invitations(client, event, unicode_text.encode("utf-16"))  # Excel's "Unicode text", with a BOM
    assert invitees(app, event) == [
        ("luise@example.org", "Lüise", "", None),
        ("nora@example.org", "Nora", "Weiß", "KoBE Fürth"),
        ("oezlem@example.org", "Özlem", "Müßig", "Bürgerbüro Würzburg"),
    ]


def test_a_file_with_german_column_names_is_read_like_one_with_english_names(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    login(make_user("organiser"))
    german = "Vorname;Nachname;E-Mail-Adresse;Einrichtung\r\nNora;Weiß;Nora.Weiss@example.org;KoBE Fürth\r\n"
    assert "1 Einladung verschickt." in upload_invitations(client, event, german.encode("cp1252"))
    other = "E-Mail,Vor-Name,Familienname,Organisation\nluise@example.org,Luise,Lang,Caritas Kassel\n"
    assert "1 Einladung verschickt." in upload_invitations(client, event, other.encode())
    assert invitees(app, event) == [
        ("luise@example.org", "Luise", "Lang", "Caritas Kassel"),
        ("nora.weiss@example.org", "Nora", "Weiß", "KoBE Fürth"),
    ]


def test_a_file_in_an_unknown_encoding_is_refused_with_a_hint(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    login(make_user("organiser"))
    page = upload_invitations(client, event, b"email\nnora@example.org\x81\x8d\n")  # bytes cp1252 does not define
    assert "Die Zeichenkodierung der Datei ist unbekannt." in page
    assert "CSV UTF-8" in page
    assert invitees(app, event) == []


def test_an_excel_workbook_instead_of_a_csv_file_is_refused_with_a_hint(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    login(make_user("organiser"))
    page = upload_invitations(client, event, b"PK\x03\x04 a workbook", filename="gaeste.xlsx")
    assert "Bitte eine CSV-Datei hochladen." in page
    assert invitees(app, event) == [] and sent_mails(app) == []


def test_only_a_published_event_sends_invitations(client, app, login, make_user, make_event):
    draft = make_event(access="invited", status="draft")
    cancelled = make_event(access="invited", status="cancelled")
    login(make_user("organiser"))
    for event, refusal in (
        (draft, "Einladungen können Sie verschicken, sobald die Veranstaltung veröffentlicht ist."),
        (cancelled, "Die Veranstaltung ist abgesagt. Es werden keine Einladungen mehr verschickt."),
    ):
        detail = client.get(f"/meetings/manage/{event.id}").get_data(as_text=True)
        assert refusal in detail and "Einladungen importieren und versenden" not in detail  # no form to fill
        page = upload_invitations(client, event, b"email\nnora@example.org\n")  # a form left open in another tab
        assert refusal in page and "1 Einladung verschickt" not in page
        assert invitees(app, event) == []
    assert sent_mails(app) == []


# --- who was invited, and who has registered ------------------------------------------------------------------

INVITEES = (
    "email;first_name;last_name;organisation\n"
    "nora@example.org;Nora;Weiß;KoBE Fürth\n"
    "rosa@example.org;Rosa;Adler;Caritas Kassel\n"
    "tim@example.org;Tim;Berg;\n"
    'ali@example.org;Ali;Yılmaz;=HYPERLINK("x")\n'
)


def invitation_link(app, email: str) -> str:
    """The registration path of the last invitation mailed to `email`."""
    mail = [mail for mail in sent_mails(app) if mail["To"] == email and "Einladung" in mail["Subject"]][-1]
    link = next(line for line in mail_text(mail).splitlines() if "invitation=" in line).strip()
    return link.replace("http://localhost", "")


def register_with(client, path: str, first_name: str = "Nora"):
    data = {
        "first_name": first_name,
        "last_name": "Teilnehmerin",
        "email": "ignored@example.org",  # an invitation registers its own address
        "organisation_name": "",
        "district_id": "",
        "language": "de",
        "privacy_consent": "y",
    }
    response = client.post(path, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]  # the personal link


def registration_id_of(app, email: str) -> int:
    from events.registration.models import Registration

    with app.app_context():
        return db.session.scalars(select(Registration.id).where(Registration.email_normalized == email)).one()


def invited_event_with_answers(client, app, make_event):
    """An invitation-only event with one place: Nora confirmed, Rosa waiting, Tim cancelled, Ali not registered."""
    event = make_event(access="invited", capacity=1)
    upload_invitations(client, event, INVITEES.encode())
    register_with(client, invitation_link(app, "nora@example.org"))
    register_with(client, invitation_link(app, "rosa@example.org"), "Rosa")
    personal = register_with(client, invitation_link(app, "tim@example.org"), "Tim")
    client.post(personal + "/cancel")
    return event


def test_the_event_page_counts_who_was_invited_and_who_has_registered(client, app, login, make_user, make_event):
    login(make_user("organiser"))
    event = invited_event_with_answers(client, app, make_event)
    page = client.get(f"/meetings/manage/{event.id}").get_data(as_text=True)
    assert "<strong>4</strong> eingeladen" in page
    assert "<strong>2</strong> davon angemeldet" in page  # confirmed and waiting
    assert "<strong>1</strong> noch nicht angemeldet" in page
    assert "<strong>1</strong> angemeldet und wieder storniert" in page
    assert f'href="/meetings/manage/{event.id}/invitations?status=open"' in page


def test_the_invitation_list_shows_each_invitee_and_their_registration(client, app, login, make_user, make_event):
    login(make_user("organiser"))
    event = invited_event_with_answers(client, app, make_event)
    page = client.get(f"/meetings/manage/{event.id}/invitations").get_data(as_text=True)
    assert "4 Einladungen" in page
    assert "Weiß, Nora" in page and "nora@example.org" in page and "KoBE Fürth" in page
    nora, rosa, tim = (registration_id_of(app, f"{name}@example.org") for name in ("nora", "rosa", "tim"))
    assert f'href="/registration/manage/entry/{nora}">bestätigt' in page
    assert f'href="/registration/manage/entry/{rosa}">Warteliste, Platz 1' in page
    assert f'href="/registration/manage/entry/{tim}">storniert' in page
    assert len(re.findall(r"<td>\s*nicht angemeldet\s*</td>", page)) == 1  # Ali
    assert page.count("Einladung erneut senden") == 1  # only for Ali, who has not registered
    assert page.index("Adler, Rosa") < page.index("Berg, Tim") < page.index("Weiß, Nora") < page.index("Yılmaz, Ali")


def test_the_invitation_list_filters_and_searches(client, app, login, make_user, make_event):
    login(make_user("organiser"))
    event = invited_event_with_answers(client, app, make_event)
    url = f"/meetings/manage/{event.id}/invitations"

    def names(**query):
        page = client.get(url, query_string=query).get_data(as_text=True)
        return [name for name in ("Weiß, Nora", "Adler, Rosa", "Berg, Tim", "Yılmaz, Ali") if name in page]

    assert names(status="open") == ["Yılmaz, Ali"]
    assert names(status="registered") == ["Weiß, Nora", "Adler, Rosa"]
    assert names(status="cancelled") == ["Berg, Tim"]
    assert names(status="nonsense") == ["Weiß, Nora", "Adler, Rosa", "Berg, Tim", "Yılmaz, Ali"]
    assert names(q="weiß") == ["Weiß, Nora"]
    assert names(q="Nora Weiß") == ["Weiß, Nora"]
    assert names(q="ROSA@example") == ["Adler, Rosa"]
    assert names(q="tim", status="open") == []
    assert names(q="%") == []  # typed wildcards match themselves
    page = client.get(url, query_string={"q": "niemand"}).get_data(as_text=True)
    assert "0 Einladungen" in page and "Keine Einladungen für diese Auswahl." in page


def test_the_invitation_list_is_paginated(client, app, login, make_user, make_event):
    event = make_event(access="invited")
    login(make_user("organiser"))
    rows = "".join(f"person{n:02d}@example.org;Person;Nummer {n:02d}\n" for n in range(1, 56))
    upload_invitations(client, event, ("email;first_name;last_name\n" + rows).encode())
    url = f"/meetings/manage/{event.id}/invitations"
    first = client.get(url, query_string={"status": "open"}).get_data(as_text=True)
    assert "55 Einladungen" in first and "Seite 1 von 2" in first
    assert "Nummer 50" in first and "Nummer 51" not in first
    assert f'href="{url}?page=2&amp;status=open' in first  # the filter goes along
    second = client.get(url, query_string={"status": "open", "page": 2}).get_data(as_text=True)
    assert "Nummer 51" in second and "Nummer 55" in second and "Nummer 50" not in second


def invitation_row(app, email: str):
    from events.registration.models import Invitation

    with app.app_context():
        invitation = db.session.scalars(select(Invitation).where(Invitation.email == email)).one()
        db.session.expunge(invitation)
        return invitation


def resend_button_version(page: str) -> str:
    return re.search(r'name="version" value="([0-9a-f]+)"', page)[1]


def test_sending_an_invitation_again_replaces_the_link(client, app, login, make_user, make_event):
    from events.core.models import AuditEntry

    event = make_event(access="invited")
    login(make_user("organiser"))
    upload_invitations(client, event, b"email;first_name\nali@example.org;Ali\n")
    old_link, before = invitation_link(app, "ali@example.org"), invitation_row(app, "ali@example.org")
    url = f"/meetings/manage/{event.id}/invitations"
    version = resend_button_version(client.get(url).get_data(as_text=True))
    response = client.post(f"{url}/{before.id}/resend", data={"version": version, "status": "open", "q": "ali"})
    assert response.headers["Location"] == f"{url}?status=open&q=ali"  # back to the list as it was
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Die Einladung an ali@example.org ist erneut verschickt. Der bisherige Link gilt nicht mehr." in page

    new_link, after = invitation_link(app, "ali@example.org"), invitation_row(app, "ali@example.org")
    assert new_link != old_link and after.token_hash != before.token_hash and after.sent_at > before.sent_at
    assert len(sent_mails(app)) == 2
    assert client.get(old_link).status_code == 403  # the old link leads nowhere now
    assert "Die Anmeldung ist nur mit einem persönlichen Einladungslink möglich." in client.get(old_link).get_data(
        as_text=True
    )
    assert 'value="ali@example.org"' in client.get(new_link).get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.invitation_resent")).one()
        assert entry.object_id == str(event.id) and entry.details == {"invitation": before.id}
        assert "ali@example.org" not in entry.summary  # the log outlives the invitation

    # a second click on the same button (or the form sent again from the history) sends nothing more
    page = client.post(f"{url}/{before.id}/resend", data={"version": version}, follow_redirects=True)
    assert "Die Einladung an ali@example.org ist gerade schon erneut verschickt worden." in page.get_data(as_text=True)
    assert len(sent_mails(app)) == 2 and invitation_row(app, "ali@example.org").token_hash == after.token_hash
    register_with(client, new_link, "Ali")
    assert registration_id_of(app, "ali@example.org")


def test_an_invitee_who_has_registered_is_not_sent_the_invitation_again(client, app, login, make_user, make_event):
    login(make_user("organiser"))
    event = invited_event_with_answers(client, app, make_event)
    mails = len(sent_mails(app))
    for email in ("nora@example.org", "tim@example.org"):  # confirmed; cancelled (the link still leads to it)
        before = invitation_row(app, email)
        response = client.post(f"/meetings/manage/{event.id}/invitations/{before.id}/resend", follow_redirects=True)
        page = response.get_data(as_text=True)
        assert f"{email} hat sich schon angemeldet; die Einladung wird nicht erneut verschickt." in page
        assert invitation_row(app, email).token_hash == before.token_hash
    assert len(sent_mails(app)) == mails


def test_a_draft_cancelled_or_closed_event_sends_no_invitation_again(client, app, login, make_user, make_event):
    from events.registration.models import Invitation

    login(make_user("organiser"))
    for status, refusal in (
        ("draft", "Einladungen können Sie verschicken, sobald die Veranstaltung veröffentlicht ist."),
        ("cancelled", "Die Veranstaltung ist abgesagt. Es werden keine Einladungen mehr verschickt."),
        ("closed", "Die Anmeldung ist geschlossen; eine Einladung würde nur dorthin führen."),
    ):
        if status == "closed":
            event = make_event(access="invited", registration_closes_at=utcnow() - timedelta(hours=1))
            assert refusal in upload_invitations(client, event, b"email\nneu@example.org\n")  # no import either
            assert refusal in client.get(f"/meetings/manage/{event.id}").get_data(as_text=True)
        else:
            event = make_event(access="invited", status=status)
        with app.app_context():
            invitation = Invitation(event_id=event.id, email=f"{status}@example.org", token_hash=status.ljust(64, "0"))
            db.session.add(invitation)
            db.session.commit()
            invitation_id = invitation.id
        url = f"/meetings/manage/{event.id}/invitations"
        assert "Einladung erneut senden" not in client.get(url).get_data(as_text=True)
        page = client.post(f"{url}/{invitation_id}/resend", follow_redirects=True).get_data(as_text=True)
        assert refusal in page
        assert invitation_row(app, f"{status}@example.org").token_hash == status.ljust(64, "0")
    assert sent_mails(app) == []


def test_an_invitation_of_another_event_is_not_found(client, app, login, make_user, make_event):
    login(make_user("organiser"))
    event, other = make_event(access="invited"), make_event(access="invited")
    upload_invitations(client, event, b"email\nali@example.org\n")
    invitation = invitation_row(app, "ali@example.org")
    assert client.post(f"/meetings/manage/{other.id}/invitations/{invitation.id}/resend").status_code == 404
    assert len(sent_mails(app)) == 1


def test_at_an_open_event_an_invitee_who_registered_through_the_public_form_counts(
    client, app, login, make_user, make_event
):
    event = make_event(access="open")
    login(make_user("organiser"))
    upload_invitations(client, event, b"email\nali@example.org\nnora@example.org\n")
    response = client.post(  # without the invitation link, in other letter case
        f"/registration/{event.slug}",
        data={
            "first_name": "Nora",
            "last_name": "Weiß",
            "email": "Nora@Example.org",
            "language": "de",
            "privacy_consent": "y",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/meetings/manage/{event.id}/invitations").get_data(as_text=True)
    assert "<strong>1</strong> davon angemeldet" in page and "<strong>1</strong> noch nicht angemeldet" in page
    assert f'href="/registration/manage/entry/{registration_id_of(app, "nora@example.org")}">bestätigt' in page
    assert page.count("Einladung erneut senden") == 1  # for Ali only
    nora = invitation_row(app, "nora@example.org")
    page = client.post(f"/meetings/manage/{event.id}/invitations/{nora.id}/resend", follow_redirects=True)
    assert "nora@example.org hat sich schon angemeldet" in page.get_data(as_text=True)


def test_the_invitation_list_exports_as_csv_for_excel(client, app, login, make_user, make_event):
    login(make_user("organiser"))
    event = invited_event_with_answers(client, app, make_event)
    response = client.get(f"/meetings/manage/{event.id}/invitations.csv")
    assert response.mimetype == "text/csv"
    assert f'filename="{event.slug}-einladungen.csv"' in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith("\ufeff".encode())  # Excel then reads the umlauts right
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Nachname;Vorname;E-Mail-Adresse;Organisation;Eingeladen am;Zuletzt verschickt am;Anmeldung;Anmeldung Nr."
    )
    rows = list(csv.reader(lines[1:], delimiter=";"))
    assert [row[:4] + row[6:] for row in rows] == [
        [
            "Adler",
            "Rosa",
            "rosa@example.org",
            "Caritas Kassel",
            "Warteliste",
            str(registration_id_of(app, "rosa@example.org")),
        ],
        ["Berg", "Tim", "tim@example.org", "", "storniert", str(registration_id_of(app, "tim@example.org"))],
        [
            "Weiß",
            "Nora",
            "nora@example.org",
            "KoBE Fürth",
            "bestätigt",
            str(registration_id_of(app, "nora@example.org")),
        ],
        ["Yılmaz", "Ali", "ali@example.org", '\'=HYPERLINK("x")', "nicht angemeldet", ""],  # no formula
    ]
    sent = rows[0][5]
    assert len(sent) == 16 and sent[4] == "-"  # "2026-03-17 09:30", Berlin time
    only_open = client.get(f"/meetings/manage/{event.id}/invitations.csv?status=open").get_data().decode("utf-8-sig")
    assert [line.split(";")[2] for line in only_open.splitlines()[1:]] == ["ali@example.org"]


def test_the_invitations_are_gone_with_the_events_personal_data(client, app, login, make_user, make_event):
    from events.privacy.retention import delete_expired_personal_data

    event = make_event(access="invited")
    login(make_user("organiser"))
    upload_invitations(client, event, INVITEES.encode())
    with app.app_context():  # the event took place 220 days ago
        stored = db.session.get(Event, event.id)
        stored.starts_at, stored.ends_at = utcnow() - timedelta(days=220), utcnow() - timedelta(days=219)
        db.session.commit()
    with app.test_request_context():
        assert delete_expired_personal_data().invitations == 4
    for url in (f"/meetings/manage/{event.id}", f"/meetings/manage/{event.id}/invitations"):
        page = client.get(url).get_data(as_text=True)
        assert (
            "Die Einladungen wurden am" in page and "mit den personenbezogenen Angaben der Anmeldungen gelöscht" in page
        )
        assert "nora@example.org" not in page and "eingeladen</a>" not in page
    export = client.get(f"/meetings/manage/{event.id}/invitations.csv").get_data().decode("utf-8-sig")
    assert export.splitlines()[1:] == []


def test_invitations_are_mailed_in_german_whatever_language_the_organiser_reads(
    client, app, login, make_user, make_event
):
    event = make_event(access="invited")
    login(make_user("organiser"))
    with client.session_transaction() as session:
        session["lang"] = "en"
    client.post(
        f"/meetings/manage/{event.id}/invitations", data={"file": (BytesIO(b"email\nali@example.org\n"), "g.csv")}
    )
    invitation = invitation_row(app, "ali@example.org")
    page = client.post(f"/meetings/manage/{event.id}/invitations/{invitation.id}/resend", follow_redirects=True)
    assert "The invitation to ali@example.org has been sent again." in page.get_data(as_text=True)
    mails = sent_mails(app)
    assert [mail["Subject"] for mail in mails] == [f"Einladung: {event.title}"] * 2
    assert "wir laden Sie herzlich ein" in mail_text(mails[-1])
