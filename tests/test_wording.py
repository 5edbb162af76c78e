"""Wording and small faults that confuse organisers and participants (issue 19, item 9)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from events.core.audit import record_audit
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventSeries, Question
from events.registration.models import Registration
from tests.registration.test_registration import form_data


def test_the_staff_sign_in_is_not_mistaken_for_registering(client, make_event):
    event = make_event()
    page = client.get(f"/meetings/{event.slug}").get_data(as_text=True)
    header = re.search(r'<header class="site-header">.*?</header>', page, re.S)[0]
    assert re.search(r'<a class="login-link" href="/accounts/login">Für Mitarbeitende</a>', header)
    assert "Anmelden" not in header
    client.post("/language", data={"lang": "en"})
    header = re.search(r'<header class="site-header">.*?</header>', client.get("/").get_data(as_text=True), re.S)[0]
    assert ">Staff sign-in</a>" in header


def test_the_series_name_stands_once_above_the_title(app, client, make_event):
    event = make_event(title="Vernetzungstreffen 2027 in Landshut")
    with app.app_context():
        db.session.get(Event, event.id).series = EventSeries(name="Vernetzungstreffen")
        db.session.commit()
    page = client.get(f"/meetings/{event.slug}").get_data(as_text=True)
    above = re.search(r"<main.*?<h1>", page, re.S)[0]
    assert "Vernetzungstreffen" not in above  # the title says it already (kind and series)

    other = make_event(title="Treffen in Hof")
    with app.app_context():
        db.session.get(Event, other.id).series = db.session.scalars(select(EventSeries)).one()
        db.session.commit()
    above = re.search(r"<main.*?<h1>", client.get(f"/meetings/{other.slug}").get_data(as_text=True), re.S)[0]
    assert above.count("Vernetzungstreffen") == 1


def test_a_question_label_gets_no_colon_after_its_question_mark(app, client, make_event):
    event = make_event()
    with app.app_context():
        db.session.add(
            Question(
                event_id=event.id, position=1, label="Nehmen Sie am Abendempfang teil?", kind="yesno", required=True
            )
        )
        db.session.commit()
    page = client.post(f"/registration/{event.slug}", data=form_data()).get_data(as_text=True)
    summary = re.search(r'class="error-summary".*?</ul>', page, re.S)[0]
    assert "teil? Dieses Feld" in summary and "?:" not in summary
    assert "E-Mail-Adresse: " in client.post(f"/registration/{event.slug}", data=form_data(email="x")).get_data(
        as_text=True
    )


def test_a_called_off_event_offers_no_calendar_file_and_no_link_again(client, make_event):
    event = make_event(status="cancelled")
    page = client.get(f"/meetings/{event.slug}").get_data(as_text=True)
    assert "Diese Veranstaltung ist abgesagt." in page
    assert ".ics" not in page and "Persönlichen Link erneut zusenden" not in page
    assert ".ics" in client.get(f"/meetings/{make_event().slug}").get_data(as_text=True)


def test_the_deletion_notice_of_a_called_off_event_names_the_cancellation(app, client, login, account, make_event):
    event = make_event(status="cancelled", cancelled_at=utcnow() - timedelta(days=2))
    login(account("organiser"))
    page = client.get(f"/meetings/manage/{event.id}").get_data(as_text=True)
    assert "(30 Tage nach der Absage der Veranstaltung)" in page
    assert "sechs Monate nach der Veranstaltung" not in page
    page = client.get(f"/meetings/manage/{make_event().id}").get_data(as_text=True)
    assert "sechs Monate nach der Veranstaltung" in page


def test_exports_say_consent_in_words_and_typed_organisations_are_not_unknown(app, client, login, account, make_event):
    event = make_event()
    client.post(f"/registration/{event.slug}", data=form_data(organisation_name="Helferkreis Asyl Moosburg"))
    client.post(f"/registration/{event.slug}", data=form_data(email="b@example.org", organisation_name=""))
    login(account("organiser"))
    text = client.get(f"/registration/manage/{event.id}/export.csv").data.decode("utf-8-sig")
    assert re.search(r";ja, am \d{4}-\d\d-\d\d \d\d:\d\d \(Fassung [^)]+\);", text)
    page = client.get(f"/registration/manage/{event.id}").get_data(as_text=True)
    kinds = re.search(r"nach Art der Organisation.*?</tbody>", page, re.S)[0]
    assert re.search(r"<td>selbst eingetragen, Art unbekannt</td><td>1</td>", kinds)
    assert re.search(r"<td>ohne Angabe</td><td>1</td>", kinds)


def test_the_audit_log_speaks_the_readers_language(app, client, login, account, make_event, make_registration):
    registration = make_registration(make_event())
    with app.test_request_context():
        record_audit(
            "registration.cancel", db.session.get(Registration, registration.id), summary="x", actor="participant"
        )
        db.session.commit()
    login(account("admin"))
    row = re.search(r"<tbody>.*?</tr>", client.get("/admin/audit").get_data(as_text=True), re.S)[0]
    assert "Anmeldung storniert" in row and "Teilnehmende Person (persönlicher Link)" in row and "Anmeldung #" in row
    client.post("/language", data={"lang": "en"})
    row = re.search(r"<tbody>.*?</tr>", client.get("/admin/audit").get_data(as_text=True), re.S)[0]
    assert "Registration cancelled" in row and "Registration #" in row
