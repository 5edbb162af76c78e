"""Every view against every role and anonymous visitors: only the allowed combinations answer.

The table of views is tests/routes.py (one line per endpoint).
"""

from urllib.parse import urlsplit

import pytest

from tests.routes import ANONYMOUS, EVERYONE, ROLES, ROUTES, SIGNED_IN

LOGIN_PATH = "/accounts/login"


def _call(client, route, world):
    path = route.path(world)
    if route.method == "GET":
        return client.get(path)
    return client.post(path, data=route.data or {})


def _redirects_to_login(response) -> bool:
    return response.status_code in (301, 302, 303) and urlsplit(response.location).path == LOGIN_PATH


@pytest.mark.parametrize("who", [ANONYMOUS, *ROLES])
@pytest.mark.parametrize("route", ROUTES, ids=[route.id for route in ROUTES])
def test_only_the_allowed_roles_get_through(route, who, client, login, account, world):
    if who != ANONYMOUS:
        login(account(who))
    response = _call(client, route, world)
    if who in route.allowed:
        assert response.status_code in (200, 302, 303), f"{who} should reach {route.id}, got {response.status_code}"
        assert not _redirects_to_login(response), f"{who} was sent to the login page by {route.id}"
    elif who == ANONYMOUS:
        assert _redirects_to_login(response), f"anonymous should be sent to the login page by {route.id}"
    else:
        assert response.status_code == 403, f"{who} should be refused by {route.id}, got {response.status_code}"


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
    return frozenset(view.allowed_roles)  # @role_required(...)


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
