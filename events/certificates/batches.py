"""Certificate batches, rendered by the worker: one merged PDF, then a ZIP of single PDFs and the mails.

A batch is rendered in groups of at most GROUP_SIZE certificates (balanced for two rendering processes, see
group_size); each finished group is kept in the file store as soon as it is done. The worker that renders a batch
holds a lease on it (lease_until, renewed after every group). When the worker dies (kill -9, the OOM killer, a
deploy) the lease lapses, and the periodic job resume_batches hands the batch to the next free worker, which skips
the groups already kept and goes on where it stopped. Every step is safe to run twice: a kept group is not rendered
again, and nobody is mailed a certificate twice (a mail about it is already in the outbox).
"""

from __future__ import annotations

import io
import secrets
import zipfile
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from events.certificates.models import BatchStatus, Certificate, CertificateBatch
from events.certificates.pages import (
    document_settings,
    page_for,
    pdf_filename,
    render_certificate_groups,
    verification_url,
)
from events.certificates.wording import DEFAULT_ISSUER
from events.core.models import OutgoingMail
from events.core.outbox import about, queue_templated_mail
from events.core.storage import file_store
from events.core.types import utcnow
from events.documents import pdf_files
from events.documents.rendering import RenderingFailed, chunked, document_size
from events.extensions import db
from events.meetings.models import Event

AREA = "certificates"  # the file store's area for batch files
GROUP_SIZE = 125  # certificates rendered (one document each) and kept at a time: what a worker that dies loses at most
GROUP_BALANCE = 2  # groups are balanced for this many rendering processes (not the setting: a resumed run must cut
# the batch where the first run did)
ACTIVE = BatchStatus.ACTIVE
STUCK_AFTER = timedelta(minutes=5)  # without progress this long, no worker is taking the batch up
RENDERING_FAILED = "rendering:"  # how a failed render is noted in the batch's error


class LeaseLost(RuntimeError):
    """Another worker has taken the batch over (this one was too slow to renew its lease)."""


def lease_time() -> timedelta:
    return timedelta(seconds=current_app.config["CERTIFICATE_LEASE_SECONDS"])


# --- files -------------------------------------------------------------------------------------------------------


def _stem(batch: CertificateBatch) -> str:
    # the creation time makes the name unique even where ids are reused (a database restored or emptied)
    return f"batch-{batch.id}-{batch.created_at.strftime('%Y%m%d%H%M%S%f')}"


def batch_files(batch: CertificateBatch) -> tuple[str, str]:
    """The names of the batch's merged PDF and ZIP in the file store (area "certificates")."""
    stem = _stem(batch)
    return f"{stem}.pdf", f"{stem}.zip"


def group_size(count: int) -> int:
    """Certificates per group for a batch of `count`: at most GROUP_SIZE, in groups of equal size that keep both
    rendering processes busy until the end (1,000: eight groups of 125; 300: four of 75). Each group is one
    document, and each document costs about 0.1 s of set-up, so fewer, larger groups are cheaper: groups of 50
    cost 20 set-ups for 1,000 certificates where 125 cost eight."""
    return document_size(count, GROUP_BALANCE, GROUP_SIZE)


def _group_file(batch: CertificateBatch, size: int, index: int) -> str:
    # the group's size in the name: a group kept under another cut of the batch is never taken for this one
    return f"{_stem(batch)}-group-{size}-{index:04d}.pdf"


def files_ready(batch: CertificateBatch) -> tuple[bool, bool]:
    """Whether the merged PDF and the ZIP can be downloaded."""
    store = file_store()
    merged, archive = batch_files(batch)
    pdf = batch.status in {"packing", "done"} and store.exists(AREA, merged)
    return pdf, pdf and batch.status == BatchStatus.DONE and store.exists(AREA, archive)


# --- starting, and what the page says ----------------------------------------------------------------------------


def start_rendering(batch: CertificateBatch, send_mail: bool = False, wait: bool = False) -> None:
    """Hand the batch to the worker after committing it (wait: render it here and now, for the command line)."""
    from events.certificates.tasks import render_batch

    batch.status = BatchStatus.RENDERING
    batch.progress = 0
    batch.progress_at = utcnow()
    batch.error = None
    batch.send_mail = send_mail
    batch.lease_owner = batch.lease_until = None  # a worker still holding it loses it at its next renewal
    db.session.flush()
    batch_id = batch.id  # read before the commit: reading after it would open a new transaction
    db.session.commit()
    if wait:
        render_batch.call_local(batch_id)
    else:
        render_batch(batch_id)


