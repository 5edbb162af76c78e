"""The mail outbox: every mail is queued in the database first, in the transaction of the action that sends it,
and delivered afterwards by the task queue (events.core.mailer).

A mail is rendered when it is queued (queue_templated_mail) or, deferred, just before delivery by a registered
renderer (mail_renderer, queue_deferred_mail). `about` links a mail to the object it is about ("registration:42"),
so it is deleted with that object's personal data.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, has_request_context, render_template
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import String, cast, literal, select

from events.core.models import OutgoingMail, OutgoingMailAttachment
from events.extensions import db


def about(kind: str, object_id: int) -> str:
    """What a mail is about, as stored in OutgoingMail.about: about("registration", 42) == "registration:42"."""
    return f"{kind}:{object_id}"


def about_column(kind: str, id_column):
    """SQL for about(kind, id) computed from an id column, to join mails with the objects they are about."""
    return literal(f"{kind}:") + cast(id_column, String)


def about_any(kind: str, object_ids):
    """A condition for the mails about any of these objects (a list of ids or a SELECT of ids)."""
    if isinstance(object_ids, list | tuple | set):
        return OutgoingMail.about.in_([about(kind, i) for i in object_ids])
    ids = object_ids.subquery()
    return OutgoingMail.about.in_(select(about_column(kind, ids.c[0])))


def queue_mail(
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    inline_images: list[tuple[str, str, bytes, str]] | None = None,
    topic: str | None = None,
    about: str | None = None,
    reply_to: str | None = None,
) -> OutgoingMail:
    """Add a mail to the outbox in the current transaction.

    attachments: (filename, content type, data); inline_images: (filename, content type, data, content id);
    about: what the mail is about, "kind:id" (see about()): deleted with that object's personal data;
    reply_to: where answers go (the sender address is a no-reply one).
    """
    mail = OutgoingMail(
        recipient=recipient,
        reply_to=reply_to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        topic=topic,
        about=about,
    )
    attach_files(mail, attachments, inline_images)
    db.session.add(mail)
    if has_request_context():
        g.mail_queued = True
    return mail


def attach_files(
    mail: OutgoingMail,
    attachments: list[tuple[str, str, bytes]] | None,
    inline_images: list[tuple[str, str, bytes, str]] | None = None,
) -> None:
    """Add files to a mail: attachments (filename, content type, data) and inline images (..., content id)."""
    for filename, content_type, data in attachments or []:
        mail.attachments.append(OutgoingMailAttachment(filename=filename, content_type=content_type, data=data))
    for filename, content_type, data, cid in inline_images or []:
        mail.attachments.append(
            OutgoingMailAttachment(filename=filename, content_type=content_type, data=data, inline_cid=cid)
        )


def render_templated_mail(template: str, **context) -> dict:
    """Render templates/emails/<template>.subject.txt, .txt and .html into the parts of a mail.

    context["reply_to"], when given, becomes the mail's Reply-To. The HTML part is a whole document that names its
    language (emails/_document.html), so screen readers read it in the right one.
    """
    subject = render_template(f"emails/{template}.subject.txt", **context).strip()
    body = Markup(render_template(f"emails/{template}.html", **context))  # noqa: S704 (rendered with autoescape)
    return {
        "subject": subject,
        "body_text": render_template(f"emails/{template}.txt", **context).strip() + "\n",  # no blank first line
        "body_html": render_template(
            "emails/_document.html", lang=str(get_locale() or "de"), subject=subject, body=body
        ),
        "attachments": context.get("attachments"),
        "inline_images": context.get("inline_images"),
        "reply_to": context.get("reply_to"),
    }


def queue_templated_mail(
    recipient: str, template: str, topic: str | None = None, about: str | None = None, **context
) -> OutgoingMail:
    """Render a mail now and queue it (about: see queue_mail)."""
    rendered = render_templated_mail(template, **context)
    return queue_mail(recipient, topic=topic or template, about=about, **rendered)


# Deferred mails: the request stores only what to render; the sender renders just before delivery.
MAIL_RENDERERS: dict[str, Callable[..., dict | None]] = {}


def mail_renderer(name: str):
    """Register a function that turns a deferred mail's arguments into its parts (see render_templated_mail).

    The function returns None for a mail that no longer applies when its turn comes (say, a waiting-list notice
    for someone who has moved up meanwhile): the sender then marks it "superseded" and sends nothing.
    """

    def register(function):
        MAIL_RENDERERS[name] = function
        return function

    return register


def queue_deferred_mail(
    recipient: str, renderer: str, topic: str | None = None, about: str | None = None, **args
) -> None:
    """Queue a mail that the sender renders later with MAIL_RENDERERS[renderer](**args); args are plain values.

    about: see queue_mail. Written in the current transaction as a plain INSERT (the request never touches the
    mail again).
    """
    db.session.execute(
        OutgoingMail.__table__.insert(),
        {
            "recipient": recipient,
            "renderer": renderer,
            "render_args": args,
            "topic": topic or renderer,
            "about": about,
        },
    )
    if has_request_context():
        g.mail_queued = True
