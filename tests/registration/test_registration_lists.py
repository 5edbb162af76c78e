"""Lists organisers work with: filters, counts of every answer, charts, and the start page's upcoming events."""

import re
from datetime import timedelta

from sqlalchemy import select

from events.checkin.scanning import check_in_registration
from events.core.models import District, OutgoingMail
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventSession, Question
from events.registration.models import Registration, WorkshopChoice


def _names(page: str) -> list[str]:
    """The people the list shows, as "Last, First"."""
    return re.findall(r'/registration/manage/entry/\d+">([^<]+)</a>', page)


def _district(app, key):
    with app.app_context():
        return db.session.scalars(select(District).filter_by(key=key)).one()


def _meeting(app, make_event, make_registration, make_organisation):
    """A meeting with a workshop, a yes/no and a multiple-choice question, and four registrants."""
    event = make_event()
    association = make_organisation(name="Verein Miteinander", kind="association")
    landshut, nuernberg = _district(app, "09261"), _district(app, "09564")  # Niederbayern, Mittelfranken
    with app.app_context():
        workshop = EventSession(
            event_id=event.id,
            kind="workshop",
            title="Wohnen",
            starts_at=event.starts_at + timedelta(hours=2),
            ends_at=event.starts_at + timedelta(hours=3),
        )
        evening = Question(event_id=event.id, label="Abendempfang?", kind="yesno", position=1)
        topics = Question(event_id=event.id, label="Themen", kind="multiple", options=["Sport", "Werte"], position=2)
        db.session.add_all([workshop, evening, topics])
        db.session.commit()
        ids = workshop.id, evening.id, topics.id
    workshop_id, evening_id, topics_id = ids
    people = {
        "Acar": make_registration(
            event,
            last_name="Acar",
            district_id=landshut.id,
            answers={str(evening_id): "yes", str(topics_id): ["Sport", "Werte"]},
            dietary_needs="vegetarisch",
        ),
        "Berger": make_registration(
            event,
            last_name="Berger",
            district_id=nuernberg.id,
            organisation_id=association.id,
            answers={str(evening_id): "no", str(topics_id): ["Werte"]},
            dietary_needs="Vegetarisch ",
        ),
        "Cakir": make_registration(
            event, last_name="Cakir", district_id=nuernberg.id, answers={str(evening_id): "yes"}, dietary_needs="vegan"
        ),
        "Dietz": make_registration(event, last_name="Dietz", status="waitlisted", waitlist_position=1),
    }
    with app.app_context():
        db.session.add(WorkshopChoice(registration_id=people["Acar"].id, session_id=workshop_id))
        db.session.add(WorkshopChoice(registration_id=people["Cakir"].id, session_id=workshop_id))
        db.session.get(Registration, people["Dietz"].id).created_at = utcnow() - timedelta(days=3)
        db.session.commit()
    return event, people, {"workshop": workshop_id, "evening": evening_id, "topics": topics_id}


def test_organisers_filter_by_workshop_answer_region_district_kind_and_date(
    client, app, login, make_user, make_event, make_registration, make_organisation
):
    event, _people, ids = _meeting(app, make_event, make_registration, make_organisation)
    login(make_user("organiser"))

    def shown(**filters):
        page = client.get(f"/registration/manage/{event.id}", query_string=filters)
        assert page.status_code == 200
        return sorted(name.split(",")[0] for name in _names(page.text))

    assert shown() == ["Acar", "Berger", "Cakir", "Dietz"]
    assert shown(workshop=ids["workshop"]) == ["Acar", "Cakir"]
    assert shown(answer=f"{ids['evening']}:yes") == ["Acar", "Cakir"]
    assert shown(answer=f"{ids['topics']}:Werte") == ["Acar", "Berger"]  # one of several choices
    assert shown(workshop=ids["workshop"], answer=f"{ids['evening']}:yes", q="Cakir") == ["Cakir"]
    assert shown(region=_district(app, "09564").region_id) == ["Berger", "Cakir"]
    assert shown(district=_district(app, "09261").id) == ["Acar"]
    assert shown(kind="association") == ["Berger"]
    today = utcnow().date().isoformat()
    assert shown(registered_from=today) == ["Acar", "Berger", "Cakir"]
    assert shown(registered_until=(utcnow() - timedelta(days=2)).date().isoformat()) == ["Dietz"]
    assert shown(workshop="nonsense", registered_from="gestern") == ["Acar", "Berger", "Cakir", "Dietz"]


