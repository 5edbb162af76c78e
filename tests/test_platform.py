"""The platform: configuration, accounts, language, error pages, organisations and people."""

import re

import pytest
from sqlalchemy import func, select

from events import UnsafeSettings, create_app
from events.core.models import AuditEntry, Organisation, Person, User
from events.extensions import db
from tests.conftest import TEST_PASSWORD, mail_text, sent_mails


def test_production_mode_refuses_unsafe_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("TREFFPUNKT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(UnsafeSettings) as error:
        create_app({"INSTANCE_PATH": str(tmp_path)})
    message = str(error.value)
    assert "SECRET_KEY is not set" in message
    assert "SQLite" in message
    assert "https://" in message
    assert "JOBS_URL" in message


def test_production_mode_sets_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("TREFFPUNKT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/none")
    monkeypatch.setenv("BASE_URL", "https://treffpunkt.example")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    monkeypatch.setenv("JOBS_URL", "redis://127.0.0.1:6379/0")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.get_data(as_text=True)


def test_a_visitor_finds_the_way_from_the_start_page_to_the_events(client):
    page = client.get("/").get_data(as_text=True)
    assert '<a class="button" href="/meetings/">Zu den Veranstaltungen und zur Anmeldung</a>' in page
    client.post("/language", data={"lang": "en"})
    assert "Events and registration" in client.get("/").get_data(as_text=True)


def test_login_with_the_right_password_reaches_the_start_page(client, make_user):
    user = make_user("organiser", email="olaf@example.org")
    response = client.post(
        "/accounts/login", data={"email": "Olaf@Example.org", "password": TEST_PASSWORD}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Willkommen, {user.display_name}" in page
    assert "Organisationen" in page  # the organiser's navigation


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("jury", "Ihrem Konto sind zurzeit keine Aufgaben zugewiesen."),
        ("checkin", "Über die Navigation erreichen Sie Ihre Aufgaben."),
    ],
)
def test_the_start_page_says_whether_an_account_has_tasks(client, login, account, role, expected):
    login(account(role))
    page = client.get("/").get_data(as_text=True)
    assert expected in page
    assert ("Einlass" in page) == (role == "checkin")  # the check-in staff's task is in the navigation


def test_a_wrong_password_is_refused_and_recorded(client, app, make_user):
    make_user("organiser", email="olaf@example.org")
    response = client.post("/accounts/login", data={"email": "olaf@example.org", "password": "falsch"})
    assert "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login.failed")).one()
        assert entry.actor == "olaf@example.org"


def test_the_sixth_wrong_password_in_a_row_is_throttled(client, make_user):
    make_user("organiser", email="target@example.org")
    statuses = [
        client.post("/accounts/login", data={"email": "target@example.org", "password": f"wrong-{n}"}).status_code
        for n in range(6)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    last = client.post("/accounts/login", data={"email": "target@example.org", "password": TEST_PASSWORD})
    assert last.status_code == 429
    assert "Zu viele Versuche" in last.get_data(as_text=True)


def test_inactive_users_cannot_sign_in(client, make_user):
    make_user("organiser", email="gone@example.org", active=False)
    response = client.post("/accounts/login", data={"email": "gone@example.org", "password": TEST_PASSWORD})
    assert "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)


def test_password_reset_by_mailed_link(client, app, make_user):
    make_user("organiser", email="vergesslich@example.org")
    client.post("/accounts/password/forgot", data={"email": "vergesslich@example.org"})
    mails = sent_mails(app)
    assert len(mails) == 1 and mails[0]["To"] == "vergesslich@example.org"
    body = mail_text(mails[0])
    link = re.search(r"http://localhost(/accounts/password/reset/\S+)", body).group(1)
    new_password = "ein-neues-langes-passwort"
    response = client.post(link, data={"password": new_password, "confirm": new_password}, follow_redirects=True)
    assert "Ihr Passwort ist gespeichert" in response.get_data(as_text=True)
    # the link is used up once the password changed
    again = client.get(link)
    assert again.status_code == 400
    assert "ungültig" in again.get_data(as_text=True)
    response = client.post(
        "/accounts/login", data={"email": "vergesslich@example.org", "password": new_password}, follow_redirects=True
    )
    assert "Willkommen" in response.get_data(as_text=True)


def test_a_new_password_signs_out_every_other_session(client, app, make_user):
    make_user("organiser", email="bestohlen@example.org")
    elsewhere = app.test_client()  # someone else who knows the old password
    for signed_in in (elsewhere, client):
        response = signed_in.post("/accounts/login", data={"email": "bestohlen@example.org", "password": TEST_PASSWORD})
        assert response.status_code == 302
    assert elsewhere.get("/directory/people").status_code == 200
    client.post("/accounts/logout")
    client.post("/accounts/password/forgot", data={"email": "bestohlen@example.org"})
    link = re.search(r"http://localhost(/accounts/password/reset/\S+)", mail_text(sent_mails(app)[-1])).group(1)
    new_password = "ein-neues-langes-passwort"
    client.post(link, data={"password": new_password, "confirm": new_password})
    response = elsewhere.get("/directory/people")
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    # the owner signs in again with the new password
    client.post("/accounts/login", data={"email": "bestohlen@example.org", "password": new_password})
    assert client.get("/directory/people").status_code == 200


def test_signing_out_ends_the_session(client, make_user):
    make_user("organiser", email="feierabend@example.org")
    client.post("/accounts/login", data={"email": "feierabend@example.org", "password": TEST_PASSWORD})
    assert client.get("/directory/people").status_code == 200
    response = client.post("/accounts/logout", follow_redirects=True)
    assert "Sie haben sich abgemeldet." in response.get_data(as_text=True)
    assert client.get("/directory/people").status_code == 302


def test_both_password_fields_take_the_same_length(client, app, make_user):
    user = make_user("organiser")
    with app.test_request_context():
        from events.accounts.service import make_password_token

        token = make_password_token(db.session.get(User, user.id))
    page = client.get(f"/accounts/password/reset/{token}").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="password"[^>]*maxlength="200"', page)
    assert re.search(r'<input[^>]*id="confirm"[^>]*maxlength="200"', page)


def test_a_reset_link_expires(client, app, make_user, monkeypatch):
    user = make_user("organiser")
    with app.test_request_context():
        from events.accounts.service import make_password_token

        token = make_password_token(db.session.get(User, user.id))
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        response = client.get(f"/accounts/password/reset/{token}")
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert response.status_code == 400
    assert "abgelaufen" in response.get_data(as_text=True)


def test_admin_invites_a_user_who_sets_a_password(client, app, login, make_user):
    login(make_user("admin"))
    response = client.post(
        "/admin/users/invite",
        data={"email": "neu@example.org", "display_name": "Nora Neu", "roles": ["checkin"]},
        follow_redirects=True,
    )
    assert "Die Einladung an neu@example.org ist unterwegs." in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(email="neu@example.org")).one()
        assert user.roles == {"checkin"} and user.password_hash is None
        assert db.session.scalar(select(func.count(AuditEntry.id)).filter_by(action="user.create")) == 1


