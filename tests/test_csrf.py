"""Forms are protected against cross-site request forgery."""

import re

import pytest

from events import create_app
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def csrf_client(app, tmp_path):
    protected = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "another-test-secret-key-0123456789abcdef",
            "WTF_CSRF_ENABLED": True,
            "MAIL_DELIVERY": "later",  # no background sender racing the next test's cleanup
        }
    )
    return protected.test_client()


def test_a_form_posted_without_its_csrf_token_is_refused(csrf_client, make_user):
    make_user("organiser", email="olaf@example.org")
    response = csrf_client.post("/accounts/login", data={"email": "olaf@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen oder unvollständig" in response.get_data(as_text=True)


def test_the_same_form_with_its_token_is_accepted(csrf_client, make_user):
    make_user("organiser", email="olaf@example.org")
    page = csrf_client.get("/accounts/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/accounts/login", data={"email": "olaf@example.org", "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_every_visitor_of_the_registration_form_gets_a_token_of_their_own(csrf_client, app, make_event):
    """The blank registration form's fields come from a cache; the token must never be part of it."""
    event = make_event(capacity=10)
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    tokens = []
    for number in range(2):
        visitor = csrf_client.application.test_client()
        page = visitor.get(f"/registration/{event.slug}").get_data(as_text=True)
        tokens.append(token.search(page).group(1))
        data = {
            "csrf_token": tokens[-1],
            "first_name": "Ada",
            "last_name": f"Visitor {number}",
            "email": f"visitor{number}@example.org",
            "language": "de",
            "privacy_consent": "y",
        }
        assert visitor.post(f"/registration/{event.slug}", data=data).status_code == 302
    assert tokens[0] != tokens[1]
