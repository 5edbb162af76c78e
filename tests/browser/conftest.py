"""What the browser tests share: Debian's Chromium driven by Playwright, and axe-core's WCAG check of a page."""

from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.tandems.conftest import make_block, make_group, make_member, make_programme  # noqa: F401 - fixtures

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # BITV 2.0 asks for WCAG 2.1 level AA
NO_CHROMIUM = "BROWSER TESTS NOT RUN: /usr/bin/chromium is missing; `make system-packages` installs Debian's chromium"
NO_AXE = "axe-core is missing: run `make vendor` (npm ci) first"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's Chromium with Playwright (part of the normal run)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now, a short dict each."""
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "where": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def signed_in_context(browser, app, live_server: str, user, **options):
    """A browser context with the session cookie of `user`, made by Flask's test client (no password needed)."""
    context = browser.new_context(bypass_csp=True, locale="de-DE", **options)
    if user is not None:
        from tests.conftest import sign_in_without_form

        client = app.test_client()
        sign_in_without_form(app, client, user)
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])
    return context
