"""In Chromium, on a desktop and a phone-sized window: a member opens the personal link, comments on another
group's block and proposes a change; a member of the owning group accepts it; axe-core finds no violation."""

import pytest
from sqlalchemy import select

from events.extensions import db
from events.tandems.models import GuidelineBlock, Phase
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, axe_violations

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)

WINDOWS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("window", WINDOWS, ids=list(WINDOWS))
def test_a_member_comments_and_suggests_and_the_owner_accepts(
    window,
    app,
    live_server,
    browser,
    make_programme,
    make_group,
    make_member,
    make_block,
):
    programme = make_programme(phase=Phase.COMMENTING)
    owners = make_group(programme, name="Tandem Niederbayern")
    others = make_group(programme, name="Tandem Schwaben", region="Schwaben")
    block = make_block(owners, text="Die Tandems planen ihre Pressearbeit gemeinsam.")
    _other, other_token = make_member(others, "Jonas", "Maier")
    _owner, owner_token = make_member(owners, "Lena", "Huber")

    visitor = browser.new_context(bypass_csp=True, locale="de-DE", viewport=WINDOWS[window])  # axe is injected
    page = visitor.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/tandems/link/{other_token}")
    assert page.get_by_role("heading", level=1).inner_text() == "Tandem Schwaben"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Zum gemeinsamen Leitfaden").click()
    page.get_by_role("link", name="Gemeinsame Pressearbeit").click()
    assert axe_violations(page) == []

    page.get_by_label("Ihr Kommentar").fill("Gute Idee – mit welchen Zeitungen?")
    page.get_by_role("button", name="Kommentar speichern").click()
    assert page.get_by_text("Ihr Kommentar ist gespeichert.").is_visible()
    assert page.get_by_text("Gute Idee – mit welchen Zeitungen?").is_visible()

    page.get_by_text("Änderung vorschlagen").click()
    page.get_by_label("Vorgeschlagener Text").fill("Die Tandems planen ihre Pressearbeit und Social Media gemeinsam.")
    page.get_by_label("Begründung").fill("Viele Freiwillige erreichen wir online.")
    page.get_by_role("button", name="Vorschlag einreichen").click()
    assert page.get_by_text("die Gruppe entscheidet darüber").is_visible()
    assert axe_violations(page) == []
    visitor.close()

    owner = browser.new_context(bypass_csp=True, locale="de-DE", viewport=WINDOWS[window])  # axe is injected
    page = owner.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/tandems/link/{owner_token}")
    page.goto(f"{live_server}/tandems/blocks/{block.id}")
    assert page.locator(".suggestion ins").inner_text().strip().endswith("und Social Media")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Übernehmen").click()
    assert page.get_by_text("Der Vorschlag ist übernommen.").is_visible()
    assert "Social Media" in page.locator(".block-text").inner_text()
    assert axe_violations(page) == []
    owner.close()
    with app.app_context():
        saved = db.session.scalars(select(GuidelineBlock)).one()
        assert saved.version == 2 and "Social Media" in saved.text
