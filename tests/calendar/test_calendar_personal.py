"""What a registrant's own calendar files say: the download from the personal page, the personal feed, and the
updated invite after a change of workshops."""

from __future__ import annotations

import icalendar
import vobject

from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration
from tests.calendar.test_calendar import assert_rfc5545_lines, calendar_part, feed_path, only_event, sequence_of
from tests.conftest import sent_mails
from tests.registering import register_through_form
from tests.registration.test_registration import add_workshops, form_data


def _entry(data: bytes, mailed: bool = False) -> icalendar.Event:
    if not mailed:  # a mail's text parts come back with the line ends of the mail
        assert_rfc5545_lines(data)
    vobject.readOne(data.decode(), validate=True)  # an independent parser accepts it
    return only_event(icalendar.Calendar.from_ical(data))


def test_the_download_on_the_personal_page_is_published_not_an_invitation(client, app, make_event):
    event = make_event(title="Vernetzungstreffen Landshut")
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())

    data = client.get(personal + "/invite.ics").data

    assert icalendar.Calendar.from_ical(data)["METHOD"] == "PUBLISH"
    entry = _entry(data)
    assert str(entry["SUMMARY"]) == "Vernetzungstreffen Landshut" and entry["STATUS"] == "CONFIRMED"
    assert "ATTENDEE" not in entry  # PUBLISH names no attendee (RFC 5546, 3.2.1)


def test_a_cancelled_registration_keeps_a_valid_feed_with_the_event_cancelled(client, app, make_event):
    event = make_event(title="Vernetzungstreffen Landshut")
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    with app.app_context():
        registration = db.session.scalars(db.select(Registration)).one()
    feed = feed_path(app, registration)
    before = sequence_of(client.get(feed).data)

    client.post(personal + "/cancel")

    data = client.get(feed).data
    entry = _entry(data)  # one VEVENT: RFC 5545 allows no calendar without a component
    assert entry["STATUS"] == "CANCELLED"
    assert "Ihre Anmeldung zu dieser Veranstaltung wurde storniert." in str(entry["DESCRIPTION"])
    assert sequence_of(data) > before  # newer than what the client holds, so it takes the cancellation
    download = _entry(client.get(personal + "/invite.ics").data)
    assert download["STATUS"] == "CANCELLED"


def test_a_called_off_event_stays_in_the_personal_feed_as_cancelled(client, app, make_event, make_registration):
    event = make_event(title="Fachtag Ehrenamt", status="cancelled")
    registration = make_registration(event, language="en")

    entry = _entry(client.get(feed_path(app, registration)).data)

    assert entry["STATUS"] == "CANCELLED"
    assert "This event has been cancelled." in str(entry["DESCRIPTION"])


def test_an_event_made_a_draft_again_has_no_personal_feed(client, app, make_event, make_registration):
    event = make_event()
    registration = make_registration(event)
    with app.app_context():
        db.session.get(Event, event.id).status = "draft"
        db.session.commit()
    assert client.get(feed_path(app, registration)).status_code == 404


def test_changing_workshops_mails_an_updated_invite_that_lists_them(client, app, make_event):
    event = make_event()
    wohnen, sport, _werte = add_workshops(app, event, capacity=5)
    personal = register_through_form(client, f"/registration/{event.slug}", form_data(workshop_slot_1=str(wohnen)))
    first_invite = calendar_part(sent_mails(app)[-1])
    assert "Wohnen" in str(_entry(first_invite, mailed=True)["DESCRIPTION"]).split("\n\n")[0]

    client.post(personal, data=form_data(email=None, privacy_consent=None, workshop_slot_1=str(sport)))

    mails = sent_mails(app)
    assert len(mails) == 2
    assert mails[-1]["Subject"].startswith("Ihre Workshops:")
    update = calendar_part(mails[-1])
    assert icalendar.Calendar.from_ical(update)["METHOD"] == "REQUEST"
    entry = _entry(update, mailed=True)
    assert str(entry["UID"]) == str(_entry(first_invite, mailed=True)["UID"])
    assert sequence_of(update) > sequence_of(first_invite)
    own_workshops = str(entry["DESCRIPTION"]).split("\n\n")[0]  # above the description and the whole programme
    assert own_workshops.startswith("Ihre Workshops:")
    assert "Sportvereine" in own_workshops and "Wohnen" not in own_workshops
    assert "Sportvereine" in mails[-1].get_body(("plain",)).get_content()
    # the personal download says the same as the last invite
    download = icalendar.Calendar.from_ical(client.get(personal + "/invite.ics").data).walk("VEVENT")
    own = next(e for e in download if str(e["UID"]) == str(entry["UID"]))
    assert own["SEQUENCE"] == sequence_of(update)
    assert "Workshop: Sportvereine" in [str(e["SUMMARY"]) for e in download]  # the workshop as an entry of its own

    client.post(personal, data=form_data(email=None, privacy_consent=None, workshop_slot_1=str(sport), function="x"))
    assert len(sent_mails(app)) == 2  # other details changed: the invite did not, so no mail
