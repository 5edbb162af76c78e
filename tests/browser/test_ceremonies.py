"""In Chromium: an organiser seats winners by dragging and by keyboard, the door scans a winner and shows the seat,
and axe-core finds no WCAG problem on the ceremony's pages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from events.ceremonies.models import Ceremony, Guest
from events.core.types import utcnow
from events.extensions import db
from events.registration.models import Registration
from events.registration.tickets import ticket_token_for
from tests.browser.conftest import AXE, CHROMIUM, NO_AXE, NO_CHROMIUM, axe_violations, signed_in_context
from tests.ceremonies.factories import ceremony_with_winners, hall, honoured

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.skipif(not AXE.exists(), reason=NO_AXE),
]


def test_seat_winners_by_drag_and_keyboard_and_see_the_seat_at_the_door(app, live_server, browser, account):
    from playwright.sync_api import expect

    with app.test_request_context():
        ceremony, winners = ceremony_with_winners(1, names=("Erika Muster", "Jonas Beispiel"))
        honoured(ceremony, "Anna", "Ministerin", 1, "Staatsministerin")
        hall(ceremony, 4)
        # the evening has come: the door scans today
        ceremony.event.starts_at = utcnow() - timedelta(hours=1)
        ceremony.event.ends_at = utcnow() + timedelta(hours=3)
        db.session.commit()
        ceremony_id, event_id = ceremony.id, ceremony.event_id
        (erika, erika_token), (jonas, _token) = [(guest.id, token) for guest, token in winners]
        registration = db.session.scalar(
            select(Registration).where(Registration.invitation_id == db.session.get(Guest, erika).invitation_id)
        )
        code = ticket_token_for(registration)
        db.session.remove()

    problems = {}
    context = signed_in_context(browser, app, live_server, account("organiser"))
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server}/ceremonies/{ceremony_id}/seating")
        problems["seating"] = axe_violations(page)
        page.drag_and_drop(f'.unseated .guest-chip[data-guest-id="{erika}"]', ".seat[data-seat-id] >> nth=0")
        expect(page.locator("main")).to_contain_text("Platz Tisch 1, 1 ist vergeben.")

        page.select_option("#guest_id", str(jonas))  # the keyboard way: two lists and a button
        page.focus("#seat_id")
        page.keyboard.press("ArrowDown")  # from the first free seat (1, 2) to the next (1, 3)
        page.focus("#place-form button[type=submit]")
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_contain_text("Platz Tisch 1, 3 ist vergeben.")

        for name, path in (
            ("index", "/ceremonies/"),
            ("ceremony", f"/ceremonies/{ceremony_id}"),
            ("running order", f"/ceremonies/{ceremony_id}/running-order"),
        ):
            page.goto(live_server + path)
            problems[name] = axe_violations(page)

        page.goto(f"{live_server}/checkin/{event_id}/")
        page.fill("#code", code)
        page.keyboard.press("Enter")
        result = page.locator("#scan-result")
        expect(result).to_contain_text("Willkommen, Erika Muster!")
        expect(result).to_contain_text("Platz: Tisch 1, 1")
    finally:
        context.close()

    guest_context = signed_in_context(browser, app, live_server, None)
    try:
        page = guest_context.new_page()
        page.goto(f"{live_server}/ceremonies/me/{erika_token}")
        expect(page.locator("main")).to_contain_text("Ihr Platz: Tisch 1, 1")
        problems["personal"] = axe_violations(page)
    finally:
        guest_context.close()

    with app.app_context():
        seated = {
            guest.last_name: guest.id
            for guest in db.session.scalars(select(Guest).where(Guest.ceremony_id == ceremony_id))
        }
        assert db.session.get(Ceremony, ceremony_id) is not None and seated["Muster"] == erika
        db.session.remove()
    assert {name: found for name, found in problems.items() if found} == {}, json.dumps(problems, indent=1)
