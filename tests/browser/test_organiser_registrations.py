"""In Debian's Chromium: an organiser registers a walk-in, filters the list by workshop and answer, previews a
message to that selection and sends it; axe-core finds no WCAG 2.1 A/AA problem on the way."""

import json
from datetime import timedelta

import pytest

from events.extensions import db
from events.meetings.models import EventSession, Question
from events.registration.models import WorkshopChoice
from tests.browser.conftest import AXE, CHROMIUM, NO_AXE, NO_CHROMIUM, axe_violations
from tests.conftest import mail_text, sent_mails

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.skipif(not AXE.exists(), reason=NO_AXE),
]


@pytest.fixture
def organiser_page(browser, app, live_server, make_user):
    """A page signed in as an organiser (the session cookie made by Flask's test client)."""
    organiser = make_user("organiser")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = organiser.get_id()
        session["_fresh"] = True
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    context = browser.new_context(locale="de-DE", bypass_csp=True)  # axe-core is added as an inline script
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _no_violations(page, where: str) -> None:
    found = axe_violations(page)
    assert found == [], f"{where}: " + json.dumps(found, indent=1, ensure_ascii=False)


def test_an_organiser_adds_a_walk_in_filters_by_workshop_and_answer_and_messages_them(
    organiser_page, app, live_server, make_event, make_registration
):
    page = organiser_page
    event = make_event(title="Vernetzungstreffen Landshut")
    with app.app_context():
        workshops = [
            EventSession(
                event_id=event.id,
                kind="workshop",
                title=title,
                starts_at=event.starts_at + timedelta(hours=2),
                ends_at=event.starts_at + timedelta(hours=3),
            )
            for title in ("Wohnen", "Sportvereine")
        ]
        evening = Question(event_id=event.id, label="Kommen Sie zum Abendempfang?", kind="yesno")
        db.session.add_all([*workshops, evening])
        db.session.commit()
        housing, sport, evening_id = workshops[0].id, workshops[1].id, evening.id
    neighbour = make_registration(event, first_name="Jonas", last_name="Brandl", answers={str(evening_id): "yes"})
    make_registration(event, first_name="Mira", last_name="Schön", answers={str(evening_id): "yes"})  # other workshop
    make_registration(event, first_name="Paul", last_name="Huber", answers={str(evening_id): "no"})  # no reception
    with app.app_context():
        db.session.add(WorkshopChoice(registration_id=neighbour.id, session_id=housing))
        db.session.commit()

    # a walk-in at the door: registered by the organiser, no mail
    page.goto(f"{live_server}/registration/manage/{event.id}")
    page.get_by_role("link", name="Person anmelden").click()
    _no_violations(page, "add")
    page.get_by_label("Vorname").fill("Leyla")
    page.get_by_label("Nachname").fill("Demir")
    page.get_by_label("E-Mail-Adresse").fill("leyla.demir@example.org")
    page.get_by_role("group", name="Kommen Sie zum Abendempfang?").get_by_label("Ja").check()
    page.get_by_label("Wohnen").check()
    page.get_by_label("Die Person hat der Datenschutzerklärung zugestimmt").check()
    page.get_by_label("Bestätigung mit persönlichem Link per E-Mail senden").uncheck()
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_text("Leyla Demir ist angemeldet und bestätigt.").wait_for()

    # the list narrowed to the housing workshop and those coming to the reception
    page.get_by_role("link", name="Anmeldungen: Vernetzungstreffen Landshut").click()
    page.get_by_text("Weitere Filter").click()
    page.locator("#workshop").select_option(value=str(housing))
    page.locator("#answer").select_option(value=f"{evening_id}:yes")
    page.get_by_role("button", name="Filtern").click()
    rows = page.locator("table").first.locator("tbody tr")
    assert sorted(rows.locator("td:first-child a").all_inner_texts()) == ["Brandl, Jonas", "Demir, Leyla"]
    _no_violations(page, "filtered list")

    # a message to that selection: preview first, then send
    page.get_by_role("link", name="Nachricht an diese Auswahl").click()
    page.locator("#subject").fill("Workshop Wohnen: Raum 2")
    page.locator("#body").fill("Der Workshop findet in **Raum 2** statt, {name}.")
    page.get_by_role("button", name="Vorschau").click()
    preview = page.locator(".mail-preview")
    assert "Guten Tag Jonas Brandl," in preview.inner_text()
    assert preview.locator(".mail-preview-body strong").inner_text() == "Raum 2"
    _no_violations(page, "message preview")
    page.get_by_role("button", name="An 2 Personen senden").click()
    page.get_by_text("Die Nachricht geht an 2 Personen.").wait_for()

    mails = sent_mails(app)
    assert sorted(m["To"] for m in mails) == ["leyla.demir@example.org", neighbour.email]
    assert "Der Workshop findet in **Raum 2** statt, Leyla Demir." in mail_text(
        next(m for m in mails if m["To"] == "leyla.demir@example.org")
    )
    assert sport
