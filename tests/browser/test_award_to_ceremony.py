"""In Chromium, the whole chain from the jury's decision to the door of the ceremony: the chair records the decision,
the organiser releases it with the winners page set for later (a visitor finds nothing), the winner finds the
ceremony's invitation in the outbox, registers through it and brings one guest by name (no second one: the
allowance is one), the organiser seats both by keyboard, the winners page appears at its time, and the door scan of
the winner's ticket shows the seat. axe-core finds no WCAG problem on any page visited."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from events.ceremonies.guests import create_ceremony
from events.ceremonies.models import Guest, GuestKind
from events.core.models import OutgoingMail, User
from events.core.timezone import aware_to_berlin_naive
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event
from events.registration.models import Registration
from events.registration.tickets import ticket_token_for
from tests.awards import factories
from tests.browser.conftest import AXE, CHROMIUM, NO_AXE, NO_CHROMIUM, axe_violations, signed_in_context
from tests.ceremonies.factories import ceremony_event, hall

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.skipif(not AXE.exists(), reason=NO_AXE),
]


@pytest.fixture
def programme_with_ceremony(app, account):
    """Two admitted, scored nominations, a chair, and the programme's ceremony (one guest each, one table of 4)."""
    with app.test_request_context():
        programme = factories.programme()
        winner = factories.nomination(programme, project_name="Lesepaten Straubing", contact_name="Erika Muster")
        other = factories.nomination(programme, project_name="Sprachcafé am Bahnhof", contact_name="Jonas Beispiel")
        programme.place_amounts = [250_000]  # the first place's prize; committed with the ceremony below
        chair = factories.juror(programme, factories.jury_user(name="Paula Vorsitz"), is_chair=True)
        for juror in [factories.juror(programme) for _ in range(2)]:
            factories.scores(juror, winner, [4, 4, 0])
            factories.scores(juror, other, [2, 2, 0])
        ceremony = create_ceremony(ceremony_event(1701), programme, guest_allowance=1)
        hall(ceremony, 4)
        chair_user = db.session.get(User, chair.user_id)
        db.session.expunge(chair_user)
        made = {
            "programme": programme.id,
            "slug": programme.slug,
            "winner": winner.id,
            "winner_email": winner.contact_email,
            "other": other.id,
            "other_email": other.contact_email,
            "ceremony": ceremony.id,
            "event": ceremony.event_id,
            "chair": chair_user,
        }
        db.session.remove()
    made["organiser"] = account("organiser")
    return made


