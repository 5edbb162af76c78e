"""Calendar files: invites, downloads and feeds that Thunderbird, Outlook, Google and Apple calendars import.

Every file is read twice: with icalendar (which wrote it) and with vobject, an independent parser that
resolves TZID through the VTIMEZONE written into the file (dateutil), not through the system's zone data.
Line folding and line ends are checked byte by byte against RFC 5545, section 3.1.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from dateutil import tz as dateutil_tz

from events.calendar import service
from events.core.mailer import deliver_due_mail
from events.core.outbox import queue_mail
from events.core.types import utcnow
from events.extensions import db
from events.meetings.calendar_sequence import bump_sequence
from events.meetings.models import Event, EventSession
from events.registration.invites import event_invite, invite_attachment
from events.registration.models import Registration
from tests.conftest import sent_mails
from tests.registering import register_through_form

BERLIN = ZoneInfo("Europe/Berlin")
SUMMER_START = datetime(2027, 7, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin (CEST, UTC+2)
WINTER_START = datetime(2027, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin (CET, UTC+1)
LONG_TITLE = "Vernetzungstreffen der Integrationslotsinnen und -lotsen in Fürth – Grüße aus Würzburg, Straße ß"


# --- helpers ---------------------------------------------------------------------------------------------


def feed_path(app, registration) -> str:
    """The path of the registration's personal calendar feed."""
    from events.registration.tokens import feed_token_for

    token = feed_token_for(registration.id, app.config["SECRET_KEY"], registration.link_version or 0)
    return f"/calendar/personal/{token}.ics"


def invite(app, registration, method="REQUEST") -> bytes:
    with app.app_context():
        return event_invite(db.session.get(Registration, registration.id), method)


def attachment(app, registration, method="REQUEST"):
    with app.app_context():
        return invite_attachment(db.session.get(Registration, registration.id), method)


def download(app, event) -> bytes:
    with app.test_request_context():
        return service.event_calendar(db.session.get(Event, event.id))


def parse_both(data: bytes):
    """The file read by icalendar and by vobject (with vobject's own validation)."""
    text = data.decode("utf-8")
    return icalendar.Calendar.from_ical(data), vobject.readOne(text, validate=True)


def only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def assert_rfc5545_lines(data: bytes) -> list[str]:
    """Every line ends with CRLF, no line is longer than 75 octets, folding never splits a UTF-8 character.

    Returns the unfolded content lines.
    """
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "bare CR"
    physical = data.split(b"\r\n")[:-1]
    for line in physical:
        assert len(line) <= 75, f"{len(line)} octets: {line!r}"
        line.decode("utf-8")  # raises when a fold split a multi-byte character
    unfolded = re.sub(rb"\r\n[ \t]", b"", data).decode("utf-8").split("\r\n")[:-1]
    for line in unfolded:
        assert re.match(r"^[A-Za-z0-9-]+[;:]", line), f"not a content line: {line!r}"
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-1] == "END:VCALENDAR"
    return unfolded


@pytest.fixture
def programme_event(app, make_event):
    """A two-day meeting with a programme."""
    event = make_event(
        title="Vernetzungstreffen 2027 in Nürnberg",
        description="**Austausch** & Workshops für Integrationslotsinnen.\n\n- Wohnen\n- Sportvereine",
        starts_at=SUMMER_START,
        ends_at=SUMMER_START + timedelta(days=1, hours=7),
    )
    with app.app_context():
        stored = db.session.get(Event, event.id)
        stored.sessions = [
            EventSession(
                kind="talk",
                title="Grußwort des Ministers",
                starts_at=SUMMER_START,
                ends_at=SUMMER_START + timedelta(minutes=30),
                room="Großer Saal",
            ),
            EventSession(
                kind="workshop",
                title="Wohnraum finden",
                starts_at=SUMMER_START + timedelta(days=1, hours=1),
                ends_at=SUMMER_START + timedelta(days=1, hours=2, minutes=30),
                room="Raum 2",
                speakers="Dr. Özlem Şahin",
            ),
        ]
        db.session.commit()
    return event


# --- invites (iTIP, RFC 5546) ----------------------------------------------------------------------------