def may_restart(batch: CertificateBatch, now: datetime | None = None) -> bool:
    """Whether the organiser may start the batch's rendering again: after it failed, or when it has not moved
    for STUCK_AFTER (a worker takes a batch up again by itself; this is for when none runs)."""
    if batch.status == BatchStatus.FAILED:
        return True
    if batch.status not in ACTIVE:
        return False
    return batch.progress_at is None or (now or utcnow()) - batch.progress_at > STUCK_AFTER


def batch_situation(batch: CertificateBatch, now: datetime | None = None) -> str | None:
    """What is happening to a batch being rendered, in words for the organiser (None: nothing to add)."""
    now = now or utcnow()
    if batch.status not in ACTIVE:
        return None
    if batch.lease_until is None:
        return _("Wartet auf den Hintergrunddienst; die Erstellung beginnt in Kürze.")
    if batch.lease_until < now:
        return _(
            "Die Erstellung wurde unterbrochen (der Hintergrunddienst wurde beendet). Sie wird in Kürze von selbst "
            "dort fortgesetzt, wo sie stand."
        )
    if batch.runs > 1:
        return _("Die Erstellung wird nach einer Unterbrechung fortgesetzt.")
    return None


# --- the worker's part -------------------------------------------------------------------------------------------


def _take_lease(batch_id: int, owner: str) -> bool:
    """Take the batch for this worker, unless another one holds a lease that has not lapsed."""
    now = utcnow()
    taken = db.session.execute(
        update(CertificateBatch)
        .where(
            CertificateBatch.id == batch_id,
            CertificateBatch.status.in_(ACTIVE),
            or_(CertificateBatch.lease_until.is_(None), CertificateBatch.lease_until < now),
        )
        .values(lease_owner=owner, lease_until=now + lease_time(), runs=CertificateBatch.runs + 1)
    ).rowcount
    db.session.commit()
    return taken == 1


def _renew_lease(batch_id: int, owner: str, **values) -> None:
    """Renew this worker's lease and record progress; LeaseLost when another worker has taken the batch."""
    now = utcnow()
    renewed = db.session.execute(
        update(CertificateBatch)
        .where(CertificateBatch.id == batch_id, CertificateBatch.lease_owner == owner)
        .values({"lease_until": now + lease_time(), "progress_at": now, **values})
    ).rowcount
    db.session.commit()
    if renewed != 1:
        raise LeaseLost(f"batch {batch_id} was taken over")


def render_batch_files(batch_id: int) -> None:
    """Render a batch (or the rest of it) into one merged PDF, then a ZIP of single PDFs; mail each recipient
    theirs when the batch says so. Does nothing while another worker holds the batch.

    The merged PDF (for printing) can be downloaded as soon as it is kept, while the batch is "packing":
    cutting it into single PDFs, zipping them and queueing the mails comes after it.
    """
    owner = secrets.token_hex(8)
    if not _take_lease(batch_id, owner):
        return
    try:
        _render(batch_id, owner)
    except LeaseLost:
        current_app.logger.warning("certificate batch %s was taken over by another worker", batch_id)
    except Exception as error:  # noqa: BLE001 - the organiser sees that the batch failed, the log says why
        db.session.rollback()
        current_app.logger.exception("certificate batch %s failed", batch_id)
        failure = f"{RENDERING_FAILED}{error.reason}" if isinstance(error, RenderingFailed) else type(error).__name__
        db.session.execute(
            update(CertificateBatch)
            .where(CertificateBatch.id == batch_id, CertificateBatch.lease_owner == owner)
            .values(status=BatchStatus.FAILED, error=f"{failure}: {error}"[:500], lease_until=None)
        )
        db.session.commit()


