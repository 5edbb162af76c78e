"""Turning certificates into PDF pages: a sandboxed Jinja template, WeasyPrint, and batches split over processes.

Everything here works on plain values (dicts of strings), never on database objects, so the same functions run
in the web process, in a background thread and in the worker processes of a batch. Nothing a template refers to
is fetched from outside: the URL fetcher accepts only `data:` URLs (the logo is passed that way; QR codes are
drawn into the finished PDF as vectors).
"""

from __future__ import annotations

import base64
import io
import math
import multiprocessing
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

PDF_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "pdf"
DESIGNS = ("classic", "modern")
PAGES_PER_DOCUMENT = 125  # one WeasyPrint document lays out this many certificates at most
SMALL_BATCH = 40  # up to this many pages are rendered in the calling process, without worker processes

_environment: SandboxedEnvironment | None = None


class RenderingRefused(ValueError):
    """The template referred to something outside the sandbox."""


def pdf_environment() -> SandboxedEnvironment:
    """A sandboxed Jinja environment over templates/pdf only, with autoescaping and no undefined values."""
    global _environment
    if _environment is None:
        _environment = SandboxedEnvironment(
            loader=FileSystemLoader(str(PDF_TEMPLATES)),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _environment


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """Fetch `data:` URLs only; file://, http(s):// and everything else is refused."""

        def fetch(self, url, headers=None):
            if not url.lower().startswith("data:"):
                raise RenderingRefused(f"refused to fetch {url[:80]!r}: only data: URLs are allowed")
            return super().fetch(url, headers)

    return DataOnlyFetcher


def data_url(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def certificate_html(pages: list[dict], settings: dict) -> str:
    """The HTML for a document of certificate pages; `settings` holds the design and what the batch shares."""
    design = settings.get("design") if settings.get("design") in DESIGNS else DESIGNS[0]
    return (
        pdf_environment()
        .get_template("certificate.html")
        .render({**settings, "design": design, "pages": pages, "qr_size_mm": QR_SIZE_MM})
    )


def render_pdf(pages: list[dict], settings: dict) -> bytes:
    """One PDF document with one A4 page per certificate, each with the QR code of its `verify_url`."""
    from weasyprint import HTML

    from events.documents.qr import qr_modules

    html = certificate_html(pages, settings)
    # base_url is a data: URL, so even a relative reference cannot reach the file system
    document = HTML(
        string=html, base_url="data:text/html,", url_fetcher=_fetcher_class()(allowed_protocols={"data"})
    ).render()
    # the template leaves an empty box for each QR code; its place on the page comes from the layout
    places = [layout.anchors[f"qr-{number}"][:2] for number, layout in enumerate(document.pages[1:], start=1)]
    codes = [qr_modules(page["verify_url"]) for page in pages]
    return _finish(document.write_pdf(pdf_variant=None, uncompressed_pdf=False), codes, places)


BACKGROUND = "/TreffpunktBackground"
QR_SIZE_MM = 22
QUIET_ZONE = 4  # light modules around a QR code


def _keep_own_resources(page) -> None:
    """Give a page its own resource dictionary with only what its content uses.

    WeasyPrint gives all pages of a document one resource dictionary; a page that is drawn elsewhere or saved on
    its own should not carry the others' resources along.
    """
    import pikepdf

    page.obj.Resources = pikepdf.Dictionary(
        {
            key: pikepdf.Dictionary(dict(value.items())) if isinstance(value, pikepdf.Dictionary) else value
            for key, value in page.obj.Resources.items()
        }
    )
    page.remove_unreferenced_resources()


def qr_drawing(modules: list[list[bool]], left: float, top: float, size: float) -> bytes:
    """PDF drawing operators for a QR code with its quiet zone, as a white square with black squares on it.

    `left` and `top` are the corner of the square in PDF points (y up); vectors stay sharp at any size.
    """
    unit = size / (len(modules) + 2 * QUIET_ZONE)
    parts = [
        f"q 1 g {left:.3f} {top - size:.3f} {size:.3f} {size:.3f} re f",
        f"{unit:.5f} 0 0 {-unit:.5f} {left + QUIET_ZONE * unit:.3f} {top - QUIET_ZONE * unit:.3f} cm 0 g",
    ]
    for row, cells in enumerate(modules):
        column, width = 0, len(cells)
        while column < width:
            if cells[column]:
                start = column
                while column < width and cells[column]:
                    column += 1
                parts.append(f"{start} {row} {column - start} 1 re")
            column += 1
    parts.append("f Q\n")
    return "\n".join(parts).encode()


def _finish(pdf: bytes, codes: list[list[list[bool]]], places: list[tuple[float, float]]) -> bytes:
    """Draw the document's first page (what all its certificates share) under every other page, then drop it;
    draw each certificate's QR code into the box the layout left for it.

    The first page becomes one form XObject that every page draws before its own content, so the shared part is
    laid out once per document and stored once (see templates/pdf/certificate.html).
    """
    import pikepdf

    px = 0.75  # points per CSS pixel
    size = QR_SIZE_MM / 25.4 * 72
    with pikepdf.open(io.BytesIO(pdf)) as document:
        background = document.pages[0]
        _keep_own_resources(background)
        form = background.as_form_xobject()
        # WeasyPrint's content does not restore the coordinate system it sets up, hence q before and Q after it
        before = document.make_stream(f"q {BACKGROUND} Do Q q\n".encode())
        for page, modules, (x, y) in zip(document.pages[1:], codes, places, strict=True):
            resources = page.obj.Resources  # usually one dictionary for all pages, so this is mostly a no-op
            if pikepdf.Name.XObject not in resources:
                resources[pikepdf.Name.XObject] = pikepdf.Dictionary()
            resources.XObject[BACKGROUND] = form
            height = float(page.mediabox[3])
            after = document.make_stream(b"Q\n" + qr_drawing(modules, x * px, height - y * px, size))
            contents = page.obj.Contents
            own = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            page.obj.Contents = pikepdf.Array([before, *own, after])
        del document.pages[0]
        if pikepdf.Name.Names in document.Root:
            del document.Root.Names  # the named destinations of the QR boxes' ids
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def split_pdf(pdf: bytes) -> list[bytes]:
    """Every page of a PDF as a PDF of its own (qpdf through pikepdf: a few milliseconds a page)."""
    import pikepdf

    singles = []
    with pikepdf.open(io.BytesIO(pdf)) as source:
        for page in source.pages:
            _keep_own_resources(page)
            single = pikepdf.new()
            single.pages.append(page)
            buffer = io.BytesIO()
            single.save(buffer)
            singles.append(buffer.getvalue())
    return singles


def merge_pdfs(documents: Iterable[bytes]) -> bytes:
    import pikepdf

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


def _exit_with_parent(parent_pid: int) -> None:
    """In a rendering process: stop when the process that started it is gone (e.g. a web worker was killed)."""
    import threading
    import time

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def chunked(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def worker_count() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def render_batch(
    pages: list[dict], settings: dict, workers: int | None = None, progress: Callable[[int], None] | None = None
) -> tuple[bytes, list[bytes]]:
    """Render many certificates: the merged PDF with the pages in the given order, and the documents it was
    merged from (in the same order), which `split_pdf` turns into single PDFs.

    Pages are laid out many to a document (per-document set-up dominates WeasyPrint's time for single pages);
    larger batches are cut into chunks that worker processes render side by side. `progress` is called with the
    number of pages done so far.
    """
    workers = workers or worker_count()
    done = 0

    def finished(chunk: list[dict]) -> None:
        nonlocal done
        done += len(chunk)
        if progress:
            progress(done)

    if len(pages) <= SMALL_BATCH or workers == 1:
        chunks = chunked(pages, PAGES_PER_DOCUMENT)
        documents = []
        for chunk in chunks:
            documents.append(render_pdf(chunk, settings))
            finished(chunk)
    else:
        chunks = chunked(pages, min(PAGES_PER_DOCUMENT, math.ceil(len(pages) / workers)))
        documents = [b""] * len(chunks)
        # spawn, not fork: the caller may be a thread of a web worker holding database connections and locks
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)
        ) as pool:
            futures = {pool.submit(render_pdf, chunk, settings): i for i, chunk in enumerate(chunks)}
            for future in as_completed(futures):
                index = futures[future]
                documents[index] = future.result()
                finished(chunks[index])
    return (documents[0] if len(documents) == 1 else merge_pdfs(documents)), documents


_UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def pdf_filename(name: str, serial: str) -> str:
    """A file name for one person's certificate: their name (umlauts kept) and the serial."""
    cleaned = _UNSAFE_IN_FILENAME.sub(" ", name).strip(" .")[:80].strip() or "Urkunde"
    return f"{cleaned} ({serial}).pdf"


class PreviewUnavailable(RuntimeError):
    """pdftoppm (Debian poppler-utils) is not installed."""


def pdf_page_png(pdf: bytes, resolution: int = 60) -> bytes:
    """The first page of a PDF as PNG, drawn by poppler's pdftoppm."""
    program = shutil.which("pdftoppm")
    if not program:
        raise PreviewUnavailable("pdftoppm is not installed (Debian package poppler-utils)")
    result = subprocess.run(
        [program, "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return result.stdout
