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