def test_a_confirmed_registration_gets_a_request_that_names_organizer_and_attendee(
    app, programme_event, make_registration
):
    registration = make_registration(programme_event, first_name="Ayşe", last_name="Yılmaz-Müller")
    data = invite(app, registration)
    calendar, parsed = parse_both(data)

    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert "Treffpunkt" in str(calendar["PRODID"])
    entry = only_event(calendar)
    assert str(entry["UID"]) == f"event-{programme_event.id}@localhost"
    assert str(entry["ORGANIZER"]) == "mailto:integration@stmi.example"
    attendee = entry["ATTENDEE"]
    assert str(attendee) == f"mailto:{registration.email}"
    assert attendee.params["CN"] == "Ayşe Yılmaz-Müller"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert attendee.params["RSVP"] == "FALSE"
    assert str(entry["SUMMARY"]) == "Vernetzungstreffen 2027 in Nürnberg"
    assert str(entry["LOCATION"]) == "Meistersingerhalle, Münchener Str. 21, 90478 Nürnberg"
    assert str(entry["URL"]) == f"http://localhost/meetings/{programme_event.slug}"
    assert entry["STATUS"] == "CONFIRMED"
    assert entry.decoded("DTSTAMP").tzinfo is not None
    assert entry.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert abs(entry.decoded("DTSTAMP") - utcnow()) < timedelta(minutes=1)

    # the same facts through the independent parser
    assert parsed.method.value == "REQUEST"
    assert parsed.vevent.uid.value == f"event-{programme_event.id}@localhost"
    assert parsed.vevent.organizer.value == "mailto:integration@stmi.example"
    assert parsed.vevent.attendee.params["PARTSTAT"] == ["ACCEPTED"]
    assert parsed.vevent.attendee.params["CN"] == ["Ayşe Yılmaz-Müller"]
    assert parsed.vevent.location.value == "Meistersingerhalle, Münchener Str. 21, 90478 Nürnberg"


def test_dtstamp_is_written_in_utc_with_a_z(app, make_event, make_registration):
    unfolded = assert_rfc5545_lines(invite(app, make_registration(make_event())))
    stamps = [line for line in unfolded if line.startswith("DTSTAMP")]
    assert len(stamps) == 1
    assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", stamps[0])


@pytest.mark.parametrize(
    ("status", "method", "partstat", "event_status"),
    [
        ("confirmed", "REQUEST", "ACCEPTED", "CONFIRMED"),
        ("waitlisted", "REQUEST", "TENTATIVE", "CONFIRMED"),
        ("cancelled", "CANCEL", "DECLINED", "CANCELLED"),
    ],
)
def test_attendee_partstat_and_method_follow_the_registration_status(
    app, make_event, make_registration, status, method, partstat, event_status
):
    registration = make_registration(make_event(), status=status)
    calendar, parsed = parse_both(invite(app, registration))
    entry = only_event(calendar)
    assert calendar["METHOD"] == method
    assert entry["ATTENDEE"].params["PARTSTAT"] == partstat
    assert entry["STATUS"] == event_status
    assert parsed.method.value == method
    assert parsed.vevent.attendee.params["PARTSTAT"] == [partstat]


def test_a_waiting_list_place_is_marked_in_the_title_and_the_description(app, make_event, make_registration):
    event = make_event(title="Tandem-Treffen Oberbayern")
    entry = only_event(icalendar.Calendar.from_ical(invite(app, make_registration(event, status="waitlisted"))))
    assert str(entry["SUMMARY"]) == "Warteliste: Tandem-Treffen Oberbayern"
    assert "Warteliste" in str(entry["DESCRIPTION"])
    assert entry["X-MICROSOFT-CDO-BUSYSTATUS"] == "TENTATIVE"


def test_a_cancelled_event_sends_cancel_to_everyone(app, make_event, make_registration):
    event = make_event(status="cancelled")
    for status in ("confirmed", "waitlisted"):
        calendar, parsed = parse_both(invite(app, make_registration(event, status=status)))
        entry = only_event(calendar)
        assert calendar["METHOD"] == "CANCEL"
        assert entry["STATUS"] == "CANCELLED"
        assert str(entry["UID"]) == f"event-{event.id}@localhost"
        assert "ORGANIZER" in entry
        assert "abgesagt" in str(entry["DESCRIPTION"])
        assert parsed.vevent.status.value == "CANCELLED"


def test_cancel_can_be_asked_for_explicitly(app, make_event, make_registration):
    calendar = icalendar.Calendar.from_ical(invite(app, make_registration(make_event()), method="CANCEL"))
    assert calendar["METHOD"] == "CANCEL"
    assert only_event(calendar)["STATUS"] == "CANCELLED"


