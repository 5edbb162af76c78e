"""The service always keeps one active admin: the last one can neither drop the role nor deactivate themselves."""

from sqlalchemy import func, select

from events.core.models import AuditEntry, User
from events.extensions import db
from tests.conftest import TEST_PASSWORD

LAST_ADMIN_MESSAGE = "Mindestens ein aktives Konto muss die Rolle Administration behalten."


def _state(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        updates = db.session.scalar(select(func.count(AuditEntry.id)).filter_by(action="user.update"))
        return user.roles, user.active, updates


def test_the_last_admin_cannot_take_away_their_own_admin_role(app, client, login, make_user):
    admin = login(make_user("admin", "organiser"))
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["organiser"], "active": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert LAST_ADMIN_MESSAGE in page
    assert 'id="roles-error"' in page
    # the form shows what was chosen: organiser ticked, admin not
    assert '<input checked id="roles-1" name="roles" type="checkbox" value="organiser">' in page
    assert '<input id="roles-0" name="roles" type="checkbox" value="admin">' in page
    assert _state(app, admin.id) == ({"admin", "organiser"}, True, 0)


def test_the_last_admin_cannot_deactivate_themselves(app, client, login, make_user):
    admin = login(make_user("admin"))
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["admin"]})
    assert response.status_code == 400
    assert LAST_ADMIN_MESSAGE in response.get_data(as_text=True)
    assert _state(app, admin.id) == ({"admin"}, True, 0)


def test_the_message_is_translated(client, login, make_user):
    admin = login(make_user("admin"))
    client.post("/language", data={"lang": "en"})
    response = client.post(f"/admin/users/{admin.id}", data={"roles": []})
    assert "At least one active account must keep the administration role." in response.get_data(as_text=True)


def test_with_a_second_active_admin_the_role_can_be_handed_over(app, client, login, make_user):
    admin = login(make_user("admin"))
    successor = make_user("admin")
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["organiser"], "active": "y"})
    assert response.status_code == 302
    assert _state(app, admin.id) == ({"organiser"}, True, 1)
    assert _state(app, successor.id)[:2] == ({"admin"}, True)


def test_an_inactive_admin_does_not_count_as_the_other_admin(app, client, login, make_user):
    admin = login(make_user("admin"))
    make_user("admin", active=False)
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["organiser"], "active": "y"})
    assert response.status_code == 400
    assert _state(app, admin.id) == ({"admin"}, True, 0)


def _signed_in_session(base_url: str, email: str):
    import re

    import requests

    session = requests.Session()
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', session.get(f"{base_url}/accounts/login").text
    )
    response = session.post(
        f"{base_url}/accounts/login",
        data={"email": email, "password": TEST_PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    return session


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, gunicorn_server, make_user):
    import re
    import threading

    anna = make_user("admin", email="anna@example.org")
    bernd = make_user("admin", email="bernd@example.org")
    requests_to_send = []
    for actor, target in ((anna, bernd), (bernd, anna)):
        session = _signed_in_session(gunicorn_server, actor.email)
        page = session.get(f"{gunicorn_server}/admin/users/{target.id}").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        requests_to_send.append((session, target, token))

    start = threading.Barrier(len(requests_to_send))
    statuses = []

    def demote(session, target, token):
        start.wait()
        response = session.post(
            f"{gunicorn_server}/admin/users/{target.id}",
            data={"roles": ["organiser"], "active": "y", "csrf_token": token},
            allow_redirects=False,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=demote, args=args) for args in requests_to_send]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # the loser is refused: by the last-admin guard (400), or, when the winner's change was committed before
    # the loser's request was even checked, because the loser is no longer an admin at all (403)
    winner, loser = sorted(statuses)
    assert winner == 302 and loser in (400, 403)
    with app.app_context():
        admins = [user_id for user_id in (anna.id, bernd.id) if "admin" in db.session.get(User, user_id).roles]
    assert len(admins) == 1
