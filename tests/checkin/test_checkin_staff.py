"""Organisers assign check-in staff to an event; only assigned staff see the event's door."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from events import create_app
from events.checkin.staff import StaffError, assign_staff, assignable_staff, remove_staff
from events.core.models import AuditEntry, User
from events.extensions import db
from events.meetings.models import Event, EventStaff
from tests.conftest import sign_in_without_form


def assignments(app, event) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(EventStaff.user_id).filter_by(event_id=event.id).order_by(EventStaff.id)))


def audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def flashes(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S)]


@pytest.fixture
def named(app):
    """Give a made user a display name (make_user numbers them)."""

    def rename(user, name):
        with app.app_context():
            db.session.get(User, user.id).display_name = name
            db.session.commit()
        return user

    return rename


# --- the service ------------------------------------------------------------------------------------------------


def test_only_active_unassigned_check_in_accounts_can_be_chosen(app, make_event, make_user, named):
    event = make_event()
    zoe = named(make_user("checkin"), "Zoe Zander")
    anna = named(make_user("checkin"), "anna Albers")
    assigned = make_user("checkin")
    make_user("checkin", active=False)
    make_user("organiser")
    with app.test_request_context():
        the_event = db.session.get(Event, event.id)
        assign_staff(the_event, assigned.id)
        assert [user.id for user in assignable_staff(the_event)] == [anna.id, zoe.id]


def test_assigning_writes_the_row_and_an_audit_entry(app, make_event, make_user, named):
    event = make_event()
    dora = named(make_user("checkin", email="dora@example.org"), "Dora Door")
    with app.test_request_context():
        row = assign_staff(db.session.get(Event, event.id), dora.id)
        assert row.user_id == dora.id
    assert assignments(app, event) == [dora.id]
    [entry] = audit(app, "event_staff.assigned")
    assert entry.object_type == "Event" and entry.object_id == str(event.id)
    assert entry.details == {"user_id": dora.id}
    assert "Dora Door <dora@example.org>" in entry.summary


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody", "Dieses Benutzerkonto gibt es nicht."),
        ("organiser", "Zuordnen lassen sich nur aktive Benutzerkonten mit der Rolle „Einlass“."),
        ("jury", "Zuordnen lassen sich nur aktive Benutzerkonten mit der Rolle „Einlass“."),
        ("deactivated", "Zuordnen lassen sich nur aktive Benutzerkonten mit der Rolle „Einlass“."),
    ],
)
def test_unknown_accounts_and_accounts_of_another_kind_are_refused(app, make_event, make_user, who, message):
    event = make_event()
    if who == "nobody":
        user_id = 999_999
    elif who == "deactivated":
        user_id = make_user("checkin", active=False).id
    else:
        user_id = make_user(who).id
    with app.test_request_context():
        with pytest.raises(StaffError, match=message):
            assign_staff(db.session.get(Event, event.id), user_id)
    assert assignments(app, event) == []
    assert audit(app, "event_staff.assigned") == []


def test_assigning_someone_twice_is_refused_and_leaves_one_row(app, make_event, make_user, named):
    event = make_event()
    dora = named(make_user("checkin"), "Dora Door")
    with app.test_request_context():
        the_event = db.session.get(Event, event.id)
        assign_staff(the_event, dora.id)
        with pytest.raises(StaffError, match="Dora Door ist dieser Veranstaltung schon zugeordnet."):
            assign_staff(the_event, dora.id)
    assert assignments(app, event) == [dora.id]
    assert len(audit(app, "event_staff.assigned")) == 1


def test_two_assignments_at_the_same_moment_leave_one_row(app, make_event, make_user, monkeypatch):
    """The second request read "not assigned" before the first committed: the unique constraint decides."""
    event = make_event()
    dora = make_user("checkin")
    with app.test_request_context():
        the_event = db.session.get(Event, event.id)
        assign_staff(the_event, dora.id)
        real_scalar = db.session.scalar
        monkeypatch.setattr(
            db.session, "scalar", lambda query, *a, **k: None if "event_staff" in str(query) else real_scalar(query)
        )
        with pytest.raises(StaffError, match="schon zugeordnet"):
            assign_staff(db.session.get(Event, event.id), dora.id)
    assert assignments(app, event) == [dora.id]


def test_removing_ends_the_assignment_once_and_is_audited(app, make_event, make_user, named):
    event, other = make_event(), make_event()
    dora = named(make_user("checkin", email="dora@example.org"), "Dora Door")
    with app.test_request_context():
        row = assign_staff(db.session.get(Event, event.id), dora.id)
        staff_id = row.id
        assert remove_staff(db.session.get(Event, other.id), staff_id) is None  # not this event's
        assert assignments(app, event) == [dora.id]
        assert remove_staff(db.session.get(Event, event.id), staff_id).id == dora.id
        assert remove_staff(db.session.get(Event, event.id), staff_id) is None  # gone already
    assert assignments(app, event) == []
    [entry] = audit(app, "event_staff.removed")
    assert entry.object_id == str(event.id) and entry.details == {"user_id": dora.id}
    assert "Dora Door <dora@example.org> removed" in entry.summary


def test_a_new_edition_starts_without_the_old_check_in_staff(app, make_event, make_user, login, client):
    """A new year has new people at the door; organisers assign them anew."""
    event = make_event()
    dora = make_user("checkin")
    with app.test_request_context():
        assign_staff(db.session.get(Event, event.id), dora.id)
    login(make_user("organiser"))
    response = client.post(f"/meetings/manage/{event.id}/copy")
    assert response.status_code == 302
    with app.app_context():
        copy = db.session.scalars(select(Event).where(Event.id != event.id)).one()
        assert copy.staff == []


# --- the page ---------------------------------------------------------------------------------------------------


def test_an_organiser_assigns_a_check_in_user_who_then_sees_the_event(app, client, login, make_event, make_user, named):
    event = make_event(title="Vernetzungstreffen Landshut")
    dora = named(make_user("checkin", email="dora@example.org"), "Dora Door")
    login(make_user("organiser"))
    page = client.get(f"/checkin/{event.id}/staff").get_data(as_text=True)
    assert "Noch niemand ist dieser Veranstaltung zugeordnet." in page
    assert f'<option value="{dora.id}">Dora Door (dora@example.org)</option>' in page

    response = client.post(f"/checkin/{event.id}/staff", data={"user_id": str(dora.id)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Dora Door ist jetzt dem Einlass dieser Veranstaltung zugeordnet." in flashes(page)
    assert "<td>Dora Door</td>" in page and "<td>dora@example.org</td>" in page
    assert f'<option value="{dora.id}">' not in page  # no one to choose twice
    assert "Alle aktiven Benutzerkonten mit der Rolle „Einlass“ sind dieser Veranstaltung schon zugeordnet." in page

    login(dora)  # the same client, now as the check-in user
    index = client.get("/checkin/").get_data(as_text=True)
    assert "Vernetzungstreffen Landshut" in index
    assert client.get(f"/checkin/{event.id}/").status_code == 200


def test_removing_someone_takes_the_event_away_from_them(app, client, login, make_event, make_user, named):
    event = make_event(title="Vernetzungstreffen Landshut")
    dora = named(make_user("checkin"), "Dora Door")
    with app.test_request_context():
        staff_id = assign_staff(db.session.get(Event, event.id), dora.id).id
    login(make_user("organiser"))
    page = client.get(f"/checkin/{event.id}/staff").get_data(as_text=True)
    assert f'action="/checkin/{event.id}/staff/{staff_id}/remove"' in page
    assert 'data-confirm="Dora Door wirklich vom Einlass dieser Veranstaltung abziehen?"' in page

    page = client.post(f"/checkin/{event.id}/staff/{staff_id}/remove", follow_redirects=True).get_data(as_text=True)
    assert "Dora Door ist dem Einlass dieser Veranstaltung nicht mehr zugeordnet." in flashes(page)
    assert "Noch niemand ist dieser Veranstaltung zugeordnet." in page
    # a second click (or the back button and the button again) explains instead of failing
    page = client.post(f"/checkin/{event.id}/staff/{staff_id}/remove", follow_redirects=True).get_data(as_text=True)
    assert "Diese Zuordnung besteht nicht mehr." in flashes(page)

    login(dora)  # the same client, now as the check-in user
    index = client.get("/checkin/").get_data(as_text=True)
    assert "Vernetzungstreffen Landshut" not in index
    assert "Ihnen ist derzeit keine Veranstaltung für den Einlass zugeordnet." in index
    assert "Das Organisationsteam einer Veranstaltung ordnet Sie ihrem Einlass zu" in index
    assert client.get(f"/checkin/{event.id}/").status_code == 403


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Bitte wählen Sie eine Person aus."),
        ("abc", "Bitte wählen Sie eine Person aus."),
        ("99999999999999999999999", "Bitte wählen Sie eine Person aus."),
        ("999999", "Dieses Benutzerkonto gibt es nicht."),
        ("organiser", "Zuordnen lassen sich nur aktive Benutzerkonten mit der Rolle „Einlass“."),
        ("twice", "Dora Door ist dieser Veranstaltung schon zugeordnet."),
    ],
)
def test_the_form_explains_every_refusal(app, client, login, make_event, make_user, named, value, message):
    event = make_event()
    dora = named(make_user("checkin"), "Dora Door")
    organiser = login(make_user("organiser"))
    expected = []
    if value == "organiser":
        value = str(organiser.id)
    elif value == "twice":
        client.post(f"/checkin/{event.id}/staff", data={"user_id": str(dora.id)})
        value, expected = str(dora.id), [dora.id]
    response = client.post(f"/checkin/{event.id}/staff", data={"user_id": value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and message in page
    assert assignments(app, event) == expected


def test_an_admin_is_pointed_to_the_user_administration_when_no_one_can_be_chosen(client, login, make_event, make_user):
    event = make_event()
    login(make_user("admin"))
    page = client.get(f"/checkin/{event.id}/staff").get_data(as_text=True)
    assert "Es gibt noch kein aktives Benutzerkonto mit der Rolle „Einlass“." in page
    assert 'href="/admin/users/invite"' in page
    assert 'name="user_id"' not in page


def test_an_organiser_is_told_that_the_administration_invites_new_staff(client, login, make_event, make_user):
    event = make_event()
    login(make_user("organiser"))
    page = client.get(f"/checkin/{event.id}/staff").get_data(as_text=True)
    assert "lädt die Administration in der Benutzerverwaltung mit der Rolle „Einlass“ ein" in page
    assert 'href="/admin/users/invite"' not in page


def test_the_list_says_when_an_assigned_account_cannot_scan(app, client, login, make_event, make_user, named):
    event = make_event()
    gone = named(make_user("checkin"), "Gerd Gesperrt")
    with app.test_request_context():
        assign_staff(db.session.get(Event, event.id), gone.id)
        db.session.get(User, gone.id).active = False
        db.session.commit()
    login(make_user("organiser"))
    page = client.get(f"/checkin/{event.id}/staff").get_data(as_text=True)
    assert "deaktiviert: kann sich nicht anmelden" in page
    # the only assigned account cannot scan: there is no one yet, rather than everyone assigned
    assert "Es gibt noch kein aktives Benutzerkonto mit der Rolle „Einlass“." in page


def test_the_page_speaks_english(app, client, login, make_event, make_user, named):
    event = make_event()
    dora = named(make_user("checkin"), "Dora Door")
    login(make_user("organiser"))
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.get(f"/checkin/{event.id}/staff").get_data(as_text=True)
    assert "<h1>Check-in staff:" in page and "Account with the role “Check-in”" in page
    page = client.post(f"/checkin/{event.id}/staff", data={"user_id": str(dora.id)}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Dora Door is now assigned to the check-in of this event." in flashes(page)
    page = client.post(f"/checkin/{event.id}/staff", data={"user_id": "x"}).get_data(as_text=True)
    assert "Please choose a person." in page


def test_the_event_page_and_the_door_pages_link_to_the_staff_page(client, login, make_event, make_user):
    event = make_event()
    login(make_user("organiser"))
    staff_page = f'href="/checkin/{event.id}/staff"'
    page = client.get(f"/checkin/{event.id}/staff").get_data(as_text=True)
    assert "css/checkin.css" in page  # the door pages' navigation looks the same here
    assert f'<a href="/checkin/{event.id}/staff" aria-current="page">' in page
    assert staff_page in client.get(f"/meetings/manage/{event.id}").get_data(as_text=True)
    assert staff_page in client.get(f"/checkin/{event.id}/devices").get_data(as_text=True)
    assert staff_page in client.get("/checkin/").get_data(as_text=True)


def test_removing_needs_the_forms_csrf_token(app, tmp_path, make_event, make_user):
    event = make_event()
    dora, organiser = make_user("checkin"), make_user("organiser")
    with app.test_request_context():
        staff_id = assign_staff(db.session.get(Event, event.id), dora.id).id
    protected = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "another-test-secret-key-0123456789abcdef",
            "WTF_CSRF_ENABLED": True,
            "MAIL_DELIVERY": "later",
        }
    ).test_client()
    sign_in_without_form(app, protected, organiser)
    assert protected.post(f"/checkin/{event.id}/staff/{staff_id}/remove").status_code == 400
    assert protected.post(f"/checkin/{event.id}/staff", data={"user_id": str(dora.id)}).status_code == 400
    assert assignments(app, event) == [dora.id]
    page = protected.get(f"/checkin/{event.id}/staff").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = protected.post(f"/checkin/{event.id}/staff/{staff_id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert assignments(app, event) == []


def test_check_in_staff_see_only_published_events_organisers_see_drafts_marked(
    app, client, login, make_event, make_user
):
    published = make_event(title="Vernetzungstreffen Landshut")
    draft = make_event(title="Vernetzungstreffen 2028 (Entwurf)", status="draft")
    door = make_user("checkin", email="door@example.org")
    with app.app_context():
        db.session.add_all(
            [EventStaff(event_id=published.id, user_id=door.id), EventStaff(event_id=draft.id, user_id=door.id)]
        )
        db.session.commit()
    login(door)
    index = client.get("/checkin/").get_data(as_text=True)
    assert "Vernetzungstreffen Landshut" in index and "Vernetzungstreffen 2028" not in index
    login(make_user("organiser"))
    index = client.get("/checkin/").get_data(as_text=True)
    assert 'Vernetzungstreffen 2028 (Entwurf)</span></a> <span class="badge">Entwurf</span>' in index