def test_the_uid_is_stable_and_shared_by_invite_download_and_feed(app, make_event, make_registration):
    event, other = make_event(), make_event()
    first = only_event(icalendar.Calendar.from_ical(invite(app, make_registration(event))))
    again = only_event(icalendar.Calendar.from_ical(invite(app, make_registration(event))))
    downloaded = only_event(icalendar.Calendar.from_ical(download(app, event)))
    elsewhere = only_event(icalendar.Calendar.from_ical(download(app, other)))
    with app.test_request_context():
        feed = icalendar.Calendar.from_ical(service.feed([db.session.get(Event, event.id)]))
    assert first["UID"] == again["UID"] == downloaded["UID"] == only_event(feed)["UID"]
    assert elsewhere["UID"] != first["UID"]


def test_the_sequence_grows_with_every_bump(app, make_event, make_registration):
    event = make_event()
    registration = make_registration(event)
    before = only_event(icalendar.Calendar.from_ical(invite(app, registration)))
    assert before["SEQUENCE"] == 0
    for expected in (1, 2):
        with app.app_context():
            stored = db.session.get(Event, event.id)
            assert bump_sequence(stored) == expected
            db.session.commit()
        after = only_event(icalendar.Calendar.from_ical(invite(app, registration)))
        assert after["SEQUENCE"] == expected
        assert vobject.readOne(invite(app, registration).decode()).vevent.sequence.value == str(expected)
    with app.app_context():
        assert db.session.get(Event, event.id).calendar_sequence == 2


def test_bump_sequence_on_an_unsaved_event_counts_in_memory(app):
    event = Event(calendar_sequence=4)
    with app.app_context():
        assert bump_sequence(event) == 5
    assert event.calendar_sequence == 5


def test_an_invite_speaks_the_registrants_language(app, make_event, make_registration):
    registration = make_registration(make_event(title="Dialog digital"), status="waitlisted", language="en")
    filename, content_type, data = attachment(app, registration)
    entry = only_event(icalendar.Calendar.from_ical(data))
    assert filename == "invitation.ics"
    assert str(entry["SUMMARY"]) == "Waiting list: Dialog digital"
    assert "waiting list" in str(entry["DESCRIPTION"])


# --- times -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "offset"), [(SUMMER_START, 2), (WINTER_START, 1)], ids=["summer", "winter"])
def test_start_and_end_are_berlin_wall_clock_times(app, make_event, make_registration, start, offset):
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=8))
    data = invite(app, make_registration(event))
    unfolded = assert_rfc5545_lines(data)
    local_day = start.astimezone(BERLIN).strftime("%Y%m%d")
    assert f"DTSTART;TZID=Europe/Berlin:{local_day}T090000" in unfolded
    assert f"DTEND;TZID=Europe/Berlin:{local_day}T170000" in unfolded

    calendar, parsed = parse_both(data)
    entry = only_event(calendar)
    assert entry.decoded("DTSTART") == start
    assert entry.decoded("DTSTART").hour == 9
    # vobject resolves the TZID through the VTIMEZONE in the file, so this checks that VTIMEZONE
    vstart = parsed.vevent.dtstart.value
    assert type(vstart.tzinfo).__module__.startswith("dateutil")
    assert (vstart.hour, vstart.minute) == (9, 0)
    assert vstart.utcoffset() == timedelta(hours=offset)
    assert vstart == start
    assert parsed.vevent.dtend.value == start + timedelta(hours=8)


def test_every_tzid_used_has_its_vtimezone(app, programme_event, make_registration):
    for data in (invite(app, make_registration(programme_event)), download(app, programme_event)):
        calendar = icalendar.Calendar.from_ical(data)
        defined = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
        used = set(re.findall(rb";TZID=([^:;]+)[:;]", data))
        assert {name.decode() for name in used} == defined == {"Europe/Berlin"}
        assert len(calendar.walk("VTIMEZONE")) == 1


def test_the_vtimezone_matches_the_real_zone_for_ten_years(app, make_event):
    """Read by dateutil alone, the VTIMEZONE gives Berlin's real offset on every day around the changes."""
    data = download(app, make_event())
    calendar = icalendar.Calendar.from_ical(data)
    zone_text = calendar.walk("VTIMEZONE")[0].to_ical().decode()
    zone = dateutil_tz.tzical(io.StringIO(zone_text)).get("Europe/Berlin")
    day = date(2026, 1, 1)
    while day < date(2036, 1, 1):
        for hour in (0, 12):
            moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            assert moment.astimezone(zone).utcoffset() == moment.astimezone(BERLIN).utcoffset(), moment
        day += timedelta(days=1)


