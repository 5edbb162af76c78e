"""Scanning on a phone: after a typed or hand-scanned code the answer is in sight without scrolling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import EventStaff
from events.registration.models import Registration
from events.registration.tickets import ticket_token_for
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WITH_KEYBOARD = {"width": 390, "height": 420}  # the on-screen keyboard takes half the screen


def fully_in_view(page, selector: str) -> bool:
    top, bottom, height = page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return [box.top, box.bottom, window.innerHeight];
        }""",
        selector,
    )
    return 0 <= top < bottom <= height


def test_a_typed_code_shows_its_answer_on_a_phone_without_scrolling(
    app, live_server, browser, make_event, make_registration, make_user
):
    from playwright.sync_api import expect

    start = utcnow() - timedelta(hours=1)
    event = make_event(title="Vernetzungstreffen Landshut", starts_at=start, ends_at=start + timedelta(hours=9))
    registration = make_registration(event, first_name="Fatma", last_name="Demir", organisation_name="KoBE Fürth")
    cancelled = make_registration(event, status="cancelled", first_name="Ole", last_name="Hansen")
    door = make_user("checkin", email="handy@example.org")
    with app.app_context():
        db.session.add(EventStaff(event_id=event.id, user_id=door.id))
        db.session.commit()
        code = ticket_token_for(db.session.get(Registration, registration.id))
        cancelled_code = ticket_token_for(db.session.get(Registration, cancelled.id))

    context = browser.new_context(viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/accounts/login")
        page.fill("input[name=email]", "handy@example.org")
        page.fill("input[name=password]", TEST_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login" not in url)
        page.goto(f"{live_server}/checkin/{event.id}/")
        assert fully_in_view(page, "#scan-result") and fully_in_view(page, "#code")

        page.set_viewport_size(WITH_KEYBOARD)
        page.locator("#code").scroll_into_view_if_needed()  # as a phone does for the field being typed in
        page.fill("#code", code)
        page.keyboard.press("Enter")
        result = page.locator("#scan-result")
        expect(result).to_contain_text("Willkommen, Fatma Demir!")
        expect(result).to_contain_text("KoBE Fürth")
        assert fully_in_view(page, "#scan-result")

        page.locator("#code").scroll_into_view_if_needed()
        page.fill("#code", cancelled_code)  # a hand scanner types into the focused field and presses Enter
        page.keyboard.press("Enter")
        expect(result).to_contain_text("Storniert")
        expect(result).to_contain_text("Ole Hansen")
        assert fully_in_view(page, "#scan-result")
        assert page.evaluate("document.activeElement.id") == "code"  # ready for the next ticket
    finally:
        context.close()
