"""In Debian's Chromium, the award workflow end to end: a stranger applies, an organiser screens, two jurors (one
on a phone-sized window) declare a conflict and score, the chair sees the results; axe-core finds no WCAG problem
on any of these pages."""

import json
import re

import pytest
from sqlalchemy import select

from events.awards.models import Nomination, Score
from events.core.models import User
from events.extensions import db
from tests.awards import factories
from tests.awards.factories import PDF
from tests.browser.conftest import AXE, CHROMIUM, NO_AXE, NO_CHROMIUM, axe_violations, signed_in_context

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.skipif(not AXE.exists(), reason=NO_AXE),
]
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def setting(app, account):
    """A published regional call in screening, a second nomination already admitted, a jury of two."""
    with app.test_request_context():
        programme = factories.programme(open_round="screening", min_active_months=12)
        other = factories.nomination(programme, project_name="Fußball verbindet", contact_name="Jonas Keller")
        desk = factories.juror(programme, factories.jury_user(name="Dora Desk"))
        chair = factories.juror(programme, factories.jury_user(name="Paula Phone"), is_chair=True)
        values = {
            "programme": programme.id,
            "slug": programme.slug,
            "other": other.id,
            "desk": db.session.get(User, desk.user_id),
            "chair": db.session.get(User, chair.user_id),
            "organiser": account("organiser"),
        }
        for user in (values["desk"], values["chair"]):
            db.session.expunge(user)
        return values


def _check(page, problems: dict, name: str) -> None:
    found = axe_violations(page)
    if found:
        problems[name] = found


def test_apply_screen_declare_score_and_see_the_results(live_server, browser, app, setting, tmp_path):
    problems: dict = {}
    attachment = tmp_path / "Konzept.pdf"
    attachment.write_bytes(PDF)

    # a stranger applies
    context = signed_in_context(browser, app, live_server, None)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/awards/call/{setting['slug']}")
    _check(page, problems, "call")
    page.get_by_role("link", name="Jetzt bewerben oder vorschlagen").click()
    _check(page, problems, "apply")
    page.get_by_label("Name des Projekts").fill("Sprachcafé am Bahnhof")
    page.get_by_label("Beschreibung des Projekts").fill("Jeden Donnerstag üben Ehrenamtliche mit Neuankommenden.")
    page.get_by_label("Aktiv seit").fill("2021-04-01")
    page.get_by_label("Landkreis oder kreisfreie Stadt").select_option(label="Landshut")
    page.get_by_label("Ansprechperson").fill("Aylin Demir")
    page.locator("#contact_email").fill("aylin.demir@example.org")
    page.get_by_role("button", name="Speichern und weiter").click()
    page.get_by_text("Ihr Entwurf ist gespeichert.").wait_for()
    page.get_by_label("Datei (PDF, JPEG oder PNG, höchstens 10 MB)").set_input_files(str(attachment))
    page.get_by_role("button", name="Hochladen").click()
    page.get_by_text("Die Datei ist hochgeladen.").wait_for()
    page.get_by_label("Ich bin mit der Teilnahme am Wettbewerb einverstanden", exact=False).check()
    page.get_by_role("button", name="Vorschlag einreichen").click()
    page.get_by_text("Eingereicht, wird geprüft").wait_for()
    _check(page, problems, "personal link")
    context.close()
    with app.app_context():
        applied = db.session.scalars(select(Nomination).filter_by(project_name="Sprachcafé am Bahnhof")).one().id

    # the organiser screens it and opens the scoring round
    context = signed_in_context(browser, app, live_server, setting["organiser"])
    page = context.new_page()
    page.goto(f"{live_server}/awards/manage/{setting['programme']}/nominations/{applied}")
    page.get_by_text("Alle prüfbaren Bedingungen erfüllt").wait_for()
    _check(page, problems, "screening")
    page.get_by_label("Zugelassen", exact=True).check()
    page.get_by_role("button", name="Ergebnis speichern").click()
    page.goto(f"{live_server}/awards/manage/{setting['programme']}")
    _check(page, problems, "programme")
    page.get_by_role("button", name=re.compile(r"Öffnen\s*: Einzelbewertung")).click()
    page.get_by_text("ist jetzt: Offen").wait_for()
    context.close()

    # a juror at a desk declares a conflict on one nomination and scores the other
    context = signed_in_context(browser, app, live_server, setting["desk"])
    page = context.new_page()
    page.goto(f"{live_server}/awards/jury/{setting['programme']}")
    _check(page, problems, "jury list")
    page.locator(f"#n{setting['other']}").get_by_role("link", name=re.compile("Interessenkonflikt erklären")).click()
    _check(page, problems, "declaring a conflict")
    page.get_by_label("Befangenheit erklärt").check()
    page.get_by_label("Art des Konflikts").select_option(label="Persönliche Beziehung")
    page.get_by_role("button", name="Erklärung speichern").click()
    page.get_by_text("Ihre Erklärung zu „Fußball verbindet“ ist gespeichert.").wait_for()
    page.get_by_role("link", name="Sprachcafé am Bahnhof", exact=True).click()
    _score(page, ["4", "3", "1"])
    _check(page, problems, "scoring")
    response = page.goto(f"{live_server}/awards/jury/{setting['programme']}/nominations/{setting['other']}")
    assert response.status == 403
    context.close()

    # the chair scores both on a phone, then sees the results
    context = signed_in_context(browser, app, live_server, setting["chair"], **PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/awards/jury/{setting['programme']}")
    _check(page, problems, "jury list on a phone")
    for project in ("Sprachcafé am Bahnhof", "Fußball verbindet"):
        page.get_by_role("link", name=project, exact=True).click()
        _score(page, ["5", "4", "1"])
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
        page.get_by_role("link", name="Zurück zur Liste").click()
    _check(page, problems, "scoring on a phone")
    page.goto(f"{live_server}/awards/jury/{setting['programme']}/results")
    table = page.locator("table.results")
    assert "Dora Desk" in table.locator("tr", has_text="Fußball verbindet").inner_text()  # her conflict, marked
    assert "4,17" in table.locator("tr", has_text="Sprachcafé am Bahnhof").inner_text()  # (11/3 + 14/3) / 2
    assert "4,67" in table.locator("tr", has_text="Fußball verbindet").inner_text()  # the chair's alone
    _check(page, problems, "results")
    context.close()
    with app.app_context():
        assert db.session.scalars(select(Score.value)).all().count(1) == 3  # the yes/no criterion, once per review
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


def _score(page, levels: list[str]) -> None:
    for position, level in enumerate(levels):
        page.locator("fieldset").nth(position).locator(f'input[value="{level}"]').check()
    page.get_by_role("button", name="Bewertung abgeben").click()
    page.get_by_text("Ihre Bewertung ist gespeichert.").wait_for()