def test_a_multi_day_meeting_is_an_entry_a_day_with_its_programme(app, programme_event, make_registration):
    calendar, parsed = parse_both(invite(app, make_registration(programme_event)))
    entry = only_event(calendar)
    assert entry.decoded("DTSTART") == SUMMER_START
    assert entry.decoded("DTEND") == SUMMER_START + timedelta(hours=7)  # not one block across the night
    occurrences = list(parsed.vevent.getrruleset(addRDate=True))
    assert [(o.date(), o.hour) for o in occurrences] == [(date(2027, 7, 1), 9), (date(2027, 7, 2), 9)]
    description = str(entry["DESCRIPTION"])
    assert "Austausch & Workshops für Integrationslotsinnen." in description
    assert "<" not in description and "**" not in description and "&amp;" not in description
    assert "- Wohnen\n- Sportvereine" in description
    assert "09:00–09:30 Grußwort des Ministers (Großer Saal)" in description
    assert "10:00–11:30 Wohnraum finden (Dr. Özlem Şahin, Raum 2)" in description
    assert "Donnerstag, 1. Juli 2027" in description and "Freitag, 2. Juli 2027" in description
    assert parsed.vevent.description.value == description


def test_an_online_event_has_its_link_as_location(app, make_event, make_registration):
    event = make_event(kind="online_dialog", venue_name=None, address=None, online_url="https://video.example/raum/42")
    entry = only_event(icalendar.Calendar.from_ical(invite(app, make_registration(event))))
    assert str(entry["LOCATION"]) == "https://video.example/raum/42"
    assert "https://video.example/raum/42" in str(entry["DESCRIPTION"])


def test_an_event_without_contact_address_is_organised_by_the_mail_sender(app, make_event, make_registration):
    entry = only_event(icalendar.Calendar.from_ical(invite(app, make_registration(make_event(contact_email=None)))))
    assert str(entry["ORGANIZER"]) == "mailto:noreply@treffpunkt.example"
    assert entry["ORGANIZER"].params["CN"] == "Treffpunkt"


# --- RFC 5545 syntax -------------------------------------------------------------------------------------


def test_long_lines_are_folded_at_75_octets_with_umlauts_intact(app, make_event, make_registration):
    event = make_event(title=LONG_TITLE, description="Äöü ß " * 60)
    registration = make_registration(event, first_name="Ülkü Özgür Çağrı", last_name="Größenwahn-Müßig " * 3)
    for data in (invite(app, registration), download(app, event)):
        unfolded = assert_rfc5545_lines(data)
        assert max(len(line) for line in data.split(b"\r\n")) == 75  # something was long enough to fold
        assert f"SUMMARY:{LONG_TITLE.replace(',', chr(92) + ',')}" in unfolded
        calendar, parsed = parse_both(data)
        assert str(only_event(calendar)["SUMMARY"]) == LONG_TITLE
        assert parsed.vevent.summary.value == LONG_TITLE
        assert "Äöü ß Äöü ß" in parsed.vevent.description.value


def test_names_with_quotes_and_commas_stay_valid_parameters(app, make_event, make_registration):
    registration = make_registration(make_event(), first_name='Maria "Mia"', last_name="Schmidt, Dr.")
    data = invite(app, registration)
    assert_rfc5545_lines(data)
    calendar, parsed = parse_both(data)
    assert only_event(calendar)["ATTENDEE"].params["CN"] == "Maria 'Mia' Schmidt, Dr."
    assert parsed.vevent.attendee.params["CN"] == ["Maria 'Mia' Schmidt, Dr."]


# --- mails -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "method", "filename"), [("confirmed", "REQUEST", "einladung.ics"), ("cancelled", "CANCEL", "absage.ics")]
)
def test_a_mailed_invite_carries_the_method_in_its_content_type(
    app, make_event, make_registration, status, method, filename
):
    registration = make_registration(make_event(), status=status)
    with app.app_context():
        stored = db.session.get(Registration, registration.id)
        queue_mail(stored.email, "Ihre Anmeldung", "Hallo", attachments=[invite_attachment(stored)])
        db.session.commit()
        deliver_due_mail()
    (message,) = sent_mails(app)
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == method
    assert part.get_content_charset() == "utf-8"
    assert part.get_filename() == filename
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert calendar["METHOD"] == method
    assert str(only_event(calendar)["UID"]) == f"event-{registration.event_id}@localhost"


# --- views -----------------------------------------------------------------------------------------------