def test_admin_gives_and_takes_roles(client, app, login, make_user):
    login(make_user("admin"))
    other = make_user("jury")
    client.post(f"/admin/users/{other.id}", data={"roles": ["organiser", "checkin"], "active": "y"})
    with app.app_context():
        assert db.session.get(User, other.id).roles == {"organiser", "checkin"}
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "user.update" in audit and "jury -&gt; checkin, organiser" in audit


def test_cli_creates_a_user_with_a_role(runner, app):
    result = runner.invoke(args=["users", "create", "Cli@Example.org", "--role", "organiser", "--password", "x" * 14])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(User).filter_by(email="cli@example.org")).one()
        assert user.roles == {"organiser"} and user.check_password("x" * 14)


def test_organiser_creates_and_finds_an_organisation(client, app, login, make_user):
    login(make_user("organiser"))
    with app.app_context():
        from events.core.models import District

        landshut = db.session.scalars(select(District).filter_by(key="09261")).one()
    response = client.post(
        "/directory/organisations/new",
        data={"name": "Freiwilligen-Zentrum Landshut", "kind": "freiwilligen_zentrum", "district_id": landshut.id},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "ist gespeichert" in page and "Niederbayern" in page
    found = client.get("/directory/organisations?q=zentrum").get_data(as_text=True)
    assert "Freiwilligen-Zentrum Landshut" in found
    assert "1 Organisation gefunden" in found


def test_a_website_typed_without_https_is_stored_with_it(client, app, login, make_user):
    login(make_user("organiser"))
    data = {"name": "KoBE Fürth", "kind": "initiative", "website": " www.kobe-fuerth.example/lotsen "}
    response = client.post("/directory/organisations/new", data=data, follow_redirects=True)
    assert "ist gespeichert" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Organisation.website)).one() == "https://www.kobe-fuerth.example/lotsen"
    refused = client.post("/directory/organisations/new", data={**data, "website": "kein Link"})
    assert refused.status_code == 400 and 'value="kein Link"' in refused.get_data(as_text=True)


def test_lists_of_names_are_in_german_alphabetical_order(client, app, login, make_user, make_organisation):
    from events.core.database import german_order
    from events.core.models import Person

    for name in ("Zentrum für Integration", "Ökumenischer Helferkreis", "arbeitskreis Asyl", "Übergangswohnheim"):
        make_organisation(name, "initiative", "09261")
    login(make_user("organiser"))
    page = client.get("/directory/organisations").get_data(as_text=True)
    positions = [page.index(n) for n in ("arbeitskreis Asyl", "Ökumenischer", "Übergangswohnheim", "Zentrum für")]
    assert positions == sorted(positions)
    with app.app_context():
        for last in ("Zimmermann", "Özdemir", "Oswald", "Straße", "Strasser", "Ahmadi"):
            db.session.add(Person(first_name="A", last_name=last))
        db.session.commit()
        ordered = db.session.scalars(select(Person.last_name).order_by(german_order(Person.last_name))).all()
    assert ordered == ["Ahmadi", "Oswald", "Özdemir", "Straße", "Strasser", "Zimmermann"]  # ß reads as ss


