"""In Debian's Chromium: an organiser signs in with the keyboard alone; axe-core finds no WCAG 2.1 A/AA problems."""

import json
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import AXE, CHROMIUM, NO_AXE, NO_CHROMIUM, axe_violations
from tests.conftest import TEST_PASSWORD
from tests.registering import personal_link_from_mail

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _focused(page) -> dict:
    """What has the keyboard focus, and how it is drawn."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            return {
                tag: element.tagName.toLowerCase(),
                id: element.id,
                text: element.innerText.trim(),
                href: element.getAttribute("href"),
                outlineStyle: style.outlineStyle,
                outlineWidth: parseFloat(style.outlineWidth),
                outlineColor: style.outlineColor,
            };
        }"""
    )


def _tab_to(page, matches, most: int = 15) -> dict:
    for _press in range(most):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if matches(focused):
            return focused
    raise AssertionError(f"no element reached with {most} presses of Tab; last focused: {focused}")


def _assert_visibly_outlined(focused: dict) -> None:
    assert focused["outlineStyle"] not in ("none", "hidden"), focused
    assert focused["outlineWidth"] >= 2, focused
    assert focused["outlineColor"] not in ("transparent", "rgba(0, 0, 0, 0)"), focused


def test_an_organiser_signs_in_with_the_keyboard_alone(live_server, page, make_user):
    make_user("organiser", email="olga@example.org", password=TEST_PASSWORD)
    page.goto(live_server + "/")

    login_link = _tab_to(page, lambda focused: focused["text"] == "Für Mitarbeitende" and focused["tag"] == "a")
    _assert_visibly_outlined(login_link)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login")

    skip_link = _tab_to(page, lambda focused: focused["text"] == "Zum Inhalt springen", most=1)
    _assert_visibly_outlined(skip_link)
    page.keyboard.press("Enter")  # the skip link moves the focus to the main content
    email = _tab_to(page, lambda focused: focused["tag"] == "input", most=1)
    assert email["id"] == "email"
    _assert_visibly_outlined(email)
    page.keyboard.type("olga@example.org")
    password = _tab_to(page, lambda focused: focused["tag"] == "input", most=1)
    assert password["id"] == "password"
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    # the browser keeps the skip link's #main across the redirect, so compare paths only
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    assert page.locator("h1").inner_text() == "Übersicht"
    assert page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Organisationen").count()

    # the next Tab lands on a link (the first card, since #main is the starting point), drawn with an outline
    next_link = _tab_to(page, lambda focused: focused["tag"] == "a", most=1)
    _assert_visibly_outlined(next_link)


