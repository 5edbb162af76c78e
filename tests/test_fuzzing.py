"""No input gives a server error: generated values (NUL and other control characters, huge and negative numbers,
10,000-character strings, any Unicode) sent to every public page and form and to the device API (issue 15).

The device API is also checked against its OpenAPI file by schemathesis: every answer is one the file describes."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.routes import ANONYMOUS, ROUTES

FUZZ_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure can be run again
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY = st.one_of(
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\r\nBcc: x@example.org",
            "\x0b",
            "\x1b[2J",
            "\u2028",
            "\ufeff",
            " ",
            "2147483648",
            "99999999999999999999",
            "-1",
            "0",
            "1e309",
            "NaN",
            "../../etc/passwd",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00",
            "x" * 10_000,
            "ä" * 10_000,
        ]
    ),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x20), max_size=8),
    st.integers().map(str),
)

PUBLIC_ROUTES = [route for route in ROUTES if ANONYMOUS in route.allowed]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _fuzzed_path(route, world, value: str) -> str:
    """The route's URL with its first placeholder replaced by the value (the others from the world)."""
    names = PLACEHOLDER.findall(route.url)
    if not names:
        return route.path(world)
    return route.url.format(**{**world, names[0]: quote(value, safe="")})


def _no_server_error(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=lambda route: route.id)
def test_no_public_page_or_form_answers_with_a_server_error(app, world, route):
    client = app.test_client()
    url = route.path(world)
    page = client.get(url) if route.method == "GET" else None
    html = page is not None and page.mimetype == "text/html"
    fields = sorted(set(FIELD_NAME.findall(page.get_data(as_text=True)))) if html else []
    fields = [name for name in fields if name != "csrf_token"] or sorted(route.data or {}) or ["q"]

    @FUZZ_SETTINGS
    @given(value=NASTY, form=st.fixed_dictionaries({name: NASTY for name in fields}))
    def probe(value, form):
        query = urlencode({"q": value, "page": value, "next": value, "invitation": value, "region": value})
        _no_server_error(client.get(f"{_fuzzed_path(route, world, value)}"), "path")
        _no_server_error(client.get(f"{url}?{query}"), "query")
        _no_server_error(client.post(url, data=form), "form")

    probe()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | NASTY,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(NASTY, children, max_size=3),
    max_leaves=6,
)


def test_the_device_api_answers_no_input_with_a_server_error(app, world):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world['device_token']}"}
    api = "/checkin/api/v1"

    @FUZZ_SETTINGS
    @given(
        value=NASTY,
        number=st.integers(),
        body=st.fixed_dictionaries({}, optional={"token": JSON_VALUES, "nonce": JSON_VALUES, "scope": JSON_VALUES}),
        anything=JSON_VALUES,
    )
    def probe(value, number, body, anything):
        answers = [
            client.post(f"{api}/scans", json=body, headers=headers),
            client.post(f"{api}/scans", json=anything, headers=headers),
            client.post(f"{api}/scans", data=value, headers={**headers, "Content-Type": "application/json"}),
            client.post(f"{api}/registrations/{number}/checkin", json=body, headers=headers),
            client.post(f"{api}/registrations/{world['registration']}/checkin", json=anything, headers=headers),
            client.get(f"{api}/search?{urlencode({'q': value})}", headers=headers),
            client.get(f"{api}/status?{urlencode({'registration_id': value})}", headers=headers),
            client.get(f"{api}/status?registration_id={number}", headers=headers),
        ]
        for response in answers:
            _no_server_error(response, response.request.path)
            assert response.is_json

    probe()


def test_the_device_api_keeps_to_its_openapi_file(app, world):
    import schemathesis
    from schemathesis import Case
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_wsgi("/checkin/api/openapi.yaml", app)
    headers = {"Authorization": f"Bearer {world['device_token']}"}
    checks = (schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance)
    checks = (*checks, response_schema_conformance)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy())
        def probe(case: Case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=checks)

        probe()
        tested.append(operation.label)
    assert len(tested) == 4  # scans, manual check-in, search, status