def test_district_picker_is_grouped_by_region(client, login, make_user):
    login(make_user("organiser"))
    page = client.get("/directory/organisations/new").get_data(as_text=True)
    assert '<optgroup label="Niederbayern (Bayern)">' in page
    assert '<optgroup label="Kassel (Hessen)">' in page or "Kassel" in page
    assert page.count("<optgroup") >= 10


def test_invalid_input_shows_messages_next_to_fields_and_keeps_what_was_typed(client, app, login, make_user):
    login(make_user("organiser"))
    response = client.post(
        "/directory/people/new",
        data={"first_name": "Hamid", "last_name": "", "email": "kein-at-zeichen", "function": "Lotse"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="last_name-error"' in page and 'aria-describedby="last_name-error"' in page
    assert 'id="email-error"' in page
    assert 'value="Hamid"' in page and 'value="kein-at-zeichen"' in page and 'value="Lotse"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Person.id))) == 0


def test_over_long_input_is_refused_without_writing(client, app, login, make_user):
    login(make_user("organiser"))
    response = client.post("/directory/organisations/new", data={"name": "x" * 201, "kind": "initiative"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_unknown_ids_are_404_in_both_languages(client, login, make_user):
    login(make_user("organiser"))
    response = client.get("/directory/organisations/999999")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    response = client.get("/directory/organisations/999999")
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)


def test_forbidden_page_in_english(client, login, make_user):
    login(make_user("checkin"))
    client.post("/language", data={"lang": "en"})
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "You are not allowed to do that." in response.get_data(as_text=True)


def test_server_errors_show_a_friendly_page(app, tmp_path):
    broken = create_app(
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )

    @broken.route("/explode")
    def explode():
        raise RuntimeError("boom")

    response = broken.test_client().get("/explode")
    assert response.status_code == 500
    assert "Ein interner Fehler ist aufgetreten" in response.get_data(as_text=True)


def test_behind_a_proxy_the_client_address_comes_from_the_forwarded_header(app, tmp_path, make_user):
    proxied = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "PROXY_COUNT": 1,
        }
    )
    make_user("organiser", email="olaf@example.org")
    proxied.test_client().post(
        "/accounts/login",
        data={"email": "olaf@example.org", "password": "falsch"},
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login.failed")).one()
        assert entry.ip_address == "203.0.113.7"


def test_demo_data_is_never_loaded_in_production_mode(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = runner.invoke(args=["demo", "load", "--password", "x" * 14])
    assert result.exit_code != 0
    assert "not loaded in production mode" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_percent_and_underscore_typed_into_a_search_match_themselves(client, login, make_user, make_organisation):
    login(make_user("organiser"))
    make_organisation(name="KoBE Passau")
    assert "0 Organisationen gefunden" in client.get("/directory/organisations?q=%25").get_data(as_text=True)
    assert "0 Organisationen gefunden" in client.get("/directory/organisations?q=_").get_data(as_text=True)
    assert "1 Organisation gefunden" in client.get("/directory/organisations?q=kobe").get_data(as_text=True)


def test_what_was_read_before_the_write_lock_is_read_again_under_it(app, make_event, make_registration):
    """Two organisers cancel the same person: the second must see the first's change once it holds the lock."""
    from events.core.database import lock_row
    from events.meetings.models import Event
    from events.registration.models import Registration

    event = make_event(capacity=10)
    registration_id = make_registration(event).id
    with app.test_request_context("/", method="POST"):
        seen = db.session.get(Registration, registration_id)
        assert seen.status == "confirmed"  # read before the lock, as a view does
        with db.engine.begin() as other:  # meanwhile another request cancels and commits
            other.execute(
                Registration.__table__.update()
                .where(Registration.id == registration_id)
                .values(status="cancelled", waitlist_position=None)
            )
        lock_row(Event, event.id)
        assert db.session.get(Registration, registration_id).status == "cancelled"
        db.session.rollback()


def test_pages_for_one_person_are_kept_by_no_cache(client, app, login, make_user, make_event, make_registration):
    """A personal link's page shows names, needs and the ticket; after the participant left a shared computer, the
    back button or the browser's cache must not bring it back. The same for a reset link and an organiser's page."""
    from events.accounts.service import make_password_token

    event = make_event()
    registration = make_registration(event)
    token = registration.manage_token
    user = make_user("organiser", email="orga@example.org")
    with app.test_request_context():
        reset_link = f"/accounts/password/reset/{make_password_token(db.session.get(User, user.id))}"
    private = [
        f"/registration/me/{token}",
        f"/registration/me/{token}/ticket.pdf",
        f"/registration/me/{token}/invite.ics",
        f"/registration/{event.slug}?invitation=not-a-real-one",
        reset_link,
    ]
    for address in private:
        response = client.get(address)
        assert response.status_code in (200, 403), address
        assert response.headers.get("Cache-Control") == "private, no-store", address
    public = client.get(f"/meetings/{event.slug}")
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")

    login(user)
    response = client.get(f"/registration/manage/{event.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
