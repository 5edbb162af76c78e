"""Admins manage accounts: what they see after changing one, and what the audit log keeps of it."""

from sqlalchemy import select

from events.core.models import AuditEntry, User
from events.extensions import db
from tests.conftest import sent_mails


def _user_updates(app) -> list[tuple[str, int | None, str]]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).filter_by(action="user.update").order_by(AuditEntry.id))
        return [(entry.actor, entry.user_id, entry.summary) for entry in entries]


def test_deactivating_an_account_says_so(app, client, login, make_user):
    login(make_user("admin"))
    other = make_user("organiser", email="weg@example.org")
    response = client.post(f"/admin/users/{other.id}", data={"roles": ["organiser"]}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Das Konto von Test User 2 ist deaktiviert." in page
    assert "Die Rollen von" not in page
    assert _user_updates(app)[-1][2] == "weg@example.org: organiser -> organiser (deactivated)"


def test_reactivating_an_account_says_so_also_in_the_audit_log(app, client, login, make_user):
    login(make_user("admin"))
    other = make_user("organiser", email="zurueck@example.org", active=False)
    client.post("/language", data={"lang": "en"})
    response = client.post(
        f"/admin/users/{other.id}", data={"roles": ["organiser"], "active": "y"}, follow_redirects=True
    )
    assert "The account of Test User 2 is active again." in response.get_data(as_text=True)
    assert _user_updates(app)[-1][2] == "zurueck@example.org: organiser -> organiser (reactivated)"


def test_an_admin_who_gives_up_their_own_admin_role_lands_on_the_start_page(app, client, login, make_user):
    admin = login(make_user("admin", "organiser"))
    make_user("admin")
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["organiser"], "active": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Die Rollen von Test User 1 sind gespeichert." in page
    assert "Fehler 403" not in page


def test_an_admin_who_deactivates_themselves_is_named_in_the_audit_log(app, client, login, make_user):
    admin = login(make_user("admin"))
    make_user("admin")
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["admin"]})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    actor, user_id, summary = _user_updates(app)[-1]
    assert (actor, user_id) == (admin.email, admin.id)
    assert summary.endswith("(deactivated)")
    # and the account is signed out: the admin pages ask for a sign-in
    assert client.get("/admin/users").status_code == 302


def test_an_accepted_invitation_is_not_sent_again(app, client, login, make_user):
    login(make_user("admin"))
    accepted = make_user("checkin", email="angenommen@example.org")  # has a password
    response = client.post(f"/admin/users/{accepted.id}/resend", follow_redirects=True)
    assert "Test User 2 hat die Einladung schon angenommen und ein Passwort festgelegt." in response.get_data(
        as_text=True
    )
    assert sent_mails(app) == []


def test_a_deactivated_account_gets_no_invitation_again(app, client, login, make_user):
    login(make_user("admin"))
    with app.app_context():
        pending = User(email="offen@example.org", display_name="Otto Offen", active=False)
        db.session.add(pending)
        db.session.commit()
        pending_id = pending.id
    response = client.post(f"/admin/users/{pending_id}/resend", follow_redirects=True)
    assert "Das Konto von Otto Offen ist deaktiviert; es wurde keine Einladung verschickt." in response.get_data(
        as_text=True
    )
    assert sent_mails(app) == []


def test_a_pending_invitation_is_sent_again_and_logged(app, client, login, make_user):
    login(make_user("admin"))
    client.post("/admin/users/invite", data={"email": "neu@example.org", "display_name": "Nora Neu", "roles": ["jury"]})
    with app.app_context():
        invitee_id = db.session.scalars(select(User.id).filter_by(email="neu@example.org")).one()
    response = client.post(f"/admin/users/{invitee_id}/resend", follow_redirects=True)
    assert "Die Einladung an neu@example.org wurde erneut verschickt." in response.get_data(as_text=True)
    assert [mail["To"] for mail in sent_mails(app)] == ["neu@example.org", "neu@example.org"]
    with app.app_context():
        assert db.session.scalars(
            select(AuditEntry.action).filter_by(object_id=str(invitee_id)).order_by(AuditEntry.id)
        ).all()[-1] == ("user.invitation_resent")
