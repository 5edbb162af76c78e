"""The printed guideline as a background job: a click asks for the PDF of the guideline as it stands, the worker
renders it (4-8 s of CPU for some 100 pages) and keeps it in the file storage, the page offers it when it is ready.

A print is named by the hash of the HTML it is made from (tandems.printing), so asking again for an unchanged
guideline reuses the print, waiting or ready; any change to the guideline (a version, a state, a phase, the
sign-off, the programme's texts) makes a new one. The storage keeps only the newest print of a programme.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from events.core.storage import file_store
from events.core.types import utcnow
from events.documents.sandbox import RenderingFailed
from events.extensions import db
from events.tandems.models import GuidelinePrint, TandemProgramme
from events.tandems.printing import guideline_contents, guideline_html, render_guideline_pdf

AREA = "tandems"
WAITING, READY, FAILED = "waiting", "ready", "failed"
# a print waiting this long was lost with its worker (or none runs): asking again queues it anew
STALE_AFTER = timedelta(minutes=10)


def content_hash(programme: TandemProgramme) -> str:
    """The hash of the guideline's HTML as it stands: the name of its print."""
    return hashlib.sha256(guideline_html(guideline_contents(programme)).encode()).hexdigest()


@dataclass
class PrintState:
    state: str  # "none" (not asked for yet), WAITING, READY or FAILED
    print: GuidelinePrint | None
    failure: str | None = None  # the RenderingFailed reason or "changed"


def print_state(programme: TandemProgramme) -> PrintState:
    """Where the print of the guideline as it stands is: not asked for, waiting for the worker, ready, failed."""
    row = _row(programme.id, content_hash(programme))
    if row is None:
        return PrintState("none", None)
    if _lost(row) or (row.status == READY and not file_store().exists(AREA, row.file_name)):
        return PrintState("none", row)  # lost with its worker, or its file gone: the page offers to make it anew
    return PrintState(row.status, row, row.failure)


def _lost(row: GuidelinePrint, now=None) -> bool:
    return row.status == WAITING and (now or utcnow()) - row.requested_at >= STALE_AFTER


def _row(programme_id: int, digest: str) -> GuidelinePrint | None:
    return db.session.scalars(
        select(GuidelinePrint).where(GuidelinePrint.programme_id == programme_id, GuidelinePrint.content_hash == digest)
    ).first()


def request_print(programme: TandemProgramme) -> GuidelinePrint | None:
    """Ask for the PDF of the guideline as it stands: reuse its print when it is ready or under way, otherwise
    (new, failed, lost with a worker, or its file gone) queue the worker's render. Commits."""
    from events.tandems.tasks import render_guideline

    programme_id, digest = programme.id, content_hash(programme)
    row = _row(programme_id, digest)
    now = utcnow()
    under_way = row is not None and row.status == WAITING and not _lost(row, now)
    ready = row is not None and row.status == READY and file_store().exists(AREA, row.file_name)
    if under_way or ready:
        db.session.rollback()
        return row
    if row is None:
        row = GuidelinePrint(programme_id=programme_id, content_hash=digest)
        db.session.add(row)
    row.status, row.failure, row.requested_at, row.finished_at = WAITING, None, now, None
    try:
        db.session.flush()
    except IntegrityError:  # another request asked for the same print at the same moment: theirs is queued
        db.session.rollback()
        return _row(programme_id, digest)
    print_id = row.id
    db.session.commit()
    # after the commit, with no transaction open here: the worker (or, in tests, this very call) finds the row
    render_guideline(print_id)
    return db.session.get(GuidelinePrint, print_id)


def render_print(print_id: int) -> None:
    """The worker's part: render the PDF, keep it, mark the print ready (or failed, with the reason). Safe to run
    twice: a ready print is left alone.

    A print finishes as the current one only: when the guideline changed while it was rendered, it is marked failed
    ("changed") and its PDF is not kept. A ready print replaces only the prints asked for before it: one asked
    for later (of a newer text) is left alone, waiting or ready."""
    row = db.session.get(GuidelinePrint, print_id)
    if row is None or row.status == READY:
        return
    programme = db.session.get(TandemProgramme, row.programme_id)
    html = guideline_html(guideline_contents(programme))
    digest, name, programme_id, requested_at = row.content_hash, row.file_name, row.programme_id, row.requested_at
    db.session.commit()  # no transaction while rendering and writing the file (see core.storage)
    if hashlib.sha256(html.encode()).hexdigest() != digest:
        _finish(print_id, FAILED, "changed")  # the guideline changed since: the page offers to print it anew
        return
    try:
        pdf = render_guideline_pdf(html)
    except RenderingFailed as failure:
        _finish(print_id, FAILED, failure.reason)
        return
    if not _is_current(programme_id, digest):  # changed while rendering: a newer print is asked for, or will be
        _finish(print_id, FAILED, "changed")
        return
    store = file_store()
    store.write(AREA, name, pdf)
    older = db.session.scalars(
        select(GuidelinePrint).where(
            GuidelinePrint.programme_id == programme_id,
            GuidelinePrint.id != print_id,
            GuidelinePrint.requested_at <= requested_at,
        )
    ).all()
    names = [other.file_name for other in older]
    for other in older:
        db.session.delete(other)
    if not _finish(print_id, READY, None):  # replaced meanwhile by a newer print: its file is not kept either
        names.append(name)
    store.delete(AREA, names)  # only the newest print of a programme is kept


def _is_current(programme_id: int, digest: str) -> bool:
    """Whether the print of this hash is still that of the guideline as it stands (reads, then ends the read)."""
    current = content_hash(db.session.get(TandemProgramme, programme_id))
    db.session.commit()
    return current == digest


def _finish(print_id: int, status: str, failure: str | None) -> bool:
    """Note how the print ended and commit; False when its row is gone (a newer print replaced it)."""
    row = db.session.get(GuidelinePrint, print_id)
    if row is None:
        db.session.commit()
        return False
    row.status, row.failure, row.finished_at = status, failure, utcnow()
    db.session.commit()
    return True


def send_print(programme: TandemProgramme):
    """The response with the ready PDF of the guideline as it stands, or None when there is none ready."""
    state = print_state(programme)
    if state.state != READY or not file_store().exists(AREA, state.print.file_name):
        return None
    name = state.print.file_name
    return file_store().send(AREA, name, f"leitfaden-{programme.id}.pdf", "application/pdf")
