"""A certificate of attendance can list the workshops and hours attended (an option of the batch), computed from
check-ins, the registration and the programme."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from events.certificates.models import Certificate, CertificateBatch
from events.checkin.models import CheckIn
from events.extensions import db
from events.meetings.models import EventSession
from events.registration.models import WorkshopChoice
from tests.certificates.test_certificates import attendance_form, check_in, past_event, pdf_text


def _programme(app, event) -> dict[str, int]:
    """Day one: a welcome 09:00-10:00, a break, two parallel workshops 10:00-11:30 (Berlin); day two: no programme."""
    start = event.starts_at  # 08:00 in Berlin
    items = {
        "Grußwort": ("talk", 1, 2),
        "Kaffeepause": ("break", 2, 2.25),
        "Wohnen": ("workshop", 2, 3.5),
        "Sport im Verein": ("workshop", 2, 3.5),
    }
    ids = {}
    with app.app_context():
        for title, (kind, begins, ends) in items.items():
            item = EventSession(
                event_id=event.id,
                kind=kind,
                title=title,
                starts_at=start + timedelta(hours=begins),
                ends_at=start + timedelta(hours=ends),
            )
            db.session.add(item)
            db.session.flush()
            ids[title] = item.id
        db.session.commit()
    return ids


def test_the_batch_lists_the_workshops_and_hours_each_person_attended(
    app, client, make_user, login, make_event, make_registration, monkeypatch
):
    monkeypatch.setitem(app.config, "CERTIFICATE_RENDERING", "sync")
    login(make_user("organiser"))
    event = past_event(make_event, title="Vernetzungstreffen Landshut")  # two days, 08:00 to 17:00 each
    first_day = event.starts_at.date()
    ids = _programme(app, event)
    ayse = make_registration(event, first_name="Ayşe", last_name="Yılmaz")
    jonas = make_registration(event, first_name="Jonas", last_name="Berger")
    with app.app_context():
        db.session.add(WorkshopChoice(registration_id=ayse.id, session_id=ids["Wohnen"]))
        db.session.add(WorkshopChoice(registration_id=jonas.id, session_id=ids["Wohnen"]))
        # Jonas chose housing but went to sport: scanned at that workshop's door
        db.session.add(
            CheckIn(
                event_id=event.id,
                registration_id=jonas.id,
                day=first_day,
                scope=f"session:{ids['Sport im Verein']}",
                result="welcome",
            )
        )
        db.session.commit()
    check_in(app, ayse, first_day, first_day + timedelta(days=1))
    check_in(app, jonas, first_day + timedelta(days=1))

    form = client.get("/certificates/batches/new").get_data(as_text=True)
    assert "Workshops und Stunden aufführen" in form
    response = client.post("/certificates/batches/new", data=attendance_form(event, list_workshops="y"))
    assert response.status_code == 302
    with app.app_context():
        batch = db.session.scalars(select(CertificateBatch)).one()
        assert batch.list_workshops
        details = {c.recipient_name: c.details for c in db.session.scalars(select(Certificate))}
    # Ayşe: day one's welcome (1 h) and housing (1.5 h), day two without a programme (9 h)
    assert details["Ayşe Yılmaz"]["workshops"][0].startswith("Wohnen (")
    assert details["Ayşe Yılmaz"]["hours"] == "11,5 Stunden"
    # Jonas was admitted on day two only, yet checked in at the sport workshop of day one; not housing
    assert [w.split(" (")[0] for w in details["Jonas Berger"]["workshops"]] == ["Sport im Verein"]
    assert details["Jonas Berger"]["hours"] == "10,5 Stunden"

    text = pdf_text(client.get(f"/certificates/batches/{batch.id}/certificates.pdf").data)
    assert "Besuchte Workshops: Wohnen" in text and "10:00–11:30 Uhr" in text
    assert "Umfang der Teilnahme: 11,5 Stunden" in text


def test_without_the_option_the_certificate_lists_no_workshops(
    app, client, make_user, login, make_event, make_registration, monkeypatch
):
    monkeypatch.setitem(app.config, "CERTIFICATE_RENDERING", "sync")
    login(make_user("organiser"))
    event = past_event(make_event)
    ids = _programme(app, event)
    ayse = make_registration(event, first_name="Ayşe", last_name="Yılmaz")
    with app.app_context():
        db.session.add(WorkshopChoice(registration_id=ayse.id, session_id=ids["Wohnen"]))
        db.session.commit()
    check_in(app, ayse, event.starts_at.date())
    client.post("/certificates/batches/new", data=attendance_form(event))
    with app.app_context():
        batch = db.session.scalars(select(CertificateBatch)).one()
    text = pdf_text(client.get(f"/certificates/batches/{batch.id}/certificates.pdf").data)
    assert "Ayşe Yılmaz" in text and "Besuchte Workshops" not in text and "Stunden" not in text
