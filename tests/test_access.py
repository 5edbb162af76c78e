"""Every view against every role, anonymous visitors and scanning devices: only the allowed combinations answer.

The table of views is tests/routes.py (one line per endpoint).
"""

from urllib.parse import urlsplit

import pytest

from tests.routes import ANONYMOUS, CHECKIN_STAFF, DEVICE, DEVICES, EVERYONE, ROLES, ROUTES, SIGNED_IN

LOGIN_PATH = "/accounts/login"
CALLERS = [ANONYMOUS, *ROLES, DEVICE]
# What a download must be, by the file type its URL asks for.
FILE_TYPES = {
    ".ics": "text/calendar",
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".yaml": "application/yaml",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _call(client, route, world, headers=None):
    path = route.path(world)
    if route.method == "GET":
        return client.get(path, headers=headers)
    if route.api or route.json is not None:
        return client.post(path, json=route.json or {}, headers=headers)
    return client.post(path, data=route.form_data(world), headers=headers)


def _redirects_to_login(response) -> bool:
    return response.status_code in (301, 302, 303) and urlsplit(response.location).path == LOGIN_PATH


def _sign_in(who, login, account, world) -> dict | None:
    """Sign the test client in as `who`; returns the headers its requests carry."""
    if who == DEVICE:
        return {"Authorization": f"Bearer {world['device_token']}"}
    if who != ANONYMOUS:
        login(account(who))
    return None


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("route", ROUTES, ids=[route.id for route in ROUTES])
def test_only_the_allowed_roles_get_through(route, who, client, login, account, world):
    headers = _sign_in(who, login, account, world)
    response = _call(client, route, world, headers)
    # outside the API a device token is no session: the device counts as an anonymous visitor
    acting_as = ANONYMOUS if who == DEVICE and not route.api else who
    if acting_as in route.allowed:
        assert response.status_code in (200, 302, 303), f"{who} should reach {route.id}, got {response.status_code}"
        assert not _redirects_to_login(response), f"{who} was sent to the login page by {route.id}"
        if response.status_code == 200 and route.suffix in FILE_TYPES:
            assert response.mimetype == FILE_TYPES[route.suffix], f"{route.id} answered {response.mimetype}"
        if route.api:
            assert response.is_json, f"{route.id} answered {response.mimetype}"
    elif route.api:  # scanning devices get no login page: 401 and a JSON error
        assert response.status_code == 401, f"{who} should be refused by {route.id}, got {response.status_code}"
        assert response.is_json and response.json["error"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    elif acting_as == ANONYMOUS:
        assert _redirects_to_login(response), f"{who} should be sent to the login page by {route.id}"
    else:
        assert response.status_code == 403, f"{who} should be refused by {route.id}, got {response.status_code}"


STAFF_ROWS = [route for route in ROUTES if route.allowed == CHECKIN_STAFF and "{event}" in route.url]


@pytest.mark.parametrize("route", STAFF_ROWS, ids=[route.id for route in STAFF_ROWS])
def test_check_in_staff_get_only_into_the_events_they_are_assigned_to(route, client, login, account, world):
    login(account("checkin"))  # assigned to world["event"], not to world["past_event"]
    response = _call(client, route, {**world, "event": world["past_event"]})
    assert response.status_code == 403


def test_every_view_of_the_app_is_in_the_access_table(app):
    registered = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    listed = {route.endpoint for route in ROUTES}
    assert sorted(registered - listed) == [], "views without a row in tests/routes.py"
    assert sorted(listed - registered) == [], "rows in tests/routes.py for views that do not exist"


def _declared(view) -> frozenset[str] | None:
    """Who the view's access decorator lets in, in the terms of the table (None: no decorator)."""
    if not hasattr(view, "allowed_roles"):
        return None
    if view.allowed_roles is None:  # @public
        return EVERYONE
    if view.allowed_roles == "signed-in":  # @signed_in
        return SIGNED_IN
    if view.allowed_roles == "device-token":  # @device_token_required
        return DEVICES
    return frozenset(view.allowed_roles)  # @role_required(...), @event_staff_required, ...


def test_every_view_declares_its_access_with_a_decorator_that_matches_the_table(app):
    disagreeing = {}
    for route in ROUTES:
        view = app.view_functions.get(route.endpoint)
        if view is None:
            continue  # reported by the test above
        declared = _declared(view)
        if declared != route.allowed:
            disagreeing[route.endpoint] = (
                sorted(declared) if declared else "no access decorator",
                sorted(route.allowed),
            )
    assert disagreeing == {}