@pytest.mark.skipif(not AXE.exists(), reason=NO_AXE)
def test_axe_finds_no_wcag_problems_on_the_main_pages(live_server, browser, make_user, make_organisation):
    make_user("organiser", email="axel@example.org", password=TEST_PASSWORD)
    make_organisation("Freiwilligen-Zentrum Augsburg", "freiwilligen_zentrum", "09761")
    make_organisation("Integrationslotsen Landkreis Kassel", "association", "06633")
    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()
    problems = {}
    try:
        page.goto(live_server + "/accounts/login")
        problems["login"] = axe_violations(page)
        page.fill("#email", "axel@example.org")
        page.fill("#password", "falsch")
        page.click("main button[type=submit]")
        page.wait_for_selector(".error-summary")
        problems["login with an error"] = axe_violations(page)
        page.fill("#email", "axel@example.org")
        page.fill("#password", TEST_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(live_server + "/")
        problems["start"] = axe_violations(page)
        page.goto(live_server + "/directory/organisations")
        problems["organisations"] = axe_violations(page)
    finally:
        context.close()
    assert {name: found for name, found in problems.items() if found} == {}, json.dumps(problems, indent=1)


@pytest.mark.skipif(not AXE.exists(), reason=NO_AXE)
def test_axe_finds_no_wcag_problems_on_the_public_registration_pages(live_server, browser, make_event, app):
    """The pages every participant sees: the event list, an event, the form (blank and with errors), "check your
    mail", the personal page of a held place and of a confirmed one, in German and in English."""
    from datetime import timedelta

    from events.extensions import db
    from events.meetings.models import EventSession, Question

    event = make_event(title="Vernetzungstreffen der Integrationslotsinnen und -lotsen", confirm_address_first=True)
    with app.app_context():
        db.session.add_all(
            [
                EventSession(
                    event_id=event.id,
                    kind="workshop",
                    title="Wohnen",
                    starts_at=event.starts_at + timedelta(hours=2),
                    ends_at=event.starts_at + timedelta(hours=3),
                    capacity=20,
                ),
                Question(event_id=event.id, kind="single", label="Anreise", options=["Bahn", "Auto"], required=True),
                Question(event_id=event.id, kind="yesno", label="Übernachtung?", required=False),
            ]
        )
        db.session.commit()
    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()
    problems = {}
    try:
        for language in ("de", "en"):
            if language == "en":
                page.click("form.language button[value=en]")
            page.goto(live_server + "/meetings/")
            problems[f"{language}: event list"] = axe_violations(page)
            page.goto(live_server + f"/meetings/{event.slug}")
            problems[f"{language}: event page"] = axe_violations(page)
            page.goto(live_server + f"/registration/{event.slug}")
            problems[f"{language}: registration form"] = axe_violations(page)
            page.click("main button[type=submit]")
            page.wait_for_selector(".error-summary")
            problems[f"{language}: registration form with errors"] = axe_violations(page)
        page.fill("#first_name", "Ayşe")
        page.fill("#last_name", "Öztürk")
        page.fill("#email", "ayse@example.org")
        page.get_by_label("Bahn").check()
        page.check("#privacy_consent")
        page.click("main button[type=submit]")
        page.wait_for_url("**/check-mail")
        problems["en: check your mail"] = axe_violations(page)
        page.goto(live_server + personal_link_from_mail(app, "ayse@example.org"))
        problems["en: personal page of a held place"] = axe_violations(page)
        page.click("form.confirm-address button[type=submit]")
        page.wait_for_selector(".status-banner.status-confirmed")
        problems["en: personal page"] = axe_violations(page)
    finally:
        context.close()
    assert {name: found for name, found in problems.items() if found} == {}, json.dumps(problems, indent=1)


def test_a_participant_registers_with_the_keyboard_alone_and_reaches_each_error_from_the_summary(
    live_server, page, make_event, app
):
    from events.extensions import db
    from events.meetings.models import Question

    event = make_event(title="Vernetzungstreffen Nürnberg")
    with app.app_context():
        db.session.add(
            Question(event_id=event.id, kind="single", label="Anreise", options=["Bahn", "Auto"], required=True)
        )
        db.session.commit()
    page.goto(live_server + f"/registration/{event.slug}")
    page.locator("#first_name").focus()
    page.keyboard.type("Ayşe")
    page.keyboard.press("Enter")  # sent with most of the form empty

    page.wait_for_selector(".error-summary")
    # the page's script moves the focus once the page has loaded: wait for it rather than read the focus too early
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains('error-summary')")
    summary = _focused(page)
    assert "error-summary" in page.evaluate("document.activeElement.className")  # heard first by screen readers
    assert summary["text"].startswith("Bitte prüfen Sie Ihre Eingaben")
    assert page.input_value("#first_name") == "Ayşe"  # what was typed is kept
    # each link of the summary leads the keyboard focus to its field, the choice question included
    links = page.locator(".error-summary a")
    targets = [links.nth(n).get_attribute("href").lstrip("#") for n in range(links.count())]
    assert {"last_name", "email", "privacy_consent"} <= set(targets)
    question = next(target for target in targets if target.startswith("question_"))
    for target in ("email", question):
        page.locator(".error-summary").focus()
        link = _tab_to(
            page, lambda focused, target=target: (focused["href"] or "") == f"#{target}", most=len(targets) + 1
        )
        _assert_visibly_outlined(link)
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == target

    # and the form is completed and sent with the keyboard alone
    page.locator("#last_name").focus()
    page.keyboard.type("Öztürk")
    page.keyboard.press("Tab")
    page.keyboard.type("ayse@example.org")
    page.locator(f"#{question} input").first.focus()
    page.keyboard.press("Space")
    page.locator("#privacy_consent").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check-mail")
    assert "Bitte prüfen Sie Ihr Postfach" in page.locator("main").inner_text()
    page.goto(live_server + personal_link_from_mail(app, "ayse@example.org"))
    assert "Bestätigt" in page.locator("main").inner_text()
