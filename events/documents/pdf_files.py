"""Finishing, cutting and joining PDF files with pikepdf (qpdf): no layout here, only pages and their content.

`finish` draws a shared first page under every other page and QR codes into the boxes a layout left for them;
`split_pdf` cuts a document into one PDF per page, `merge_pdfs` joins documents.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import pikepdf

from events.documents.qr import qr_drawing, qr_modules

BACKGROUND = "/TreffpunktBackground"
POINTS_PER_PX = 0.75  # WeasyPrint's anchors are in CSS pixels, PDF coordinates in points
POINTS_PER_MM = 72 / 25.4


def keep_own_resources(page: pikepdf.Page) -> None:
    """Give a page its own resource dictionary with only what its content uses.

    WeasyPrint gives all pages of a document one resource dictionary; a page that is drawn elsewhere or saved on
    its own should not carry the others' resources along.
    """
    page.obj.Resources = pikepdf.Dictionary(
        {
            key: pikepdf.Dictionary(dict(value.items())) if isinstance(value, pikepdf.Dictionary) else value
            for key, value in page.obj.Resources.items()
        }
    )
    page.remove_unreferenced_resources()


def _wrap_contents(document: pikepdf.Pdf, page: pikepdf.Page, before: bytes | pikepdf.Stream, after: bytes) -> None:
    """Put drawing before and after a page's own content."""
    first = before if isinstance(before, pikepdf.Stream) else document.make_stream(before)
    contents = page.obj.Contents
    own = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    page.obj.Contents = pikepdf.Array([first, *own, document.make_stream(after)])


def finish(
    pdf: bytes,
    *,
    background_page: bool = False,
    qr_codes: dict[int, tuple[str, float, float]] | None = None,
    qr_size_mm: float = 22,
) -> bytes:
    """The PDF WeasyPrint wrote, finished.

    `background_page`: the first page (what all later pages share) becomes one form XObject drawn under every
    other page, then is dropped, so the shared part is laid out once per document and stored once.
    `qr_codes`: page index (in the PDF as written) -> (text, left, top) in CSS pixels from the top left corner:
    each code is drawn there as vectors, sharp at any size.
    """
    if not background_page and not qr_codes:
        return pdf
    size = qr_size_mm * POINTS_PER_MM
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = list(document.pages)
        background = None
        if background_page:
            keep_own_resources(pages[0])
            background = pages[0].as_form_xobject()
        shared_before = document.make_stream(f"q {BACKGROUND} Do Q q\n".encode()) if background is not None else None
        for index, page in enumerate(pages):
            if background is not None and index == 0:
                continue
            drawing = b""
            if qr_codes and index in qr_codes:
                text, left, top = qr_codes[index]
                height = float(page.mediabox[3])
                drawing = qr_drawing(qr_modules(text), left * POINTS_PER_PX, height - top * POINTS_PER_PX, size)
            if background is not None:
                resources = page.obj.Resources  # usually one dictionary for all pages, so this is mostly a no-op
                if pikepdf.Name.XObject not in resources:
                    resources[pikepdf.Name.XObject] = pikepdf.Dictionary()
                resources.XObject[BACKGROUND] = background
                # WeasyPrint's content does not restore the coordinate system it sets up, hence q before, Q after
                _wrap_contents(document, page, shared_before, b"Q\n" + drawing)
            elif drawing:
                _wrap_contents(document, page, b"q\n", b"Q\n" + drawing)
        if background is not None:
            del document.pages[0]
        if pikepdf.Name.Names in document.Root:
            del document.Root.Names  # the named destinations of the QR boxes' ids
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def split_pdf(pdf: bytes) -> list[bytes]:
    """Every page of a PDF as a PDF of its own (a few milliseconds a page)."""
    singles = []
    with pikepdf.open(io.BytesIO(pdf)) as source:
        for page in source.pages:
            keep_own_resources(page)
            single = pikepdf.new()
            single.pages.append(page)
            buffer = io.BytesIO()
            single.save(buffer)
            singles.append(buffer.getvalue())
    return singles


def merge_pdfs(documents: Iterable[bytes]) -> bytes:
    """One PDF with the pages of all documents, in order."""
    merged = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(document)) for document in documents]
    try:
        for source in sources:
            merged.pages.extend(source.pages)
        buffer = io.BytesIO()
        merged.save(buffer)
        return buffer.getvalue()
    finally:
        for source in sources:
            source.close()


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)
