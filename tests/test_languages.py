"""Every page renders in German and in English, for every user allowed to see it.

The pages are the GET rows of tests/routes.py, so a new view is checked here as soon as it has its row.
"""

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.routes import ANONYMOUS, ROUTES

CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"
NOT_HTML = {
    "pages.health",  # answers JSON for monitoring, no page
    # downloads: calendar files, spreadsheets, PDFs, the API description
    "registration.personal_invite",
    "registration.personal_ticket",
    "registration.export",
    "meetings.invitations_export",
    "calendar.feed",
    "calendar.event_file",
    "calendar.personal_feed",
    "checkin.no_shows_export",
    "checkin.badges",
    "checkin.ticket_pdf",
    "checkin.openapi",
    # the JSON API for scanning devices
    "checkin.api_search",
    "checkin.api_status",
}
NOT_HTML |= {"certificates.batch_progress", "certificates.certificate_download"}  # JSON; a PDF
NOT_HTML |= {"certificates.batch_pdf", "certificates.batch_zip"}  # downloads once a batch is rendered
NOT_HTML |= {"awards.own_document", "awards.document", "awards.jury_document", "awards.meeting_sheet"}  # files
NOT_HTML |= {"tandems.guideline_as_pdf", "tandems.guideline_as_docx"}  # the printed guideline
NOT_HTML |= {"ceremonies.security_list", "ceremonies.document"}  # the security list (CSV) and a printed document
# What every page's header says, in each language: the skip link, and signing in or out.
SKIP_LINK = {"de": "Zum Inhalt springen", "en": "Skip to content"}
SIGN_IN = {"de": "Für Mitarbeitende", "en": "Staff sign-in"}
SIGN_OUT = {"de": "Abmelden", "en": "Sign out"}


def _translations() -> dict[str, str]:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    return {
        message.id: message.string
        for message in catalogue
        if message.id and isinstance(message.id, str) and message.string and message.string != message.id
    }


TRANSLATIONS = _translations()
# German source strings (several words, 16 characters or more) that do not turn up inside names or other data.
TELLTALE_GERMAN = sorted(
    (
        german
        for german in TRANSLATIONS
        if len(german) >= 16 and " " in german and "%(" not in german and "<" not in german
    ),
    key=len,
)

PAGES = [
    pytest.param(route, who, id=f"{route.endpoint}-{who}")
    for route in ROUTES
    if route.method == "GET" and route.endpoint not in NOT_HTML
    for who in sorted(route.allowed)
]


def _visible_text(page: str) -> str:
    body = page.split("<body", 1)[1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _title(page: str) -> str:
    title = html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1)).strip()
    return title.removesuffix("· Treffpunkt").strip()


def _render(client, route, world, language: str) -> str:
    with client.session_transaction() as session:
        session["lang"] = language
    response = client.get(route.path(world), follow_redirects=True)
    assert response.status_code == 200, f"{route.endpoint} in {language}: {response.status_code}"
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("route", "who"), PAGES)
def test_every_page_renders_in_german_and_in_english(route, who, client, login, account, world):
    if who != ANONYMOUS:
        login(account(who))
    german = _render(client, route, world, "de")
    english = _render(client, route, world, "en")

    assert '<html lang="de">' in german and '<html lang="en">' in english
    for language, page in (("de", german), ("en", english)):
        assert '="None"' not in page, "an attribute rendered Python's None"
        text = _visible_text(page)
        assert SKIP_LINK[language] in text
        assert (SIGN_IN if who == ANONYMOUS else SIGN_OUT)[language] in text

    title = _title(german)
    if title in TRANSLATIONS:  # a title made of data (an organisation's name) stays as it is
        assert _title(english) == TRANSLATIONS[title]

    english_text = _visible_text(english)
    left_in_german = [german_text for german_text in TELLTALE_GERMAN if german_text in english_text]
    assert left_in_german == [], "German strings on the English page"


def test_the_organisers_start_page_greets_in_both_languages(client, login, account):
    login(account("organiser"))
    for language, heading in (("de", "<h1>Übersicht</h1>"), ("en", "<h1>Overview</h1>")):
        with client.session_transaction() as session:
            session["lang"] = language
        assert heading in client.get("/").get_data(as_text=True)
