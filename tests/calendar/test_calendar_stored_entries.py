"""Each event's calendar entry is stored per language, written in the transaction that changes what it says, and
the public feed is put together from the stored texts without writing any itself."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import delete, select, update

from events.calendar import public_feed
from events.core.timezone import BERLIN
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventCalendarEntry, EventSession


def stored(app, event_id: int) -> dict[str, str]:
    """The stored entry texts of an event, by language."""
    with app.app_context():
        rows = db.session.execute(
            select(EventCalendarEntry.language, EventCalendarEntry.text).where(EventCalendarEntry.event_id == event_id)
        )
        return dict(rows.all())


def feed_entries(client) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(client.get("/calendar/feed.ics").data).walk("VEVENT")


@pytest.fixture
def no_writing_in_requests(monkeypatch):
    """Fails a test whose feed request writes an entry text instead of reading the stored one."""

    def refuse(*_args, **_kw):
        raise AssertionError("the feed wrote an entry text itself")

    monkeypatch.setattr(public_feed, "entry_text", refuse)


@pytest.fixture
def organiser(client, login, make_user):
    login(make_user("organiser"))
    return client


def edit_form(event: Event, **overrides) -> dict:
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.ends_at.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M"),
        "venue_name": event.venue_name,
        "address": event.address,
        "capacity": str(event.capacity),
        "access": "open",
        "contact_email": event.contact_email,
    }
    data.update(overrides)
    return data


def test_a_new_event_has_its_entry_stored_in_both_languages(app, make_event):
    event = make_event(title="Vernetzungstreffen Fürth", title_en="Networking meeting Fürth")

    texts = stored(app, event.id)

    assert set(texts) == {"de", "en"}
    assert "SUMMARY:Vernetzungstreffen Fürth\r\n" in texts["de"] and "Weitere Informationen" in texts["de"]
    assert "SUMMARY:Networking meeting Fürth\r\n" in texts["en"] and "More information" in texts["en"]
    assert texts["de"].endswith("END:VEVENT\r\n") and "DTSTAMP" not in texts["de"] and "SEQUENCE" not in texts["de"]


def test_the_feed_is_put_together_from_the_stored_texts(client, app, make_event, no_writing_in_requests):
    make_event(title="Vernetzungstreffen Fürth", title_en="Networking meeting Fürth")
    make_event(title="Fachtag Ehrenamt", starts_at=utcnow() + timedelta(days=60))

    german = [str(entry["SUMMARY"]) for entry in feed_entries(client)]
    client.post("/language", data={"lang": "en"})
    english = [str(entry["SUMMARY"]) for entry in feed_entries(client)]

    assert german == ["Vernetzungstreffen Fürth", "Fachtag Ehrenamt"]
    assert english == ["Networking meeting Fürth", "Fachtag Ehrenamt"]  # no English title: the German one


def test_the_feed_is_the_same_bytes_with_or_without_stored_texts(client, app, make_event):
    """An event unchanged since the texts are stored has its text written by the feed: the same file, byte by
    byte, so every worker serves one ETag for one state."""
    first = make_event(title="Vernetzungstreffen Fürth")
    make_event(title="Fachtag Ehrenamt", starts_at=utcnow() + timedelta(days=60))
    from_stored = client.get("/calendar/feed.ics").data
    with app.app_context():
        db.session.execute(delete(EventCalendarEntry).where(EventCalendarEntry.event_id == first.id))
        db.session.commit()
    public_feed.cache.clear()

    assert client.get("/calendar/feed.ics").data == from_stored


def test_an_edit_of_title_or_venue_writes_the_entry_anew(organiser, app, make_event, no_writing_in_requests):
    event = make_event(title="Vernetzungstreffen Fürth")
    form = edit_form(event, title="Vernetzungstreffen Fürth (neuer Saal)", venue_name="Stadthalle Fürth")

    assert organiser.post(f"/meetings/manage/{event.id}/edit", data=form).status_code == 302

    texts = stored(app, event.id)
    assert "SUMMARY:Vernetzungstreffen Fürth (neuer Saal)" in texts["de"]
    assert "Stadthalle Fürth" in texts["de"] and "Meistersingerhalle" not in texts["de"]
    (entry,) = feed_entries(organiser)
    assert str(entry["SUMMARY"]) == "Vernetzungstreffen Fürth (neuer Saal)"
    assert str(entry["LOCATION"]).startswith("Stadthalle Fürth") and entry["SEQUENCE"] == 1


def test_a_new_changed_or_deleted_programme_item_writes_the_entry_anew(
    organiser, app, make_event, no_writing_in_requests
):
    event = make_event()
    start = event.starts_at.astimezone(BERLIN)
    item = {"kind": "talk", "title": "Grußwort", "starts_at": start.strftime("%Y-%m-%dT%H:%M")}
    item["ends_at"] = (start + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    manage = f"/meetings/manage/{event.id}/sessions"

    def description() -> str:
        (entry,) = feed_entries(organiser)
        shown = str(entry["DESCRIPTION"])
        assert ("Grußwort" in shown) == ("Grußwort" in stored(app, event.id)["de"].replace("\r\n ", ""))
        return shown

    assert organiser.post(f"{manage}/new", data=item).status_code == 302
    assert "Grußwort" in description() and "Raum 1" not in description()
    with app.app_context():
        item_id = db.session.scalar(select(EventSession.id).where(EventSession.event_id == event.id))
    assert organiser.post(f"{manage}/{item_id}/edit", data={**item, "room": "Raum 1"}).status_code == 302
    assert "Grußwort (Raum 1)" in description()
    assert organiser.post(f"{manage}/{item_id}/delete").status_code == 302
    assert "Grußwort" not in description() and "Programm" not in description()


def test_the_status_and_sequence_come_from_the_event_row(organiser, app, make_event, no_writing_in_requests):
    """Publishing, cancelling or a new SEQUENCE need no new text: those lines are read with the row."""
    event = make_event(title="Vernetzungstreffen Fürth", status="draft")
    text = stored(app, event.id)["de"]
    assert feed_entries(organiser) == []

    assert organiser.post(f"/meetings/manage/{event.id}/publish").status_code == 302
    (entry,) = feed_entries(organiser)
    assert str(entry["STATUS"]) == "CONFIRMED" and entry["SEQUENCE"] == 0
    with app.app_context():
        changed = utcnow() + timedelta(minutes=5)
        db.session.execute(
            update(Event).where(Event.id == event.id).values(calendar_sequence=3, updated_at=changed)
        )  # in plain SQL, past the ORM
        db.session.commit()
    (entry,) = feed_entries(organiser)
    assert entry["SEQUENCE"] == 3
    assert entry["DTSTAMP"].dt == entry["LAST-MODIFIED"].dt == changed.replace(microsecond=0)
    assert stored(app, event.id)["de"] == text

    form = {"reason": "Der Saal ist nicht verfügbar.", "confirm": "y"}
    assert organiser.post(f"/meetings/manage/{event.id}/cancel", data=form).status_code == 302
    assert feed_entries(organiser) == []  # a cancelled event leaves the public feed
    assert stored(app, event.id)["de"] == text


def test_a_change_through_the_orm_anywhere_writes_the_entry_in_its_transaction(app, make_event):
    event = make_event(title="Vernetzungstreffen Fürth")
    with app.app_context():
        db.session.get(Event, event.id).title = "Umbenannt"
        db.session.flush()
        db.session.rollback()
    assert "SUMMARY:Vernetzungstreffen Fürth" in stored(app, event.id)["de"]  # rolled back: nothing written

    with app.app_context():
        db.session.get(Event, event.id).title_en = "Networking meeting"
        db.session.commit()
    assert "SUMMARY:Networking meeting" in stored(app, event.id)["en"]

    with app.app_context():
        db.session.delete(db.session.get(Event, event.id))
        db.session.commit()
    assert stored(app, event.id) == {}


def test_texts_stored_for_another_address_are_not_used(client, app, make_event, monkeypatch):
    event = make_event()
    with app.app_context():
        db.session.execute(update(EventCalendarEntry).values(base_url="https://alt.example"))
        db.session.commit()
    written = []
    real = public_feed.entry_text
    monkeypatch.setattr(public_feed, "entry_text", lambda e: written.append(e.id) or real(e))

    (entry,) = feed_entries(client)

    assert written == [event.id] and str(entry["UID"]) == f"event-{event.id}@localhost"


def test_an_entry_that_cannot_be_written_does_not_cost_the_edit(organiser, app, make_event, monkeypatch):
    """The organiser's change is saved; the stale text is gone, so the feed writes the entry itself."""
    from events.meetings import stored_entries

    event = make_event(title="Vernetzungstreffen Hof")
    assert "SUMMARY:Vernetzungstreffen Hof" in stored(app, event.id)["de"]

    def broken(_event):
        raise ValueError("cannot serialise")

    monkeypatch.setattr(stored_entries, "entry_text", broken)
    form = edit_form(event, title="Vernetzungstreffen Hof (Rathaus)")
    assert organiser.post(f"/meetings/manage/{event.id}/edit", data=form).status_code == 302

    with app.app_context():
        assert db.session.get(Event, event.id).title == "Vernetzungstreffen Hof (Rathaus)"
    assert stored(app, event.id) == {}
    monkeypatch.undo()
    (entry,) = feed_entries(organiser)
    assert str(entry["SUMMARY"]) == "Vernetzungstreffen Hof (Rathaus)"


