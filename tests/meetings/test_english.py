"""English readers: dates and times as in Great Britain (24-hour clock, day before month), and an event's own
texts in English where the organisers gave them, on pages, in mails and in calendar entries."""

from datetime import datetime

import icalendar
from sqlalchemy import select

from events.core.timezone import BERLIN
from events.extensions import db
from events.meetings.models import Event
from tests.conftest import mail_text, sent_mails
from tests.meetings.test_meetings import event_form
from tests.registration.test_registration import form_data

AFTERNOON = datetime(2027, 3, 9, 14, 30, tzinfo=BERLIN)


def _in_english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"


def test_english_pages_and_mails_write_dates_day_before_month_with_a_24_hour_clock(client, app, make_event):
    event = make_event(starts_at=AFTERNOON, ends_at=AFTERNOON.replace(hour=18), capacity=None)
    _in_english(client)

    page = client.get(f"/meetings/{event.slug}").text
    assert "Tuesday, 9 March 2027" in page and "14:30" in page
    assert "March 9" not in page and "2:30" not in page

    client.post(f"/registration/{event.slug}", data=form_data(email="en@example.org", language="en"))
    [mail] = sent_mails(app)
    text = mail_text(mail)
    assert "9 March 2027" in text and "14:30" in text
    assert "March 9" not in text and "PM" not in text


def test_an_event_given_in_english_speaks_english_to_english_readers_and_german_to_german_ones(
    client, app, login, make_user, make_event
):
    login(make_user("organiser"))
    assert "Titel auf Englisch" in client.get("/meetings/manage/new").text
    fields = event_form(
        title="Vernetzungstreffen Nürnberg",
        description="Austausch und Workshops.",
        title_en="Networking meeting Nuremberg",
        description_en="Exchange and **workshops**.",
        capacity="",
    )
    client.post("/meetings/manage/new", data=fields)
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert (event.title_en, event.description_en) == ("Networking meeting Nuremberg", "Exchange and **workshops**.")
    client.post(f"/meetings/manage/{event.id}/publish")
    with client.session_transaction() as session:
        session.clear()

    german = client.get(f"/meetings/{event.slug}").text
    assert "Vernetzungstreffen Nürnberg" in german and "Networking meeting Nuremberg" not in german
    _in_english(client)
    english = client.get(f"/meetings/{event.slug}").text
    assert "Networking meeting Nuremberg" in english and "<strong>workshops</strong>" in english
    assert "Austausch und Workshops" not in english

    client.post(f"/registration/{event.slug}", data=form_data(email="en@example.org", language="en"))
    [mail] = sent_mails(app)
    assert "Networking meeting Nuremberg" in mail["Subject"]
    files = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    [invite] = [content for name, content in files.items() if name.endswith(".ics")][:1]
    [entry] = icalendar.Calendar.from_ical(invite).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Networking meeting Nuremberg"
    assert "Exchange and workshops." in str(entry["DESCRIPTION"])

    client.post(f"/registration/{event.slug}", data=form_data(email="de@example.org", language="de"))
    assert "Vernetzungstreffen Nürnberg" in sent_mails(app)[-1]["Subject"]
