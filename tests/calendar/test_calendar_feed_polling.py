"""Calendar clients poll the public feed: an unchanged feed is answered with 304, a changed one in full."""

from __future__ import annotations

from datetime import timedelta

import icalendar

from events.calendar import public_feed
from events.calendar.public_feed import public_feed_state
from events.core.types import utcnow
from events.extensions import db
from events.meetings import stored_entries
from events.meetings.models import Event


def _titles(response) -> list[str]:
    return [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]


def _rename(app, event, title: str) -> None:
    with app.app_context():
        db.session.get(Event, event.id).title = title
        db.session.commit()


def test_a_poll_of_an_unchanged_feed_is_answered_with_304_and_no_body(client, make_event):
    make_event(title="Vernetzungstreffen Fürth")
    first = client.get("/calendar/feed.ics")
    assert first.status_code == 200 and _titles(first) == ["Vernetzungstreffen Fürth"]
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert "no-cache" in first.headers["Cache-Control"] and "public" in first.headers["Cache-Control"]

    by_etag = client.get("/calendar/feed.ics", headers={"If-None-Match": etag})
    by_date = client.get("/calendar/feed.ics", headers={"If-Modified-Since": modified})

    for poll in (by_etag, by_date):
        assert poll.status_code == 304 and poll.data == b""
        assert poll.headers["ETag"] == etag
    assert client.get("/calendar/feed.ics").data == first.data  # and without validators, the same bytes


def test_every_change_the_feed_shows_gives_a_new_etag_and_the_new_contents(client, app, make_event):
    shown = make_event(title="Vernetzungstreffen Fürth")
    etags = [client.get("/calendar/feed.ics").headers["ETag"]]

    def poll():
        response = client.get("/calendar/feed.ics", headers={"If-None-Match": etags[-1]})
        assert response.status_code == 200, "a changed feed must not be answered with 304"
        etags.append(response.headers["ETag"])
        return _titles(response)

    _rename(app, shown, "Vernetzungstreffen Fürth (neuer Saal)")
    assert poll() == ["Vernetzungstreffen Fürth (neuer Saal)"]
    second = make_event(title="Fachtag Ehrenamt", starts_at=utcnow() + timedelta(days=60))
    assert poll() == ["Vernetzungstreffen Fürth (neuer Saal)", "Fachtag Ehrenamt"]
    with app.app_context():
        db.session.get(Event, second.id).status = "draft"
        db.session.commit()
    assert poll() == ["Vernetzungstreffen Fürth (neuer Saal)"]
    with app.app_context():
        db.session.delete(db.session.get(Event, second.id))
        db.session.commit()
    assert etags[3] != etags[2]
    assert poll() == ["Vernetzungstreffen Fürth (neuer Saal)"]
    assert etags[-1] == etags[1]  # without the deleted draft the feed is again what it was after the renaming
    assert len(set(etags[:4])) == 4


def test_the_feed_in_english_has_its_own_etag(client, make_event):
    make_event()
    german = client.get("/calendar/feed.ics")
    client.post("/language", data={"lang": "en"})
    english = client.get("/calendar/feed.ics", headers={"If-None-Match": german.headers["ETag"]})
    assert english.status_code == 200 and "Treffpunkt – Events" in english.get_data(as_text=True)
    assert english.headers["ETag"] != german.headers["ETag"]
    assert "Cookie" in english.headers["Vary"]  # the language is the visitor's choice, kept in the session


def test_an_event_growing_too_old_for_the_feed_changes_it(app, make_event):
    start = utcnow() - timedelta(days=170)
    make_event(starts_at=start, ends_at=start + timedelta(hours=8))
    with app.test_request_context():
        today = public_feed_state()
        in_two_weeks = public_feed_state(now=utcnow() + timedelta(days=14))
    assert in_two_weeks.etag != today.etag
    assert in_two_weeks.last_modified > today.last_modified


def test_the_feed_is_built_once_per_change_not_per_fetch(client, app, make_event, monkeypatch):
    event = make_event()
    builds = []
    real_assemble = public_feed._assemble
    monkeypatch.setattr(public_feed, "_assemble", lambda *args, **kw: builds.append(1) or real_assemble(*args, **kw))

    for _ in range(3):
        assert client.get("/calendar/feed.ics").status_code == 200
    assert len(builds) == 1
    _rename(app, event, "Neuer Titel")
    for _ in range(3):
        assert "Neuer Titel" in client.get("/calendar/feed.ics").get_data(as_text=True)
    assert len(builds) == 2


def test_after_a_change_only_the_changed_events_entry_is_written_anew(client, app, make_event, monkeypatch):
    """In the transaction of the change, in both languages; the fetch of the changed feed writes none."""
    changed = make_event(title="Frühjahrstreffen")
    make_event(title="Herbsttreffen")
    written, written_by_feed = [], []
    real_text = stored_entries.entry_text
    monkeypatch.setattr(stored_entries, "entry_text", lambda event: written.append(event.id) or real_text(event))
    monkeypatch.setattr(public_feed, "entry_text", lambda event: written_by_feed.append(event.id) or real_text(event))

    first = client.get("/calendar/feed.ics").get_data(as_text=True)
    _rename(app, changed, "Neuer Titel")
    second = client.get("/calendar/feed.ics").get_data(as_text=True)

    assert written == [changed.id, changed.id] and written_by_feed == []
    assert "Neuer Titel" in second and "Frühjahrstreffen" not in second
    assert "Herbsttreffen" in first and "Herbsttreffen" in second
    assert second.startswith("BEGIN:VCALENDAR") and second.count("BEGIN:VTIMEZONE") == 1
    assert second.rstrip().endswith("END:VCALENDAR") and second.count("BEGIN:VEVENT") == 2
