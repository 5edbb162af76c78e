"""Delivery of the outbox (events.core.outbox): every mail is queued in the database first and delivered
afterwards by the task queue.

Delivery goes to SMTP when MAIL_SERVER is set, otherwise to an .eml file in the file store's "mail" area.
A failed delivery is retried with growing pauses; the action that queued the mail is never affected.

The sender never holds a database session or transaction while it talks to SMTP: it claims due mails (one short
transaction), renders each and commits, closes the session, sends with short timeouts, and records the result in
another short transaction. A server that does not answer ends the run; the mails not yet tried wait for the next.
"""

from __future__ import annotations

import smtplib
import socket
import threading
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, g, has_request_context
from sqlalchemy import select, update

from events.core.database import immediate_transactions
from events.core.models import MailStatus, OutgoingMail
from events.core.outbox import MAIL_RENDERERS, attach_files
from events.core.storage import file_store
from events.core.types import utcnow
from events.extensions import db

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 300  # a sender owns a mail this long while it tries to deliver it (a dead sender's claim lapses)


def retry_delay(attempts: int) -> timedelta:
    """Pause before the next try after `attempts` failures: 1, 2, 4 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


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
    attach_files(mail, rendered.get("attachments"), rendered.get("inline_images"))
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


# --- delivery ----------------------------------------------------------------------------------------------------

# Failures that say the server is not there or not answering (rather than refusing this one mail): the run stops
# and the mails it has not tried yet wait for the next run, instead of each waiting for its own timeout.
SERVER_UNREACHABLE = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


class SmtpConnection:
    """One SMTP connection for a run of the sender, opened when the first mail goes out.

    Timeouts: MAIL_CONNECT_TIMEOUT for the connection and the server's greeting, MAIL_TIMEOUT for each command
    after it, and MAIL_SEND_TIMEOUT for one mail as a whole (a server that trickles its answers byte by byte is
    cut off then).
    """

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        config = self.config
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_CONNECT_TIMEOUT"])
        smtp.sock.settimeout(config["MAIL_TIMEOUT"])
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return smtp

    def _cut_off(self) -> None:
        sock = self.smtp.sock if self.smtp is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked read with an error
            except OSError:
                pass

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        watchdog = threading.Timer(self.config["MAIL_SEND_TIMEOUT"], self._cut_off)
        watchdog.daemon = True
        watchdog.start()
        try:
            self.smtp.send_message(message)
        except BaseException:
            self.close()
            raise
        finally:
            watchdog.cancel()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def _claim_due(limit: int) -> list[int]:
    """Take up to `limit` due mails for this sender in one short transaction, so no other sender delivers them
    meanwhile; the claim lapses after CLAIM_SECONDS should this sender die."""
    now = utcnow()
    due_ids = db.session.scalars(
        select(OutgoingMail.id)
        .where(OutgoingMail.status == MailStatus.QUEUED, OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.id)
        .limit(limit)
    ).all()
    claimed = []
    for mail_id in due_ids:
        result = db.session.execute(
            update(OutgoingMail)
            .where(
                OutgoingMail.id == mail_id,
                OutgoingMail.status == MailStatus.QUEUED,
                OutgoingMail.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
        )
        if result.rowcount == 1:
            claimed.append(mail_id)
    db.session.commit()
    return claimed


def _prepare(mail_id: int) -> EmailMessage | None:
    """Render a claimed mail (a deferred one now) and build its message; None when it no longer applies."""
    mail = db.session.get(OutgoingMail, mail_id)
    if mail.body_text is None and mail.renderer and not _render_deferred(mail):
        mail.status = MailStatus.SUPERSEDED  # it no longer applies (see mail_renderer): nothing is sent, nor retried
        db.session.commit()
        return None
    if not mail.message_id:
        mail.message_id = make_msgid(domain="treffpunkt.example")
    message = build_message(mail)
    db.session.commit()  # the rendered mail is kept, so a retry sends the same text
    return message


def _record(mail_id: int, error: Exception | None = None, eml_path: str | None = None) -> None:
    mail = db.session.get(OutgoingMail, mail_id)
    mail.attempts += 1
    if error is None:
        mail.status, mail.sent_at, mail.last_error, mail.eml_path = MailStatus.SENT, utcnow(), None, eml_path
    else:
        mail.last_error = f"{type(error).__name__}: {error}"[:500]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = MailStatus.FAILED
        mail.next_attempt_at = utcnow() + retry_delay(mail.attempts)
    db.session.commit()


def _postpone(mail_ids: list[int]) -> None:
    """Give claimed mails back untried: they are due again in a minute (no attempt is counted)."""
    if mail_ids:
        db.session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id.in_(mail_ids), OutgoingMail.status == MailStatus.QUEUED)
            .values(next_attempt_at=utcnow() + retry_delay(0))
        )
        db.session.commit()


def deliver_due_mail(limit: int | None = None) -> dict[str, int]:
    """Deliver queued mail whose time has come, at most `limit` (MAIL_BATCH_SIZE) in this run.

    Returns counts: sent, failed (tried and failed), superseded (no longer applied, not sent) and postponed (not
    tried, because the server stopped answering during this run).
    """
    config = current_app.config
    counts = {"sent": 0, "failed": 0, "superseded": 0, "postponed": 0}
    with immediate_transactions():
        claimed = _claim_due(limit or config["MAIL_BATCH_SIZE"])
    connection = SmtpConnection(config) if config["MAIL_SERVER"] else None
    try:
        for position, mail_id in enumerate(claimed):
            try:
                with immediate_transactions():
                    message = _prepare(mail_id)
            except Exception as error:  # noqa: BLE001 - a mail that cannot be rendered is retried like a failed send
                current_app.logger.exception("mail %s could not be rendered", mail_id)
                db.session.rollback()
                with immediate_transactions():
                    _record(mail_id, error)
                counts["failed"] += 1
                continue
            # committed: the session holds no connection and no transaction while SMTP talks
            if message is None:
                counts["superseded"] += 1
                continue
            try:
                eml_path = _transmit(connection, mail_id, message)
            except (*SERVER_UNREACHABLE, smtplib.SMTPException) as error:
                with immediate_transactions():
                    _record(mail_id, error)
                counts["failed"] += 1
                if isinstance(error, SERVER_UNREACHABLE):
                    rest = claimed[position + 1 :]
                    with immediate_transactions():
                        _postpone(rest)
                    counts["postponed"] += len(rest)
                    break
            else:
                with immediate_transactions():
                    _record(mail_id, eml_path=eml_path)
                counts["sent"] += 1
    finally:
        if connection is not None:
            connection.close()
    return counts


def _transmit(connection: SmtpConnection | None, mail_id: int, message: EmailMessage) -> str | None:
    """Hand the message to SMTP, or keep it as a file in the mail archive; returns the file name when kept."""
    if connection is not None:
        connection.send(message)
        return None
    name = f"{mail_id:06d}.eml"
    file_store().write("mail", name, message.as_bytes())
    return name


def deliver_queue_now() -> None:
    """Make every queued mail due now, also those waiting for their next try, and have the worker send them
    (the organisers' "send now")."""
    db.session.execute(
        update(OutgoingMail).where(OutgoingMail.status == MailStatus.QUEUED).values(next_attempt_at=utcnow())
    )
    db.session.commit()
    _start_delivery()


def _start_delivery() -> None:
    from events.core.tasks import deliver_mail

    deliver_mail()


def deliver_after_request(response):
    """After a request that queued mail: deliver it as MAIL_DELIVERY says ("background": a task for the worker;
    "sync": here, before the response, for tests; "later": only the worker's retry every minute)."""
    if not g.get("mail_queued") or response.status_code >= 400:
        return response
    mode = current_app.config["MAIL_DELIVERY"]
    if mode == "sync":
        deliver_due_mail()
    elif mode == "background":
        _start_delivery()
    return response
