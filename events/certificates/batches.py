"""Certificate batches rendered in the background: one merged PDF, then a ZIP of single PDFs and the mails."""

from __future__ import annotations

import threading
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select, update

from events.certificates.models import Certificate, CertificateBatch
from events.certificates.pages import (
    document_settings,
    page_for,
    pdf_filename,
    render_certificate_batch,
    verification_url,
)
from events.certificates.wording import DEFAULT_ISSUER
from events.core.mailer import deliver_due_mail, queue_templated_mail
from events.core.types import utcnow
from events.documents import pdf_files
from events.documents.rendering import RenderingFailed
from events.extensions import db


def batch_folder() -> Path:
    folder = Path(current_app.config.get("CERTIFICATE_FOLDER") or Path(current_app.instance_path) / "certificates")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def batch_files(batch: CertificateBatch) -> tuple[Path, Path]:
    folder = batch_folder()
    # the creation time makes the name unique even where ids are reused (a database restored or emptied)
    stem = f"batch-{batch.id}-{batch.created_at.strftime('%Y%m%d%H%M%S%f')}"
    return folder / f"{stem}.pdf", folder / f"{stem}.zip"


def start_rendering(batch: CertificateBatch, send_mail: bool = False, wait: bool = False) -> None:
    """Render the batch's certificates after the current transaction: in a thread, or at once when configured
    or asked to wait (the command line)."""
    batch.status = "rendering"
    batch.progress = 0
    batch.progress_at = utcnow()
    batch.error = None
    db.session.commit()
    if wait or current_app.config.get("CERTIFICATE_RENDERING") == "sync":
        render_batch_files(batch.id, send_mail)
        return
    app = current_app._get_current_object()
    threading.Thread(target=_render_in_thread, args=(app, batch.id, send_mail), daemon=True).start()


RENDERING_FAILED = "rendering:"  # how a failed render is noted in the batch's error
STUCK_AFTER = timedelta(minutes=5)  # a rendering without progress this long has stopped (say, a server restart)


def may_restart(batch: CertificateBatch, now: datetime | None = None) -> bool:
    """Whether the organiser may start the batch's rendering again: after it failed, or when it has stopped
    moving (STUCK_AFTER); never while it runs, which would render every certificate twice at once."""
    if batch.status == "failed":
        return True
    if batch.status not in ("rendering", "packing"):
        return False
    return batch.progress_at is None or (now or utcnow()) - batch.progress_at > STUCK_AFTER


def _render_in_thread(app, batch_id: int, send_mail: bool) -> None:
    with app.app_context():
        try:
            render_batch_files(batch_id, send_mail)
        finally:
            db.session.remove()


def _set_progress(batch_id: int, done: int) -> None:
    db.session.execute(
        update(CertificateBatch).where(CertificateBatch.id == batch_id).values(progress=done, progress_at=utcnow())
    )
    db.session.commit()


def render_batch_files(batch_id: int, send_mail: bool = False) -> None:
    """Render a batch into one merged PDF, then a ZIP of single PDFs; optionally mail each recipient theirs.

    The merged PDF (for printing) can be downloaded as soon as it is written, while the batch is "packing":
    cutting it into single PDFs, zipping them and queueing the mails comes after it.
    """
    batch = db.session.get(CertificateBatch, batch_id)
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.batch_id == batch_id).order_by(Certificate.id)
    ).all()
    try:
        pages = [page_for(c) for c in certificates]
        settings = document_settings(batch, certificates[0].issuer if certificates else DEFAULT_ISSUER)
        merged_path, zip_path = batch_files(batch)
        merged, documents = render_certificate_batch(
            pages,
            settings,
            workers=current_app.config.get("CERTIFICATE_WORKERS"),
            progress=lambda done: _set_progress(batch_id, done),
        )
        partial_pdf = merged_path.with_suffix(".pdf.part")
        partial_pdf.write_bytes(merged)
        partial_pdf.replace(merged_path)
        db.session.execute(
            update(CertificateBatch)
            .where(CertificateBatch.id == batch_id)
            .values(status="packing", progress_at=utcnow())
        )
        db.session.commit()

        partial_zip = zip_path.with_suffix(".zip.part")
        with zipfile.ZipFile(partial_zip, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            singles = (single for document in documents for single in pdf_files.split_pdf(document))
            for certificate, single in zip(certificates, singles, strict=True):
                archive.writestr(pdf_filename(certificate.recipient_name, certificate.serial), single)
                if send_mail and certificate.recipient_email and not certificate.revoked_at:
                    mail_certificate(certificate, single)
        partial_zip.replace(zip_path)
        batch = db.session.get(CertificateBatch, batch_id)
        batch.status = "done"
        batch.progress = len(certificates)
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - the organiser sees that the batch failed, the log says why
        db.session.rollback()
        current_app.logger.exception("certificate batch %s failed", batch_id)
        failure = f"{RENDERING_FAILED}{error.reason}" if isinstance(error, RenderingFailed) else type(error).__name__
        db.session.execute(
            update(CertificateBatch)
            .where(CertificateBatch.id == batch_id)
            .values(status="failed", error=f"{failure}: {error}"[:500])
        )
        db.session.commit()
        return
    # rendered in a request (CERTIFICATE_RENDERING "sync"): the request's own delivery sends them afterwards
    if send_mail and current_app.config["MAIL_DELIVERY"] != "cron" and not has_request_context():
        deliver_due_mail(limit=len(certificates) + 10)


def mail_certificate(certificate: Certificate, pdf: bytes) -> None:
    queue_templated_mail(
        certificate.recipient_email,
        "certificate",
        topic="certificate",
        registration_id=certificate.registration_id,
        certificate=certificate,
        verify_url=verification_url(certificate.code),
        attachments=[(pdf_filename(certificate.recipient_name, certificate.serial), "application/pdf", pdf)],
    )


def failure_message(batch: CertificateBatch) -> str | None:
    """Why the batch failed, for the organiser: a limit of the PDF renderer, or an error the log explains."""
    if batch.status != "failed":
        return None
    if batch.error and batch.error.startswith(RENDERING_FAILED):
        return RenderingFailed(batch.error[len(RENDERING_FAILED) :].split(":", 1)[0]).message
    return _("Ein Fehler ist aufgetreten; das Protokoll des Servers nennt ihn. Starten Sie die Erstellung neu.")


def recent_batches(limit: int = 30) -> list[CertificateBatch]:
    return db.session.scalars(select(CertificateBatch).order_by(CertificateBatch.id.desc()).limit(limit)).all()