def test_the_worker_stores_the_entries_an_event_lacks(app, make_event, monkeypatch):
    """Events without stored texts (unchanged since the table came) or with texts for another address get theirs
    from the periodic job; complete ones are left alone."""
    from events.meetings import stored_entries
    from events.meetings.tasks import store_missing_calendar_entries

    first, second, third = (make_event(title=f"Vernetzungstreffen {n}") for n in ("Passau", "Kassel", "Fulda"))
    with app.app_context():
        db.session.execute(delete(EventCalendarEntry).where(EventCalendarEntry.event_id == first.id))
        db.session.execute(
            update(EventCalendarEntry)
            .where(EventCalendarEntry.event_id == second.id)
            .values(base_url="https://alt.example", text="OLD")
        )
        db.session.commit()
    untouched = stored(app, third.id)

    with app.app_context():
        assert store_missing_calendar_entries.call_local() == 2  # the worker's periodic job
        assert stored_entries.store_missing_entries() == 0  # nothing left (the job's slot is taken for ten minutes)

    assert "SUMMARY:Vernetzungstreffen Passau" in stored(app, first.id)["de"]
    assert set(stored(app, first.id)) == {"de", "en"}
    assert "SUMMARY:Vernetzungstreffen Kassel" in stored(app, second.id)["en"]
    assert stored(app, third.id) == untouched
