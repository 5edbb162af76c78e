"""Invitation-only events: on public lists only when the organiser wants, never with free places; a used
invitation link leads to the registration made with it."""

from __future__ import annotations

import re

import icalendar

from events.extensions import db
from events.meetings.models import Event
from tests.calendar.test_calendar import event_edit_form
from tests.registration.test_registration import form_data, invite


def _feed_titles(client) -> list[str]:
    return [
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(client.get("/calendar/feed.ics").data).walk("VEVENT")
    ]


def test_an_invitation_only_event_is_not_listed_unless_the_organiser_wants(app, client, make_event):
    make_event(title="Offenes Vernetzungstreffen")
    closed = make_event(title="Festakt im Landtag", access="invited", capacity=80)

    assert "Festakt im Landtag" not in client.get("/meetings/").get_data(as_text=True)
    assert _feed_titles(client) == ["Offenes Vernetzungstreffen"]
    assert client.get(f"/meetings/{closed.slug}").status_code == 200  # its page stays reachable for the invited

    with app.app_context():
        db.session.get(Event, closed.id).listed_publicly = True
        db.session.commit()
    listing = client.get("/meetings/").get_data(as_text=True)
    card = re.search(
        r"<article class=\"event-card\">(?:(?!</article>).)*Festakt im Landtag.*?</article>", listing, re.S
    )[0]
    assert "Teilnahme nur mit persönlicher Einladung" in card and "frei" not in card
    assert "Festakt im Landtag" in _feed_titles(client)
    page = client.get(f"/meetings/{closed.slug}").get_data(as_text=True)
    box = re.search(r'<div class="register-box">.*?</div>', page, re.S)[0]
    assert "frei" not in box and "nur mit einem persönlichen Einladungslink" in box


def test_the_organiser_chooses_whether_an_invitation_only_event_is_listed(app, client, login, make_user, make_event):
    event = make_event(title="Vernetzungstreffen 2027 in Nürnberg", access="invited")
    login(make_user("organiser"))
    form = client.get(f"/meetings/manage/{event.id}/edit").get_data(as_text=True)
    assert 'name="listed_publicly"' in form and "In der öffentlichen Übersicht zeigen" in form
    response = client.post(
        f"/meetings/manage/{event.id}/edit",
        data=event_edit_form(
            access="invited", listed_publicly="y", starts_at="2030-07-01T09:00", ends_at="2030-07-02T16:00"
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Event, event.id).listed_publicly is True


def test_a_used_invitation_link_says_so_and_leads_to_the_registration(app, client, make_event):
    event = make_event(title="Festakt im Landtag", access="invited")
    link = invite(app, event, first_name="Nora", last_name="Weiß")
    assert (
        client.post(link, data=form_data(email="nora@example.org", first_name="Nora", last_name="Weiß")).status_code
        == 302
    )

    page = client.get(link).get_data(as_text=True)

    assert "Sie sind bereits angemeldet" in page
    assert "Mit dieser Einladung haben Sie sich schon zu „Festakt im Landtag“ angemeldet." in page
    personal = re.search(r'<a class="button" href="([^"]+)">Zu Ihrer Anmeldung</a>', page)[1]
    assert "Nora Weiß" in client.get(personal).get_data(as_text=True)
    assert 'name="first_name"' not in page  # no second form to fill in