def test_the_check_in_state_filters_the_list(client, app, login, make_user, make_event, make_registration):
    event = make_event()
    inside, outside = make_registration(event, last_name="Drinnen"), make_registration(event, last_name="Draussen")
    with app.test_request_context():
        check_in_registration(
            db.session.get(Event, event.id),
            db.session.get(Registration, inside.id),
            now=event.starts_at + timedelta(minutes=30),
        )
    assert outside
    login(make_user("organiser"))
    admitted = client.get(f"/registration/manage/{event.id}?checked_in=yes").text
    missing = client.get(f"/registration/manage/{event.id}?checked_in=no").text
    assert [n.split(",")[0] for n in _names(admitted)] == ["Drinnen"]
    assert [n.split(",")[0] for n in _names(missing)] == ["Draussen"]


def test_a_message_goes_to_the_filtered_selection(
    client, app, login, make_user, make_event, make_registration, make_organisation
):
    from tests.conftest import sent_mails

    event, people, ids = _meeting(app, make_event, make_registration, make_organisation)
    login(make_user("organiser"))
    page = client.get(f"/registration/manage/{event.id}?workshop={ids['workshop']}").text
    assert f"/registration/manage/{event.id}/message?workshop={ids['workshop']}" in page
    client.post(
        f"/registration/manage/{event.id}/message?workshop={ids['workshop']}",
        data={"subject": "Raum Wohnen", "body": "Der Workshop zieht um.", "workshop": str(ids["workshop"])},
    )
    assert sorted(m["To"] for m in sent_mails(app)) == sorted([people["Acar"].email, people["Cakir"].email])


def test_every_answer_is_counted_beside_the_breakdowns_and_the_charts_have_tables(
    client, app, login, make_user, make_event, make_registration, make_organisation
):
    event, _people, ids = _meeting(app, make_event, make_registration, make_organisation)
    login(make_user("organiser"))
    page = client.get(f"/registration/manage/{event.id}").text
    answers = page[page.index("Antworten (ohne Stornierungen)") :]
    cells = re.sub(r"<[^>]+>", "|", answers)

    def count_of(label):
        return re.search(re.escape(label) + r"\|+\s*\|*(\d+)\|", cells)[1]

    # Abendempfang: ja 2 (Acar, Cakir), nein 1 (Berger); Dietz, waiting, gave no answer
    assert "Abendempfang? |" in cells and "(3 Antworten)" in answers
    assert count_of("ja") == "2" and count_of("nein") == "1"
    assert count_of("Sport") == "1" and count_of("Werte") == "2"
    assert count_of("vegetarisch") == "2" and count_of("vegan") == "1"  # spelt two ways, counted as one
    assert f"answer={ids['evening']}:yes" in answers or f"answer={ids['evening']}%3Ayes" in answers

    per_day = page[page.index('id="chart-per-day"') :]
    assert '<svg viewBox="0 0' in per_day and 'role="img" aria-labelledby="chart-per-day-caption"' in per_day
    table = per_day[per_day.index("<table") : per_day.index("</table>")]
    assert table.count("<tr>") == 1 + 4  # header and four days, from Dietz three days ago to today
    by_region = page[page.index('id="chart-by-region"') :]
    assert "Mittelfranken" in by_region and "Niederbayern" in by_region and "ohne Angabe" in by_region  # Dietz
    assert by_region.count('class="chart-bar"') == 3


def test_the_organisers_start_page_shows_upcoming_events_with_fill_level_and_what_needs_attention(
    client, app, login, make_user, make_event, make_registration
):
    full = make_event(title="Vernetzungstreffen Nürnberg", capacity=2)
    make_registration(full)
    make_registration(full)
    waiting = make_registration(full, status="waitlisted", waitlist_position=1)
    draft = make_event(title="Herbsttreffen Landshut", status="draft", starts_at=utcnow() + timedelta(days=5))
    make_event(title="Längst vorbei", starts_at=utcnow() - timedelta(days=30))
    with app.app_context():
        db.session.add(
            OutgoingMail(
                recipient=waiting.email, subject="x", body_text="x", status="failed", about=f"registration:{waiting.id}"
            )
        )
        db.session.commit()
    login(make_user("organiser"))

    page = client.get("/").text

    upcoming = page[page.index("Die nächsten Veranstaltungen") :]
    assert upcoming.index("Herbsttreffen Landshut") < upcoming.index("Vernetzungstreffen Nürnberg")  # soonest first
    assert "Längst vorbei" not in upcoming
    row = upcoming[upcoming.index("Vernetzungstreffen Nürnberg") : upcoming.index("</tr>", upcoming.index("Nürnberg"))]
    assert "2 von 2 (100 %)" in row
    assert "1 Person auf der Warteliste" in row and "1 E-Mail nicht zugestellt" in row
    draft_row = upcoming[upcoming.index("Herbsttreffen") : upcoming.index("</tr>", upcoming.index("Herbsttreffen"))]
    assert "noch nicht veröffentlicht" in draft_row and "kein Einlasspersonal eingeteilt" in draft_row
    assert draft.id
