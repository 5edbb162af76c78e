"""axe-core checks every HTML page of the application in Chromium, each as the least role that may see it.

The pages come from tests/routes.py (every GET view; files such as .ics, .pdf and .csv are left out by their
content type), filled from the `world` fixture, so a new view is checked as soon as it has its row there. Staff
pages count as much as public ones: BITV 2.0 covers the tools a ministry's staff work with, too.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import AXE, CHROMIUM, NO_AXE, NO_CHROMIUM, axe_violations, signed_in_context
from tests.routes import ANONYMOUS, ROUTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.skipif(not AXE.exists(), reason=NO_AXE),
]

LEAST_FIRST = (ANONYMOUS, "checkin", "jury", "organiser", "admin")


def _pages_by_role() -> dict[str, list]:
    pages: dict[str, list] = {}
    for route in ROUTES:
        if route.method != "GET" or route.api or route.suffix:
            continue
        role = next(role for role in LEAST_FIRST if role in route.allowed)
        pages.setdefault(role, []).append(route)
    start = next(route for route in ROUTES if route.endpoint == "pages.start")  # each role has its own start page
    for role in LEAST_FIRST[1:]:
        pages.setdefault(role, []).insert(0, start)
    return pages


def test_axe_finds_no_wcag_problems_on_any_page(live_server, browser, app, world, account):
    pages = _pages_by_role()
    assert sum(len(routes) for routes in pages.values()) >= 45  # the sweep really covers the application
    problems, checked = {}, []
    for role, routes in pages.items():
        context = signed_in_context(browser, app, live_server, None if role == ANONYMOUS else account(role))
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            for route in routes:
                response = page.goto(live_server + route.path(world))
                name = f"{role} {route.endpoint}"
                assert response.status == 200, f"{name}: {response.status} at {page.url}"
                if not response.headers.get("content-type", "").startswith("text/html"):
                    continue
                checked.append(name)
                found = axe_violations(page)
                if found:
                    problems[name] = found
        finally:
            context.close()
    assert len(checked) >= 45, checked
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
