"""Sign-in: password guessing is slowed down and reported, the answer's time tells nothing, sessions end on the
server, and easy passwords are refused (issue 15, items 1, 2, 3 and 10)."""

from __future__ import annotations

from datetime import timedelta

import werkzeug.security
from sqlalchemy import select, update

from events.accounts.models import UserSession
from events.core.models import AuditEntry, OutgoingMail
from events.core.types import utcnow
from events.extensions import db
from tests.conftest import TEST_PASSWORD

MANAGE = "/meetings/manage/"


WRONG_GUESS = "falsch-falsch-falsch"


def _try(client, email, password=None, address="10.0.0.1"):
    return client.post(
        "/accounts/login",
        data={"email": email, "password": password or WRONG_GUESS},
        environ_base={"REMOTE_ADDR": address},
    )


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def _outbox(app):
    with app.app_context():
        return db.session.scalars(select(OutgoingMail).where(OutgoingMail.topic == "sign_in_attack")).all()


def test_one_address_trying_many_accounts_is_slowed_down_and_the_admins_are_told(app, client, make_user):
    admin = make_user("admin", email="it@example.org")
    for n in range(40):
        make_user("organiser", email=f"kollegin{n}@example.org")
    answers = [_try(client, f"kollegin{n}@example.org").status_code for n in range(40) for _ in range(3)]

    assert answers.count(200) == 30  # LOGIN_LIMIT_PER_ADDRESS: 30 per 15 minutes, then refused unevaluated
    assert answers.count(429) == 90
    throttled = _audit(app, "login.throttled")
    assert [entry.summary.split(":")[0] for entry in throttled] == ["address 10.0.0.1"]  # one entry, not 90
    assert len(_audit(app, "login.failed")) == 10  # single failures: a few an hour per address, the rest counted
    [alert] = _outbox(app)  # sent by the outbox's next round (the refused request itself sends nothing)
    assert alert.recipient == admin.email
    assert "Von der Adresse 10.0.0.1" in alert.body_text


def test_one_account_tried_from_many_addresses_is_locked_for_a_while_even_for_the_right_password(
    app, client, make_user
):
    make_user("admin", email="it@example.org")
    make_user("organiser", email="ziel@example.org")
    answers = [
        _try(client, "ziel@example.org", address=f"10.0.1.{ip}").status_code for ip in range(20) for _ in range(5)
    ]

    assert answers.count(200) == 10  # LOGIN_LIMIT_PER_ACCOUNT: 10 per 15 minutes from any address
    assert _try(client, "ziel@example.org", TEST_PASSWORD, address="10.9.9.9").status_code == 429
    assert client.get(MANAGE).status_code == 302  # not signed in
    [entry] = _audit(app, "login.throttled")
    assert entry.summary.startswith("account ziel@example.org")
    assert len(_audit(app, "login.failed")) == 3
    assert [mail.recipient for mail in _outbox(app)] == ["it@example.org"]


def test_a_successful_sign_in_does_not_count_against_the_limits(app, client, make_user):
    make_user("organiser", email="oft@example.org")
    for _ in range(12):
        assert _try(client, "oft@example.org", TEST_PASSWORD).status_code == 302
        client.post("/accounts/logout")


def test_an_unknown_address_costs_the_same_hashing_work_as_a_known_one(app, client, make_user, monkeypatch):
    make_user("organiser", email="bekannt@example.org")
    checks = []
    real_check = werkzeug.security.check_password_hash

    def counting_check(stored, password):
        checks.append(stored.split("$")[0])
        return real_check(stored, password)

    monkeypatch.setattr("events.core.models.check_password_hash", counting_check)
    monkeypatch.setattr("events.accounts.passwords.check_password_hash", counting_check)
    _try(client, "bekannt@example.org")
    _try(client, "unbekannt@example.org")
    make_user("organiser", email="eingeladen@example.org").password_hash  # noqa: B018
    assert len(checks) == 2
    assert checks[0] == checks[1]  # the same method and work factor (scrypt with the same parameters)


def _sign_in(client, email="orga@example.org"):
    response = client.post("/accounts/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client.get_cookie("session").value


# Each browser is a client of its own outside a `with` block: a client kept open in one would lend its request's
# signed-in user (Flask-Login keeps it on `g`) to the other client's next request.


def test_a_copied_session_cookie_opens_nothing_after_signing_out(app, make_user):
    make_user("organiser", email="orga@example.org")
    client = app.test_client()
    cookie = _sign_in(client)
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get(MANAGE).status_code == 200

    client.post("/accounts/logout")

    assert thief.get(MANAGE).status_code == 302  # to the sign-in page


def test_signing_in_starts_a_new_session(app, client, make_user):
    make_user("organiser", email="orga@example.org")
    with client.session_transaction() as session:
        session["sid"] = "planted-by-someone-else"
    _sign_in(client)
    with client.session_transaction() as session:
        assert session["sid"] != "planted-by-someone-else"
    with app.app_context():
        assert db.session.scalar(select(db.func.count(UserSession.id))) == 1


def _age_sessions(app, **values):
    with app.app_context():
        db.session.execute(update(UserSession).values(**values))
        db.session.commit()


def test_a_session_ends_after_thirty_idle_minutes(app, client, make_user):
    make_user("organiser", email="orga@example.org")
    _sign_in(client)
    _age_sessions(app, last_seen_at=utcnow() - timedelta(minutes=29))
    assert client.get(MANAGE).status_code == 200  # and the visit counts as activity
    _age_sessions(app, last_seen_at=utcnow() - timedelta(minutes=31))
    assert client.get(MANAGE).status_code == 302


def test_a_session_ends_ten_hours_after_signing_in_however_busy(app, client, make_user):
    make_user("organiser", email="orga@example.org")
    _sign_in(client)
    _age_sessions(app, created_at=utcnow() - timedelta(hours=10, minutes=1))
    assert client.get(MANAGE).status_code == 302


def test_signing_out_the_other_sessions_keeps_this_one(app, make_user):
    make_user("organiser", email="orga@example.org")
    client, laptop = app.test_client(), app.test_client()
    _sign_in(laptop)
    _sign_in(client)
    page = client.get("/accounts/sessions").get_data(as_text=True)
    assert page.count("<tr>") == 3  # the header and two sessions
    assert "diese Sitzung" in page

    response = client.post("/accounts/sessions", follow_redirects=True)

    assert "1 andere Sitzung beendet." in response.get_data(as_text=True)
    assert laptop.get(MANAGE).status_code == 302
    assert client.get(MANAGE).status_code == 200
    assert _audit(app, "session.others_ended")[0].summary == "orga@example.org: 1"


def test_a_common_password_is_refused_with_a_reason(app, client, make_user):
    from events.accounts.service import make_password_token
    from events.core.models import User

    user = make_user("organiser", email="maria.huber@example.org")
    with app.test_request_context():
        token = make_password_token(db.session.get(User, user.id))
    for weak in ("iloveyou1234", "passwordpassword", "123456789012", "maria.huber2026"):
        response = client.post(f"/accounts/password/reset/{token}", data={"password": weak, "confirm": weak})
        assert response.status_code == 200, weak
        assert "zu leicht zu erraten" in response.get_data(as_text=True), weak
    strong = "Wiesenweg Kompass Laterne"
    response = client.post(f"/accounts/password/reset/{token}", data={"password": strong, "confirm": strong})
    assert response.status_code == 302