def test_anyone_downloads_a_published_event(client, app, programme_event):
    response = client.get(f"/calendar/events/{programme_event.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f"attachment; filename={programme_event.slug}.ics"
    assert_rfc5545_lines(response.data)
    calendar, parsed = parse_both(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    entry = only_event(calendar)
    assert "ATTENDEE" not in entry
    assert "ORGANIZER" in entry
    assert str(entry["SUMMARY"]) == "Vernetzungstreffen 2027 in Nürnberg"
    assert parsed.vevent.dtstart.value == SUMMER_START


def test_drafts_and_unknown_events_have_no_calendar_file(client, make_event):
    draft = make_event(status="draft")
    assert client.get(f"/calendar/events/{draft.id}.ics").status_code == 404
    assert client.get("/calendar/events/999999.ics").status_code == 404


def test_a_cancelled_event_downloads_as_cancelled(client, make_event):
    event = make_event(status="cancelled")
    response = client.get(f"/calendar/events/{event.id}.ics")
    assert response.status_code == 200
    assert only_event(icalendar.Calendar.from_ical(response.data))["STATUS"] == "CANCELLED"


def test_the_feed_holds_published_upcoming_and_recent_events(client, make_event):
    soon = make_event(title="Bald")
    recent = make_event(
        title="Gerade vorbei", starts_at=utcnow() - timedelta(days=20), ends_at=utcnow() - timedelta(days=19)
    )
    make_event(title="Lange her", starts_at=utcnow() - timedelta(days=400), ends_at=utcnow() - timedelta(days=399))
    make_event(title="Entwurf", status="draft")
    make_event(title="Abgesagt", status="cancelled")

    response = client.get("/calendar/feed.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "treffpunkt-veranstaltungen.ics" in response.headers["Content-Disposition"]
    unfolded = assert_rfc5545_lines(response.data)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in unfolded
    assert "X-PUBLISHED-TTL:PT1H" in unfolded
    calendar, parsed = parse_both(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Treffpunkt – Veranstaltungen"
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Gerade vorbei", "Bald"]
    assert sorted(e.uid.value for e in parsed.vevent_list) == sorted(f"event-{e.id}@localhost" for e in (soon, recent))


def test_the_feed_calendar_name_is_translated(client, make_event):
    make_event()
    client.post("/language", data={"lang": "en"})
    calendar = icalendar.Calendar.from_ical(client.get("/calendar/feed.ics").data)
    assert str(calendar["X-WR-CALNAME"]) == "Treffpunkt – Events"


def test_the_feed_is_offered_as_a_webcal_link(client, app):
    with app.app_context():
        assert service.webcal_url("https://treffpunkt.example/calendar/feed.ics") == (
            "webcal://treffpunkt.example/calendar/feed.ics"
        )
        assert service.webcal_url("http://localhost:5000/calendar/feed.ics?x=1") == (
            "webcal://localhost:5000/calendar/feed.ics?x=1"
        )
        with pytest.raises(ValueError):
            service.webcal_url("mailto:someone@example.org")
    page = client.get("/calendar/").get_data(as_text=True)
    assert 'href="webcal://localhost/calendar/feed.ics"' in page
    assert "http://localhost/calendar/feed.ics" in page


def test_the_personal_feed_shows_only_its_own_registration(client, app, make_event, make_registration):
    """Not the other registrations of the same address: anyone may register a stranger's address for an open
    event, and must not read that person's other events from the feed."""
    first, second, cancelled_one, other_persons = (
        make_event(title=t) for t in ("Erstes", "Zweites", "Storniert", "Fremd")
    )
    draft_then = make_event(title="Wieder Entwurf", status="draft")
    mine = make_registration(first, email="Elif.Kaya@example.org")
    waiting = make_registration(second, status="waitlisted", email="elif.kaya@example.org")
    cancelled = make_registration(cancelled_one, status="cancelled", email="elif.kaya@example.org")
    make_registration(draft_then, email="elif.kaya@example.org")
    make_registration(other_persons, email="jemand.anders@example.org")

    response = client.get(feed_path(app, mine))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    assert_rfc5545_lines(response.data)
    calendar, parsed = parse_both(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Treffpunkt – Meine Veranstaltungen"
    entries = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(entries) == {"Erstes"}
    assert entries["Erstes"]["STATUS"] == "CONFIRMED"
    assert len(parsed.vevent_list) == 1
    feed = icalendar.Calendar.from_ical(client.get(feed_path(app, waiting)).data)
    assert [(str(e["SUMMARY"]), str(e["STATUS"])) for e in feed.walk("VEVENT")] == [
        ("Warteliste: Zweites", "TENTATIVE")
    ]
    feed = icalendar.Calendar.from_ical(client.get(feed_path(app, cancelled)).data)
    assert [(str(e["SUMMARY"]), str(e["STATUS"])) for e in feed.walk("VEVENT")] == [("Storniert", "CANCELLED")]


def test_an_unknown_or_forged_feed_token_is_404_before_any_database_work(client, app, make_event, make_registration):
    from sqlalchemy import event as sa_event

    registration = make_registration(make_event())
    good = feed_path(app, registration).removeprefix("/calendar/personal/").removesuffix(".ics")
    number, version, mac = good.split("-", 2)
    other_mac = "A" + mac[1:] if mac[0] != "A" else "B" + mac[1:]
    forged = [
        "not-a-real-token",
        "a" * 300,
        f"{number}-{version}-{other_mac}",  # altered signature
        f"{int(number) + 1}-{version}-{mac}",  # someone else's registration with this signature
        f"{number}-{int(version) + 1}-{mac}",
    ]
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        statements.append(_args[2])

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        for token in forged:
            assert client.get(f"/calendar/personal/{token}.ics").status_code == 404, token
        assert statements == []
        assert client.get(f"/calendar/personal/{good}.ics").status_code == 200
        assert statements  # the real one is looked up
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def test_the_feed_token_opens_the_feed_and_nothing_else(client, app, make_event, make_registration):
    registration = make_registration(make_event(title="Nur lesen"))
    token = feed_path(app, registration).removeprefix("/calendar/personal/").removesuffix(".ics")
    assert token != registration.manage_token
    assert client.get(f"/calendar/personal/{token}.ics").status_code == 200
    for path in ("", "/invite.ics", "/ticket.pdf"):
        assert client.get(f"/registration/me/{token}{path}").status_code == 404
    assert client.post(f"/registration/me/{token}/cancel").status_code == 404
    assert client.post(f"/registration/me/{token}/renew").status_code == 404
    with app.app_context():
        assert db.session.get(Registration, registration.id).status == "confirmed"
    # and the personal link, which changes and cancels, is no feed address
    assert client.get(f"/calendar/personal/{registration.manage_token}.ics").status_code == 404


def test_the_personal_page_offers_the_feed_at_its_own_address(client, app, make_event, make_registration):
    registration = make_registration(make_event())
    page = client.get(f"/registration/me/{registration.manage_token}").get_data(as_text=True)
    assert f'href="webcal://localhost{feed_path(app, registration)}"' in page
    assert f"webcal://localhost/calendar/personal/{registration.manage_token}" not in page


def test_renewing_the_personal_link_replaces_the_feed_address(client, app, make_event, make_registration):
    registration = make_registration(make_event())
    old_feed = feed_path(app, registration)
    client.post(f"/registration/me/{registration.manage_token}/renew")
    assert client.get(old_feed).status_code == 404
    with app.app_context():
        renewed = db.session.get(Registration, registration.id)
        assert renewed.link_version == 1
        new_feed = service.personal_feed_url(renewed).removeprefix("http://localhost")
    assert new_feed != old_feed
    assert client.get(new_feed).status_code == 200


def test_the_calendar_page_is_in_the_navigation(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/calendar/"' in page


def test_the_personal_feed_speaks_the_participants_language(client, app, make_event, make_registration):
    event = make_event(title="Dialog digital")
    registration = make_registration(event, status="waitlisted", language="en")
    response = client.get(feed_path(app, registration))
    assert "my-events.ics" in response.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Treffpunkt – My events"
    assert str(only_event(calendar)["SUMMARY"]) == "Waiting list: Dialog digital"


def test_files_can_be_built_outside_a_request_for_mail_jobs_and_cli_commands(app, make_event):
    event = make_event(title="Preisverleihung")
    with app.app_context():
        stored = db.session.get(Event, event.id)
        german = icalendar.Calendar.from_ical(service.feed([stored]))
        english = icalendar.Calendar.from_ical(service.event_calendar(stored, language="en"))
    assert str(german["X-WR-CALNAME"]) == "Treffpunkt – Veranstaltungen"
    assert "More information:" in str(only_event(english)["DESCRIPTION"])


def test_the_link_macros_for_other_pages(app, make_event, make_registration):
    from flask import render_template_string

    event = make_event()
    registration = make_registration(event)
    source = (
        '{% from "calendar/macros.html" import event_calendar_link, feed_links, personal_feed_links %}'
        "{{ event_calendar_link(event) }}{{ feed_links() }}{{ personal_feed_links(registration) }}"
    )
    with app.test_request_context():
        html = render_template_string(source, event=event, registration=registration)
    assert f'href="/calendar/events/{event.id}.ics"' in html
    assert 'href="webcal://localhost/calendar/feed.ics"' in html
    assert f'href="webcal://localhost{feed_path(app, registration)}"' in html
    assert "In den Kalender übernehmen (.ics)" in html


# RFC 5546 (iTIP), 3.2.1, 3.2.2 and 3.2.5: properties a VEVENT must carry (1) or must not carry (0) per method.
ITIP_RULES = {
    "PUBLISH": {"DTSTAMP": 1, "DTSTART": 1, "ORGANIZER": 1, "SUMMARY": 1, "UID": 1, "ATTENDEE": 0},
    "REQUEST": {"ATTENDEE": 1, "DTSTAMP": 1, "DTSTART": 1, "ORGANIZER": 1, "SEQUENCE": 1, "SUMMARY": 1, "UID": 1},
    "CANCEL": {"ATTENDEE": 1, "DTSTAMP": 1, "ORGANIZER": 1, "SEQUENCE": 1, "UID": 1, "STATUS": 1},
}


def test_every_method_carries_what_itip_requires(app, client, make_event, make_registration):
    event = make_event()
    files = {
        "REQUEST": invite(app, make_registration(event)),
        "CANCEL": invite(app, make_registration(event, status="cancelled")),
        "PUBLISH": client.get(f"/calendar/events/{event.id}.ics").data,
    }
    for method, data in files.items():
        calendar = icalendar.Calendar.from_ical(data)
        assert calendar["METHOD"] == method
        assert {"PRODID", "VERSION", "CALSCALE", "METHOD"} <= set(calendar)
        entry = only_event(calendar)
        for name, wanted in ITIP_RULES[method].items():
            assert (name in entry) == bool(wanted), f"{method}: {name}"
    feed = icalendar.Calendar.from_ical(client.get("/calendar/feed.ics").data)
    for entry in feed.walk("VEVENT"):
        assert all((name in entry) == bool(wanted) for name, wanted in ITIP_RULES["PUBLISH"].items())


# --- SEQUENCE: every change of what an entry says is a newer version (RFC 5546, 2.1.4) --------------------------


def sequence_of(data: bytes) -> int:
    """The SEQUENCE of the file's one entry, read by both parsers (they must agree)."""
    calendar, parsed = parse_both(data)
    sequence = only_event(calendar)["SEQUENCE"]
    assert int(parsed.vevent.sequence.value) == sequence
    return sequence


def calendar_part(message) -> bytes:
    return next(p for p in message.walk() if p.get_content_type() == "text/calendar").get_payload(decode=True)


def event_edit_form(**overrides) -> dict:
    """The organiser's form for programme_event, as it stands."""
    data = {
        "kind": "networking",
        "title": "Vernetzungstreffen 2027 in Nürnberg",
        "description": "**Austausch** & Workshops für Integrationslotsinnen.\n\n- Wohnen\n- Sportvereine",
        "starts_at": "2027-07-01T09:00",
        "ends_at": "2027-07-02T16:00",
        "venue_name": "Meistersingerhalle",
        "address": "Münchener Str. 21, 90478 Nürnberg",
        "capacity": "100",
        "access": "open",
        "contact_email": "integration@stmi.example",
    }
    data.update(overrides)
    return data


def test_changing_title_description_or_programme_raises_the_sequence(
    client, app, login, make_user, programme_event, make_registration
):
    registration = make_registration(programme_event)
    login(make_user("organiser"))
    event_id = programme_event.id
    with app.app_context():
        talk = next(s.id for s in db.session.get(Event, event_id).sessions if s.kind == "talk")
    session_form = {"kind": "talk", "title": "Grußwort", "starts_at": "2027-07-01T09:00", "ends_at": "2027-07-01T09:30"}
    renamed = event_edit_form(title="Vernetzungstreffen 2027 – Nürnberg")
    changes = [
        (f"/meetings/manage/{event_id}/edit", renamed),
        (f"/meetings/manage/{event_id}/edit", {**renamed, "description": "Neue Beschreibung"}),
        (f"/meetings/manage/{event_id}/sessions/new", session_form),
        (f"/meetings/manage/{event_id}/sessions/{talk}/edit", {**session_form, "room": "Kleiner Saal"}),
        (f"/meetings/manage/{event_id}/sessions/{talk}/delete", {}),
    ]
    seen = [sequence_of(client.get(f"/calendar/events/{event_id}.ics").data)]
    for url, form in changes:
        assert client.post(url, data=form).status_code == 302, url
        seen.append(sequence_of(client.get(f"/calendar/events/{event_id}.ics").data))
    assert seen == [0, 1, 2, 3, 4, 5]
    entry = only_event(icalendar.Calendar.from_ical(invite(app, registration)))
    assert entry["SEQUENCE"] == 5 and str(entry["SUMMARY"]) == "Vernetzungstreffen 2027 – Nürnberg"
    assert "Neue Beschreibung" in str(entry["DESCRIPTION"]) and "Grußwort des Ministers" not in str(
        entry["DESCRIPTION"]
    )


def test_changes_the_entries_do_not_show_leave_the_sequence_alone(client, app, login, make_user, programme_event):
    login(make_user("organiser"))
    event_id = programme_event.id
    unchanged = [
        (f"/meetings/manage/{event_id}/edit", event_edit_form()),  # saved as it was
        (f"/meetings/manage/{event_id}/edit", event_edit_form(capacity="150", edition="2027")),
        (f"/meetings/manage/{event_id}/questions/new", {"label": "Anreise mit der Bahn?", "kind": "yesno"}),
    ]
    for url, form in unchanged:
        assert client.post(url, data=form).status_code == 302, url
    assert sequence_of(client.get(f"/calendar/events/{event_id}.ics").data) == 0


def test_a_cancellation_and_a_new_registration_carry_growing_sequences(client, app, make_event):
    from tests.registration.test_registration import form_data

    event = make_event()
    personal = register_through_form(client, f"/registration/{event.slug}", form_data())
    client.post(personal + "/cancel")
    client.post(f"/registration/{event.slug}", data=form_data())
    confirmed, cancelled, confirmed_again = (calendar_part(m) for m in sent_mails(app))
    methods = [parse_both(data)[1].method.value for data in (confirmed, cancelled, confirmed_again)]
    assert methods == ["REQUEST", "CANCEL", "REQUEST"]
    assert sequence_of(confirmed) < sequence_of(cancelled) < sequence_of(confirmed_again)
    assert len({str(only_event(icalendar.Calendar.from_ical(d))["UID"]) for d in (confirmed, cancelled)}) == 1
    # the personal download and feed say what the last invite said
    assert sequence_of(client.get(personal + "/invite.ics").data) == sequence_of(confirmed_again)
    with app.app_context():
        registration = db.session.scalars(db.select(Registration)).one()
        assert registration.status == "confirmed"
    assert sequence_of(client.get(feed_path(app, registration)).data) == sequence_of(confirmed_again)


def test_a_cancellation_mailed_after_the_new_registration_keeps_its_lower_sequence(app, client, make_event):
    """With MAIL_DELIVERY=later the mails are rendered only when they are sent, after both changes."""
    from tests.registration.test_registration import form_data

    event = make_event()
    app.config["MAIL_DELIVERY"] = "later"
    try:
        personal = register_through_form(client, f"/registration/{event.slug}", form_data())
        client.post(personal + "/cancel")
        client.post(f"/registration/{event.slug}", data=form_data())
    finally:
        app.config["MAIL_DELIVERY"] = "sync"
    with app.app_context():
        deliver_due_mail()
    sequences = [sequence_of(calendar_part(m)) for m in sent_mails(app)]
    assert len(sequences) == 3 and sequences == sorted(set(sequences))


def test_moving_up_from_the_waiting_list_is_a_newer_invite(client, app, make_event):
    from tests.registration.test_registration import form_data

    event = make_event(capacity=1)
    first = register_through_form(client, f"/registration/{event.slug}", form_data(email="erste@example.org"))
    waiting = register_through_form(client, f"/registration/{event.slug}", form_data(email="zweite@example.org"))
    waiting_invite = client.get(waiting + "/invite.ics").data
    client.post(first + "/cancel")
    promoted = next(m for m in sent_mails(app) if m["To"] == "zweite@example.org" and "text/calendar" in str(m))
    assert parse_both(calendar_part(promoted))[1].vevent.attendee.params["PARTSTAT"] == ["ACCEPTED"]
    assert sequence_of(calendar_part(promoted)) > sequence_of(waiting_invite)