def _minute(delta: timedelta) -> str:
    return aware_to_berlin_naive(utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


def _invitation_link(app, email: str) -> str | None:
    """The personal link of the ceremony's invitation mailed to this address (the outbox), or None."""
    with app.app_context():
        bodies = db.session.scalars(select(OutgoingMail.body_text).where(OutgoingMail.recipient == email)).all()
        db.session.remove()
    links = [m.group(0) for body in bodies for m in re.finditer(r"https?://\S+\?invitation=\S+", body or "")]
    return links[0] if links else None


def test_from_the_decision_to_the_seat_at_the_door(app, live_server, browser, programme_with_ceremony):
    from playwright.sync_api import expect

    world = programme_with_ceremony
    problems: dict = {}

    def check(page, name):
        problems[name] = axe_violations(page)

    # the chair records the decision: one first place, no prize for the other
    context = signed_in_context(browser, app, live_server, world["chair"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/awards/jury/{world['programme']}/decisions/0")
    check(page, "decision")
    page.locator(f"#k{world['winner']}").select_option("place")
    page.locator(f"#p{world['winner']}").fill("1")
    page.locator(f"#l{world['winner']}").fill("Lesen verbindet Generationen.")
    page.get_by_role("button", name="Entscheidung festhalten").click()
    page.get_by_text("Die Entscheidung ist festgehalten.").wait_for()
    context.close()

    # the organiser releases it; the winners page is set for tomorrow and not there yet
    organiser = signed_in_context(browser, app, live_server, world["organiser"])
    page = organiser.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/awards/manage/{world['programme']}/announcement")
    check(page, "announcement")
    page.get_by_label("Seite der Preisträger öffentlich ab").fill(_minute(timedelta(days=1)))
    page.get_by_role("button", name="Entscheidung jetzt bekanntgeben").click()
    page.locator(".flash-success").get_by_text("Die Entscheidung ist bekanntgegeben").wait_for()
    check(page, "released")
    visitor = signed_in_context(browser, app, live_server, None)
    assert visitor.new_page().goto(f"{live_server}/awards/winners/{world['slug']}").status == 404

    # the winner is invited to the ceremony, the other applicant is not
    link = _invitation_link(app, world["winner_email"])
    assert link is not None, "the winner got no invitation to the ceremony"
    assert _invitation_link(app, world["other_email"]) is None

    # the winner registers through the invitation and brings one guest by name, not a second
    winner = visitor.new_page()
    winner.set_default_timeout(10_000)
    winner.goto(f"{live_server}{link[link.index('/registration/') :]}")
    check(winner, "invitation")
    winner.get_by_label("Vorname").fill("Erika")
    winner.get_by_label("Nachname").fill("Muster")
    for box in winner.locator("input[type=checkbox][required]").all():
        box.check()
    winner.locator("main form button[type=submit]").last.click()
    winner.get_by_role("link", name="Ihre Gäste und Angaben für die Feier").click()
    check(winner, "personal")
    winner.get_by_label("Vorname").fill("Ada")
    winner.get_by_label("Nachname").fill("Begleitung")
    winner.get_by_role("button", name="Gast anmelden").click()
    expect(winner.locator("main")).to_contain_text("Ada Begleitung ist als Ihr Gast angemeldet.")
    check(winner, "guest registered")
    assert winner.get_by_role("button", name="Gast anmelden").count() == 0

    # the organiser seats the winner and the guest by keyboard: two lists and a button
    page.goto(f"{live_server}/awards/manage/{world['programme']}")  # from the programme to its ceremony
    check(page, "programme")
    page.get_by_role("link", name="Feier: Festakt Integrationspreis 1701").click()
    expect(page.locator("main")).to_contain_text("Erika Muster")
    check(page, "ceremony")
    page.get_by_role("link", name="Sitzplan").click()
    check(page, "seating")
    with app.app_context():
        guests = {g.kind: g.id for g in db.session.scalars(select(Guest).where(Guest.ceremony_id == world["ceremony"]))}
        db.session.remove()
    assert set(guests) == {GuestKind.WINNER, GuestKind.COMPANION}
    for kind, seat in ((GuestKind.WINNER, "1"), (GuestKind.COMPANION, "2")):
        page.focus("#guest_id")
        page.select_option("#guest_id", str(guests[kind]))
        page.focus("#place-form button[type=submit]")
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_contain_text(f"Platz Tisch 1, {seat} ist vergeben.")

    # the winners page appears at its time
    page.goto(f"{live_server}/awards/manage/{world['programme']}/announcement")
    page.get_by_label("Seite der Preisträger öffentlich ab").fill(_minute(timedelta(minutes=-1)))
    page.get_by_role("button", name="Zeit der Veröffentlichung ändern").click()
    page.get_by_text("Die Zeit der Veröffentlichung ist gespeichert.").wait_for()
    public = visitor.new_page()
    assert public.goto(f"{live_server}/awards/winners/{world['slug']}").status == 200
    expect(public.locator("main")).to_contain_text("Lesen verbindet Generationen.")
    expect(public.locator("main")).to_contain_text("2.500 €")
    expect(public.locator("main")).not_to_contain_text("Sprachcafé am Bahnhof")
    check(public, "winners")

    # the evening has come: the door scans the winner's ticket and shows the seat
    with app.app_context():
        event = db.session.get(Event, world["event"])
        event.starts_at, event.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=3)
        db.session.commit()
        registration = db.session.scalar(
            select(Registration).where(
                Registration.event_id == world["event"], Registration.email == world["winner_email"]
            )
        )
        code = ticket_token_for(registration)
        db.session.remove()
    page.goto(f"{live_server}/checkin/{world['event']}/")
    check(page, "door")
    page.fill("#code", code)
    page.keyboard.press("Enter")
    result = page.locator("#scan-result")
    expect(result).to_contain_text("Willkommen, Erika Muster!")
    expect(result).to_contain_text("Platz: Tisch 1, 1")
    organiser.close()
    visitor.close()

    assert {name: found for name, found in problems.items() if found} == {}, json.dumps(problems, indent=1)
