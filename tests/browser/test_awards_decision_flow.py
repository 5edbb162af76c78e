"""In Debian's Chromium: the chair records the decision (the tie-break shown where it decided), the organiser
releases it with the winners page set for later, the page is not there, the organiser moves its time, and the
page appears; axe-core finds no WCAG problem on these pages."""

from datetime import timedelta

import pytest

from events.core.models import User
from events.core.timezone import aware_to_berlin_naive
from events.core.types import utcnow
from events.extensions import db
from tests.awards import factories
from tests.browser.conftest import AXE, CHROMIUM, NO_AXE, NO_CHROMIUM, axe_violations, signed_in_context

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.skipif(not AXE.exists(), reason=NO_AXE),
]


@pytest.fixture
def meeting(app, account):
    """Two admitted nominations with the same mean, the second with the higher median; a chair and two jurors."""
    with app.test_request_context():
        programme = factories.programme()
        programme.place_amounts = [250_000, 150_000, 100_000]
        db.session.commit()
        first = factories.nomination(programme, project_name="Sprachcafé am Bahnhof")
        second = factories.nomination(programme, project_name="Lesepaten Straubing")
        chair = factories.juror(programme, factories.jury_user(name="Paula Vorsitz"), is_chair=True)
        jurors = [factories.juror(programme) for _ in range(3)]
        for juror, (a, b) in zip(jurors, [(2, 1), (4, 4), (3, 4)], strict=True):
            factories.scores(juror, first, [a, a, 0])
            factories.scores(juror, second, [b, b, 0])
        chair_user = db.session.get(User, chair.user_id)
        db.session.expunge(chair_user)
        return {
            "programme": programme.id,
            "slug": programme.slug,
            "first": first.id,
            "second": second.id,
            "chair": chair_user,
            "organiser": account("organiser"),
        }


def _check(page, problems: dict, name: str) -> None:
    found = axe_violations(page)
    if found:
        problems[name] = found


def _minute(delta: timedelta) -> str:
    return aware_to_berlin_naive(utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


def test_decide_release_and_see_the_winners_page_appear_at_its_time(live_server, browser, app, meeting):
    problems: dict = {}
    programme = meeting["programme"]

    context = signed_in_context(browser, app, live_server, meeting["chair"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/awards/jury/{programme}/decisions/0")
    page.get_by_text("entschieden nach dem höheren Median").wait_for()
    _check(page, problems, "decision")
    for nomination, number, laudation in [
        (meeting["second"], "1", "Lesen verbindet."),
        (meeting["first"], "2", "Sprache wächst."),
    ]:
        page.locator(f"#k{nomination}").select_option("place")
        page.locator(f"#p{nomination}").fill(number)
        page.locator(f"#l{nomination}").fill(laudation)
    page.get_by_role("button", name="Entscheidung festhalten").click()
    page.get_by_text("Die Entscheidung ist festgehalten.").wait_for()
    _check(page, problems, "decisions")
    context.close()

    context = signed_in_context(browser, app, live_server, meeting["organiser"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/awards/manage/{programme}/announcement")
    _check(page, problems, "announcement")
    page.get_by_label("Seite der Preisträger öffentlich ab").fill(_minute(timedelta(days=1)))
    page.get_by_role("button", name="Entscheidung jetzt bekanntgeben").click()
    page.get_by_text("Die Entscheidung ist bekanntgegeben: 2 Mails").wait_for()
    visitor = signed_in_context(browser, app, live_server, None)
    assert visitor.new_page().goto(f"{live_server}/awards/winners/{meeting['slug']}").status == 404
    page.get_by_label("Seite der Preisträger öffentlich ab").fill(_minute(timedelta(minutes=-1)))
    page.get_by_role("button", name="Zeit der Veröffentlichung ändern").click()
    page.get_by_text("Die Zeit der Veröffentlichung ist gespeichert.").wait_for()
    context.close()

    public = visitor.new_page()
    assert public.goto(f"{live_server}/awards/winners/{meeting['slug']}").status == 200
    public.get_by_text("Lesen verbindet.").wait_for()
    assert "2.500 €" in public.content()
    _check(public, problems, "winners")
    visitor.close()
    assert problems == {}, problems
