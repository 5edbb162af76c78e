"""An organiser's message to registrants: Markdown as in event descriptions, placeholders, a text per language,
the greeting optional; a preview and a test mail to oneself before it goes out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from markupsafe import Markup, escape

from events.core.audit import record_audit
from events.core.languages import force_language
from events.core.outbox import about, mail_renderer, queue_deferred_mail, queue_mail, render_templated_mail
from events.core.secret_links import hide_secret_links
from events.extensions import db
from events.meetings.catalogue import render_description
from events.meetings.models import Event
from events.registration.errors import RegistrationError
from events.registration.lists import RegistrationFilter, filtered_registrations
from events.registration.models import Registration, RegistrationStatus

# What organisers may write in a message, and what each stands for; named under the field.
PLACEHOLDERS = ("name", "event", "personal_link")


@dataclass(frozen=True)
class OrganiserMessage:
    subject: str
    body: str  # Markdown
    subject_en: str = ""  # the English text, for registrants who chose English mails; none: all get the German
    body_en: str = ""
    greeting: bool = True  # "Guten Tag <name>," above the text

    @property
    def languages(self) -> list[str]:
        return ["de", "en"] if self.subject_en.strip() and self.body_en.strip() else ["de"]

    def text_in(self, language: str) -> tuple[str, str]:
        """(subject, body) as a registrant with this mail language gets them."""
        return (self.subject_en, self.body_en) if language in self.languages[1:] else (self.subject, self.body)


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def personalised(subject: str, body: str, greeting: bool, name: str, event: Event, personal_url: str) -> dict:
    """The context of templates/emails/organiser_message.*: the placeholders filled in, the body as Markdown
    rendered and sanitised like an event description (HTML) and as typed (plain text)."""
    values = {"name": name, "event": event.title, "personal_link": personal_url}
    html = str(render_description(body))
    url = str(escape(personal_url))
    html = html.replace('href="{personal_link}"', f'href="{url}"')  # a Markdown link [text]({personal_link})
    escaped = {key: str(escape(value)) for key, value in values.items()}
    html = _fill(html, {**escaped, "personal_link": f'<a href="{url}">{url}</a>'})
    return {
        "subject": _fill(subject, values),
        "message_html": Markup(html),  # noqa: S704 - sanitised Markdown with escaped values filled in
        "message_text": _fill(body, values),
        "greeting": greeting,
        "name": name,
        "event": event,
        "event_url": current_app.config["BASE_URL"] + url_for("meetings.event_page", slug=event.slug),
    }


def message_recipients(event: Event, wanted: RegistrationFilter) -> list[Registration]:
    """Who an organiser's message reaches: the filtered registrations, cancelled ones only when asked for."""
    recipients = db.session.scalars(filtered_registrations(event, wanted)).all()
    return [
        r
        for r in recipients
        if wanted.status == RegistrationStatus.CANCELLED or r.status != RegistrationStatus.CANCELLED
    ]


def message_registrants(event: Event, message: OrganiserMessage, wanted: RegistrationFilter) -> int:
    """Mail the organiser's message to message_recipients, each in their mail language where the message has a
    text in it; how many it reaches. A selection of nobody is refused (RegistrationError "no_recipients"), so no
    message is logged as sent that reached no one."""
    recipients = message_recipients(event, wanted)
    if not recipients:
        raise RegistrationError("no_recipients")
    for registration in recipients:
        subject, body = message.text_in(registration.language)
        queue_deferred_mail(
            registration.email,
            "organiser_message",
            topic="registration.organiser_message",
            about=about("registration", registration.id),
            registration_id=registration.id,
            subject=subject,
            body=body,
            greeting=message.greeting,
        )
    # The search text is left out of the log: it is often a participant's name, and the log outlives their data.
    # Which registrations the message reached is kept as their ids, which say nothing once they are anonymised.
    # The other filters are named, not their values (an answer may be personal too).
    status, term = wanted.status, wanted.q
    details = {"status": status or None, "search": bool(term), "registrations": [r.id for r in recipients]}
    narrowed = [name for name in wanted.args() if name not in ("status", "q")]
    if narrowed:
        details["filters"] = narrowed
    record_audit(
        "registration.message",
        event,
        summary=f"{message.subject[:200]} -> {len(recipients)} ({status or 'all'}{', search' if term else ''})",
        details=details,
    )
    db.session.commit()
    return len(recipients)


@mail_renderer("organiser_message")
def render_organiser_message(registration_id: int, subject: str, body: str, greeting: bool = True) -> dict | None:
    """Render one registrant's copy just before delivery; None once the registration or its data is gone."""
    from events.registration.personal_links import personal_token

    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.anonymised_at is not None:
        return None
    event = registration.event
    personal_url = current_app.config["BASE_URL"] + url_for("registration.personal", token=personal_token(registration))
    with force_language(registration.language or "de"):
        context = personalised(subject, body, greeting, registration.full_name, event, personal_url)
        return render_templated_mail("organiser_message", **context, reply_to=event.contact_email)


def _example_link() -> str:
    """A personal link with its secret cut, for previews and test mails (never someone's working link)."""
    return hide_secret_links(current_app.config["BASE_URL"] + url_for("registration.personal", token="-"))  # noqa: S106


def preview(event: Event, message: OrganiserMessage, example: Registration | None) -> list[dict]:
    """The message as it will read, once per language it has, for an example recipient (the first of the
    selection; their name, but not their personal link)."""
    name = example.full_name if example is not None else "Erika Mustermann"
    previews = []
    for language in message.languages:
        subject, body = message.text_in(language)
        with force_language(language):
            previews.append(
                {"language": language, **personalised(subject, body, message.greeting, name, event, _example_link())}
            )
    return previews


def send_test_message(event: Event, message: OrganiserMessage, example: Registration | None, address: str) -> int:
    """Mail the preview to the organiser's own address, one mail per language; how many mails."""
    for part in preview(event, message, example):
        with force_language(part["language"]):
            rendered = render_templated_mail("organiser_message", **part, reply_to=event.contact_email)
        rendered["subject"] = "[Test] " + rendered["subject"]
        queue_mail(address, topic="registration.organiser_message_test", **rendered)
    db.session.commit()
    return len(message.languages)