def _render(batch_id: int, owner: str) -> None:
    store = file_store()
    batch = db.session.get(CertificateBatch, batch_id)
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.batch_id == batch_id).order_by(Certificate.id)
    ).all()
    # everything rendering needs is read now: after the commit below nothing of the session is touched until the
    # next short write, so no transaction (on SQLite: no write lock) is held while rendering or packing
    settings = document_settings(batch, certificates[0].issuer if certificates else DEFAULT_ISSUER)
    pages = [page_for(c) for c in certificates]
    files = [pdf_filename(c.recipient_name, c.serial) for c in certificates]
    to_mail = [c.id for c in certificates if batch.send_mail and c.recipient_email and not c.revoked_at]
    status, merged_name, zip_name = batch.status, *batch_files(batch)
    size = group_size(len(pages))
    groups = chunked(pages, size)
    group_files = [_group_file(batch, size, index) for index in range(len(groups))]
    db.session.commit()

    if status == BatchStatus.RENDERING:
        # groups kept by an earlier run are not rendered again; the others render side by side (one process per
        # core), and each is kept, and the lease renewed, as soon as it is done
        missing = [index for index, name in enumerate(group_files) if not store.exists(AREA, name)]
        done = len(pages) - sum(len(groups[index]) for index in missing)
        workers = current_app.config.get("CERTIFICATE_WORKERS")
        rendered = render_certificate_groups([groups[index] for index in missing], settings, workers)
        for position, pdf in rendered:
            store.write(AREA, group_files[missing[position]], pdf)
            done += len(groups[missing[position]])
            _renew_lease(batch_id, owner, progress=done)
        if not missing:
            _renew_lease(batch_id, owner, progress=done)
        parts = [store.read(AREA, name) for name in group_files]
        store.write(AREA, merged_name, parts[0] if len(parts) == 1 else pdf_files.merge_pdfs(parts))
        _renew_lease(batch_id, owner, status=BatchStatus.PACKING)
    else:  # "packing": the merged PDF is kept; only the ZIP and the mails were left
        parts = [store.read(AREA, name) for name in group_files]

    singles = [single for part in parts for single in pdf_files.split_pdf(part)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for filename, single in zip(files, singles, strict=True):
            archive.writestr(filename, single)
    ids = [c.id for c in certificates]
    mailed = _queue_mails({ids[i]: singles[i] for i in range(len(ids)) if ids[i] in set(to_mail)})
    store.write(AREA, zip_name, buffer.getvalue())
    _renew_lease(batch_id, owner, status=BatchStatus.DONE, progress=len(pages), lease_until=None)
    store.delete(AREA, group_files)
    if mailed:
        from events.core.tasks import deliver_mail

        deliver_mail()


def _queue_mails(pdfs: dict[int, bytes]) -> int:
    """Queue each certificate's mail with its PDF, unless a mail about it is queued already (a run before this one
    died after queueing it); returns how many it queued. One short transaction."""
    if not pdfs:
        return 0
    mailed = set(
        db.session.scalars(
            select(OutgoingMail.about).where(
                OutgoingMail.topic == "certificate",
                OutgoingMail.about.in_([about("certificate", i) for i in pdfs]),
            )
        )
    )
    queued = 0
    for certificate in db.session.scalars(
        select(Certificate).where(Certificate.id.in_(list(pdfs))).order_by(Certificate.id)
    ):
        if about("certificate", certificate.id) not in mailed:
            mail_certificate(certificate, pdfs[certificate.id])
            queued += 1
    db.session.commit()  # the mails, before the ZIP and "done": a run after a crash finds them queued
    return queued


def mail_certificate(certificate: Certificate, pdf: bytes) -> None:
    queue_templated_mail(
        certificate.recipient_email,
        "certificate",
        topic="certificate",
        about=about("certificate", certificate.id),
        certificate=certificate,
        verify_url=verification_url(certificate.code),
        attachments=[(pdf_filename(certificate.recipient_name, certificate.serial), "application/pdf", pdf)],
        reply_to=_contact_of(certificate),  # answers reach the organisers, as for every mail about the event
    )


def _contact_of(certificate: Certificate) -> str | None:
    """The contact address of the certificate's event, if it has one."""
    if certificate.event_id is None:
        return None
    return db.session.scalar(select(Event.contact_email).where(Event.id == certificate.event_id))


def batches_to_resume() -> list[int]:
    """Batches a worker should take up: their lease has lapsed, or none took them up for a minute."""
    now = utcnow()
    return db.session.scalars(
        select(CertificateBatch.id).where(
            CertificateBatch.status.in_(ACTIVE),
            or_(
                CertificateBatch.lease_until < now,
                CertificateBatch.lease_until.is_(None) & (CertificateBatch.progress_at < now - timedelta(minutes=1)),
            ),
        )
    ).all()


def failure_message(batch: CertificateBatch) -> str | None:
    """Why the batch failed, for the organiser: a limit of the PDF renderer, or an error the log explains."""
    if batch.status != BatchStatus.FAILED:
        return None
    if batch.error and batch.error.startswith(RENDERING_FAILED):
        return RenderingFailed(batch.error[len(RENDERING_FAILED) :].split(":", 1)[0]).message
    return _("Ein Fehler ist aufgetreten; das Protokoll des Servers nennt ihn. Starten Sie die Erstellung neu.")


def recent_batches(limit: int = 30) -> list[CertificateBatch]:
    return db.session.scalars(select(CertificateBatch).order_by(CertificateBatch.id.desc()).limit(limit)).all()
