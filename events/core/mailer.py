"""The mail outbox: every mail is queued in the database first and delivered afterwards.

Delivery goes to SMTP when MAIL_SERVER is set, otherwise to an .eml file under MAIL_FOLDER.
A failed delivery is retried with growing pauses; the action that queued the mail is never affected.
"""

from __future__ import annotations

import re
import smtplib
import threading
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, g, has_request_context, render_template
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import select, update

from events.core.database import immediate_transactions
from events.core.models import OutgoingMail, OutgoingMailAttachment
from events.core.types import utcnow
from events.extensions import db

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 300  # a sender owns a mail this long while it tries to deliver it


def retry_delay(attempts: int) -> timedelta:
    """Pause before the next try after `attempts` failures: 1, 2, 4 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def queue_mail(
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    inline_images: list[tuple[str, str, bytes, str]] | None = None,
    topic: str | None = None,
    registration_id: int | None = None,
    reply_to: str | None = None,
) -> OutgoingMail:
    """Add a mail to the outbox in the current transaction.

    attachments: (filename, content type, data); inline_images: (filename, content type, data, content id);
    registration_id: the registration the mail is about (deleted with its personal data, registration.retention);
    reply_to: where answers go (the sender address is a no-reply one).
    """
    mail = OutgoingMail(
        recipient=recipient,
        reply_to=reply_to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        topic=topic,
        registration_id=registration_id,
    )
    for filename, content_type, data in attachments or []:
        mail.attachments.append(OutgoingMailAttachment(filename=filename, content_type=content_type, data=data))
    for filename, content_type, data, cid in inline_images or []:
        mail.attachments.append(
            OutgoingMailAttachment(filename=filename, content_type=content_type, data=data, inline_cid=cid)
        )
    db.session.add(mail)
    if has_request_context():
        g.mail_queued = True
    return mail


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


# The secret part of the links mails carry: a personal link, an invitation, a password reset, a personal calendar
# feed. Only the recipient may hold them; the organisers' view of sent mail shows them cut (hide_secret_links).
SECRET_LINK = re.compile(
    r"(?P<keep>/registration/me/|/awards/me/|/accounts/password/reset/|/accounts/invitation/|/certificates/participant/"
    r"|/calendar/personal/|/tandems/link/|[?&]invitation=)(?P<secret>[^\s/?#&]+)"
)


def hide_secret_links(text: str) -> str:
    """The text with the token of every secret link (SECRET_LINK) replaced by "…"."""
    return SECRET_LINK.sub(lambda match: match["keep"] + "…", text)


def queue_templated_mail(
    recipient: str, template: str, topic: str | None = None, registration_id: int | None = None, **context
) -> OutgoingMail:
    """Render a mail now and queue it (registration_id: see queue_mail)."""
    rendered = render_templated_mail(template, **context)
    return queue_mail(recipient, topic=topic or template, registration_id=registration_id, **rendered)


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
    recipient: str, renderer: str, topic: str | None = None, registration_id: int | None = None, **args
) -> None:
    """Queue a mail that the sender renders later with MAIL_RENDERERS[renderer](**args); args are plain values.

    registration_id: the registration the mail is about; it is passed to the renderer too, and the mail is deleted
    with the registration's personal data (registration.retention). Written in the current transaction as a plain
    INSERT (the request never touches the mail again).
    """
    if registration_id is not None:
        args = {"registration_id": registration_id, **args}
    db.session.execute(
        OutgoingMail.__table__.insert(),
        {
            "recipient": recipient,
            "renderer": renderer,
            "render_args": args,
            "topic": topic or renderer,
            "registration_id": registration_id,
        },
    )
    if has_request_context():
        g.mail_queued = True


def _render_deferred(mail: OutgoingMail) -> bool:
    """Fill in the parts of a deferred mail; False when its renderer says it no longer applies."""
    render = MAIL_RENDERERS[mail.renderer]
    if has_request_context():
        rendered = render(**(mail.render_args or {}))
    else:
        with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
            rendered = render(**(mail.render_args or {}))
    if rendered is None:
        return False
    mail.subject = rendered["subject"]
    mail.body_text = rendered["body_text"]
    mail.body_html = rendered.get("body_html")
    mail.reply_to = rendered.get("reply_to")
    for filename, content_type, data in rendered.get("attachments") or []:
        mail.attachments.append(OutgoingMailAttachment(filename=filename, content_type=content_type, data=data))
    for filename, content_type, data, cid in rendered.get("inline_images") or []:
        mail.attachments.append(
            OutgoingMailAttachment(filename=filename, content_type=content_type, data=data, inline_cid=cid)
        )
    return True


def ascii_address(address: str) -> str:
    """An address as every SMTP server takes it: a domain with umlauts in its ASCII form (zoe@xn--zo-ija.example).
    The part before the @ is ASCII already: the forms refuse anything else (core.forms.has_ascii_local_part)."""
    local_part, at, domain = address.rpartition("@")
    if at and not domain.isascii():
        try:
            return f"{local_part}@{domain.encode('idna').decode('ascii')}"
        except UnicodeError:
            return address
    return address


def build_message(mail: OutgoingMail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = ascii_address(mail.recipient)
    if mail.reply_to:
        message["Reply-To"] = ascii_address(mail.reply_to)
    message["Subject"] = " ".join(mail.subject.splitlines())  # a line break in a header is refused by every server
    message["Message-ID"] = mail.message_id or make_msgid(domain="treffpunkt.example")
    message.set_content(mail.body_text)
    inline = [a for a in mail.attachments if a.inline_cid]
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
        if inline:
            html_part = message.get_payload()[1]
            for attachment in inline:
                maintype, subtype = attachment.content_type.split("/", 1)
                html_part.add_related(
                    attachment.data, maintype=maintype, subtype=subtype, cid=f"<{attachment.inline_cid}>"
                )
    files = [a for a in mail.attachments if not a.inline_cid]
    for attachment in files:
        if attachment.content_type.startswith("text/calendar"):
            # Outlook and Exchange recognise an invitation when the calendar is one of the alternatives of the
            # body as well; Gmail, Apple Mail and Thunderbird read the attached file.
            params = _content_params(attachment.content_type)
            params.pop("charset", None)  # set by add_alternative itself
            message.add_alternative(attachment.data.decode("utf-8"), subtype="calendar", params=params)
    for attachment in files:
        main, _, rest = attachment.content_type.partition("/")
        subtype = rest.split(";")[0].strip()
        # bytes are sent base64-encoded, which survives every mail server, also for text/calendar
        message.add_attachment(
            attachment.data,
            maintype=main,
            subtype=subtype,
            filename=attachment.filename,
            params=_content_params(attachment.content_type),
        )
    return message


def _content_params(content_type: str) -> dict[str, str]:
    """The parameters of a content type, e.g. {"method": "REQUEST", "charset": "utf-8"}."""
    params = [p.strip() for p in content_type.split(";")[1:]]
    return dict(p.split("=", 1) for p in params if "=" in p)


def _transmit(mail: OutgoingMail, message: EmailMessage) -> str | None:
    """Hand the message to SMTP, or write it to a file; returns the file name when written."""
    config = current_app.config
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return None
    folder = Path(config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{mail.id:06d}.eml"
    (folder / name).write_bytes(message.as_bytes())
    return name


def _claim(mail_id: int, now) -> bool:
    """Take a due mail for this sender, so two senders never deliver it twice."""
    result = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.status == "queued", OutgoingMail.next_attempt_at <= now)
        .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_due_mail(limit: int = 200) -> dict[str, int]:
    """Deliver queued mail whose time has come; returns counts of sent and failed tries, and of mails that no
    longer applied (superseded, not sent)."""
    with immediate_transactions():
        return _deliver_due_mail(limit)


def _deliver_due_mail(limit: int) -> dict[str, int]:
    now = utcnow()
    due_ids = db.session.scalars(
        select(OutgoingMail.id)
        .where(OutgoingMail.status == "queued", OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.id)
        .limit(limit)
    ).all()
    counts = {"sent": 0, "failed": 0, "superseded": 0}
    for mail_id in due_ids:
        if not _claim(mail_id, now):
            continue
        mail = db.session.get(OutgoingMail, mail_id)
        superseded = False
        try:
            if mail.body_text is None and mail.renderer:
                superseded = not _render_deferred(mail)
            if not superseded:
                if not mail.message_id:
                    mail.message_id = make_msgid(domain="treffpunkt.example")
                mail.eml_path = _transmit(mail, build_message(mail))
        except Exception as error:  # noqa: BLE001 - any failure (SMTP, disk, rendering) means: try again later
            if not isinstance(error, OSError | smtplib.SMTPException):
                current_app.logger.exception("mail %s could not be rendered or sent", mail_id)
            mail.attempts += 1
            mail.last_error = f"{type(error).__name__}: {error}"[:500]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = "failed"
            mail.next_attempt_at = utcnow() + retry_delay(mail.attempts)
            counts["failed"] += 1
        else:
            if superseded:  # it no longer applies (see mail_renderer): nothing is sent, and it is not retried
                mail.status = "superseded"
                counts["superseded"] += 1
            else:
                mail.attempts += 1
                mail.status = "sent"
                mail.sent_at = utcnow()
                mail.last_error = None
                counts["sent"] += 1
        db.session.commit()
    return counts


def deliver_queue_now() -> dict[str, int]:
    """Try every queued mail at once, also those waiting for their next try (the organisers' "send now")."""
    db.session.execute(update(OutgoingMail).where(OutgoingMail.status == "queued").values(next_attempt_at=utcnow()))
    db.session.commit()
    return deliver_due_mail()


def _deliver_in_background(app) -> None:
    with app.app_context():
        try:
            deliver_due_mail()
        except Exception:  # noqa: BLE001 - a background sender must never die loudly; cron retries
            app.logger.exception("background mail delivery failed")
        finally:
            db.session.remove()


def deliver_after_request(response):
    """After a request that queued mail: deliver it as MAIL_DELIVERY says."""
    if not g.get("mail_queued") or response.status_code >= 400:
        return response
    mode = current_app.config["MAIL_DELIVERY"]
    if mode == "sync":
        deliver_due_mail()
    elif mode == "background":
        threading.Thread(target=_deliver_in_background, args=(current_app._get_current_object(),), daemon=True).start()
    return response
