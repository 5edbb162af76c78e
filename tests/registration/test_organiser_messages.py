"""Organisers write to registrants: preview, a test to themselves, Markdown, placeholders, a text per language."""

from events.extensions import db
from events.registration.models import Registration
from events.registration.personal_links import personal_token
from tests.conftest import mail_text, sent_mails

BODY = "Bitte bringen Sie **Ihr Ticket** mit, {name}.\n\n- Anreise: {event}\n- Ihre Anmeldung: {personal_link}"


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_the_message_page_names_the_placeholders_under_the_field(client, login, make_user, make_event):
    event = make_event()
    login(make_user("organiser"))
    page = client.get(f"/registration/manage/{event.id}/message").text
    assert "{name}" in page and "{event}" in page and "{personal_link}" in page
    assert "Markdown" in page


def test_the_preview_shows_the_greeting_markdown_and_filled_placeholders_and_sends_nothing(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(title="Vernetzungstreffen Landshut")
    make_registration(event, first_name="Elif", last_name="Kaya")
    login(make_user("organiser"))

    page = client.post(
        f"/registration/manage/{event.id}/message",
        data={"subject": "Anreise zu {event}", "body": BODY, "greeting": "y", "action": "preview"},
    ).text

    assert "Guten Tag Elif Kaya," in page
    assert "Anreise zu Vernetzungstreffen Landshut" in page
    assert "<strong>Ihr Ticket</strong>" in page
    assert "mit, Elif Kaya." in page
    assert "/registration/me/…" in page  # the personal link, cut: nobody's working link on the organiser's screen
    assert sent_mails(app) == []


def test_a_test_mail_goes_to_the_organiser_only(client, app, login, make_user, make_event, make_registration):
    event = make_event()
    make_registration(event)
    organiser = login(make_user("organiser"))

    response = client.post(
        f"/registration/manage/{event.id}/message",
        data={"subject": "Anreise", "body": BODY, "greeting": "y", "action": "test"},
    )

    assert f"Eine Testnachricht ist an {organiser.email} unterwegs." in response.text
    [mail] = sent_mails(app)
    assert mail["To"] == organiser.email
    assert mail["Subject"] == "[Test] Anreise"
    assert "<strong>Ihr Ticket</strong>" in _html(mail)
    assert "/registration/me/…" in mail_text(mail)


def test_each_registrant_gets_the_text_in_their_language_with_their_own_link(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event(title="Vernetzungstreffen Landshut")
    german = make_registration(event, first_name="Elif", last_name="Kaya", language="de")
    english = make_registration(event, first_name="Amir", last_name="Haddad", language="en")
    login(make_user("organiser"))

    client.post(
        f"/registration/manage/{event.id}/message",
        data={
            "subject": "Anreise",
            "body": BODY,
            "subject_en": "Getting there",
            "body_en": "Please bring **your ticket**, {name}: {personal_link}",
            "action": "send",
        },  # no greeting ticked
    )

    mails = {m["To"]: m for m in sent_mails(app)}
    assert mails[german.email]["Subject"] == "Anreise"
    assert mails[english.email]["Subject"] == "Getting there"
    english_text = mail_text(mails[english.email])
    assert english_text.startswith("Please bring **your ticket**, Amir Haddad")  # no greeting, as chosen
    assert "Hello" not in english_text
    assert "<strong>your ticket</strong>" in _html(mails[english.email])
    with app.app_context():
        own_link = personal_token(db.session.get(Registration, english.id))
    assert f"http://localhost/registration/me/{own_link}" in english_text
    assert "Guten Tag" not in mail_text(mails[german.email])
    assert "- Anreise: Vernetzungstreffen Landshut" in mail_text(mails[german.email])


def test_half_an_english_version_is_refused_and_the_text_stays(
    client, app, login, make_user, make_event, make_registration
):
    event = make_event()
    make_registration(event)
    login(make_user("organiser"))
    response = client.post(
        f"/registration/manage/{event.id}/message",
        data={"subject": "Anreise", "body": "Bitte pünktlich.", "subject_en": "Getting there", "action": "send"},
    )
    assert response.status_code == 400
    assert "Für die englische Fassung bitte Betreff und Nachricht angeben." in response.text
    assert 'value="Getting there"' in response.text
    assert sent_mails(app) == []
