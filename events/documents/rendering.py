"""One PDF renderer for every document: a template name and plain values in, PDF bytes out.

- The HTML comes from a sandboxed Jinja environment over `templates/pdf` only, with autoescaping and no
  undefined values; templates get plain values (strings, numbers, lists, dicts), never database objects.
- WeasyPrint runs in a child process within CPU-time, memory and wall-clock limits (`sandbox`); a render that
  hits one raises `RenderingFailed`, whose `message` callers show.
- Nothing a template refers to is fetched from outside: the URL fetcher opens `data:` URLs only, and the base
  URL is a data: URL, so not even a relative reference reaches the file system. Fonts are embedded (subsets).
- QR codes are drawn into the finished PDF as vectors, in boxes the template leaves for them (`qr_box`).

`render_pdf` makes one document; `render_many` lays out many items (certificates, badges, records) many to a
document, several documents side by side, and returns the merged PDF and the documents it merged.
"""

from __future__ import annotations

import base64
import math
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from flask import has_app_context
from flask_babel import get_locale, gettext, ngettext
from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from events.documents import pdf_files
from events.documents.layout_speedups import faster_layout
from events.documents.sandbox import WARM_UP_MODULES, Limits, RenderingFailed, apply_limits, run_bounded

PDF_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "pdf"
ITEMS_PER_DOCUMENT = 125  # one WeasyPrint document lays out this many items at most
MIN_ITEMS_PER_DOCUMENT = 20  # fewer items are not split across workers
BASE_URL = "data:text/html,"

__all__ = ["RenderingFailed", "data_url", "document_html", "render_documents", "render_many", "render_pdf"]

_environment: SandboxedEnvironment | None = None
_font_config = None  # one WeasyPrint font configuration per process (see font_configuration)
# Documents the fork server of the rendering processes lays out once before it forks (see warm_up_with).
WARM_UP_DOCUMENTS: list[tuple[str, dict, dict]] = []


class RefusedURL(ValueError):
    """A template asked for something other than a data: URL."""


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


def document_html(template: str, values: dict) -> str:
    """The template filled with the values; `_`, `ngettext` and `current_locale` speak the current language."""
    language = str(get_locale() or "de") if has_app_context() else "de"
    helpers = {"_": gettext, "ngettext": ngettext, "current_locale": language} if has_app_context() else {}
    return pdf_environment().get_template(template).render({**helpers, **values})


def data_url(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def data_only_fetcher():
    """A WeasyPrint URL fetcher that opens data: URLs and refuses file://, http(s):// and everything else."""
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.lower().startswith("data:"):
                raise RefusedURL(f"refused to fetch {url[:80]!r}: only data: URLs are allowed")
            return super().fetch(url, headers)

    return DataOnlyFetcher(allowed_protocols={"data"}, timeout=1)


def font_configuration():
    """The process's WeasyPrint font configuration, made once: every document laid out with a new one loaded the
    fonts into a new Pango font map and shaped its first lines cold again (about 15 ms a document in one process,
    more in a forked render). Made in the fork server's warm-up, every render inherits it with the fonts loaded.
    The templates declare no @font-face, so documents do not add to it."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def layout_to_pdf(html: str, qr_codes: Sequence[str] = (), qr_size_mm: float = 22, background_page=False) -> bytes:
    """WeasyPrint and the finishing, in the calling process (the child of `render_pdf`; and the fork server's
    warm-up). QR code n (from 1) is drawn into the box with the id `qr-<n>`."""
    from weasyprint import HTML

    with faster_layout(html):
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=data_only_fetcher()).render(
            font_config=font_configuration()
        )
    anchors = {}  # name -> (page index, left, top), the first page with that name
    for index, page in enumerate(document.pages):
        for name, (left, top, *_) in page.anchors.items():
            anchors.setdefault(name, (index, left, top))
    places = {}
    for number, text in enumerate(qr_codes, start=1):
        if f"qr-{number}" in anchors:
            index, left, top = anchors[f"qr-{number}"]
            places[index] = (text, left, top)
    pdf = document.write_pdf(pdf_variant=None, uncompressed_pdf=False)
    return pdf_files.finish(pdf, background_page=background_page, qr_codes=places, qr_size_mm=qr_size_mm)


def render_pdf(
    template: str,
    values: dict,
    *,
    qr_codes: Sequence[str] = (),
    qr_size_mm: float = 22,
    background_page: bool = False,
    limits: Limits | None = None,
) -> bytes:
    """One PDF document from a template in templates/pdf and plain values, rendered within the limits.

    `qr_codes`: texts drawn as QR codes into the template's boxes `qr-1`, `qr-2` ... (`qr_size_mm` square).
    `background_page`: the document's first page holds what all later pages share; it is drawn under each of
    them and dropped (laid out and stored once). Raises RenderingFailed.
    """
    html = document_html(template, values)
    return run_bounded(layout_to_pdf, html, tuple(qr_codes), qr_size_mm, background_page, limits=limits)


def warm_up_with(module: str, template: str, values: dict, **options) -> None:
    """Have the fork server of the rendering processes lay this document out once before it forks, so that the
    fonts, hyphenation patterns and styles the template needs are loaded in every render's process already (the
    first certificate of a process took about ten times as long as the next). Call it when `module` (the
    caller's __name__) is imported; values and options as render_pdf takes them, without translations."""
    WARM_UP_DOCUMENTS.append((template, values, options))
    if module not in WARM_UP_MODULES:
        WARM_UP_MODULES.append(module)


def chunked(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def document_size(count: int, workers: int, per_document: int = ITEMS_PER_DOCUMENT) -> int:
    """How many of `count` items to lay out per document: at most `per_document`, in a number of documents that
    keeps every worker busy until the end (300 items on two workers: four documents of 75, not 125, 125 and 50),
    and no document smaller than MIN_ITEMS_PER_DOCUMENT, whose set-up would cost more than the second core gains."""
    documents = math.ceil(count / per_document)
    documents += -documents % workers  # a multiple of the workers
    documents = max(1, min(documents, count // MIN_ITEMS_PER_DOCUMENT))
    return max(1, min(per_document, math.ceil(count / documents)))


def render_many(
    template: str,
    shared: dict,
    items: list[dict],
    *,
    items_key: str = "items",
    qr_key: str | None = None,
    qr_size_mm: float = 22,
    background_page: bool = False,
    workers: int = 2,
    per_document: int = ITEMS_PER_DOCUMENT,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, list[bytes]]:
    """Many items in one merged PDF, in the given order, and the documents it was merged from (same order).

    The template gets the shared values and a list of items under `items_key`, at most `per_document` at a
    time (WeasyPrint's set-up dominates a one-page document); up to `workers` documents render side by side,
    each in its own bounded process. `qr_key` names the item value drawn as QR code n into box `qr-<n>` of its
    document. `progress` is called (in the calling thread) with the number of items done. The first document
    that fails stops the rest and raises RenderingFailed.
    """
    workers = max(1, workers)
    chunks = chunked(items, document_size(len(items), workers, per_document)) or [[]]
    documents: list[bytes] = [b""] * len(chunks)
    done = 0
    options = {"items_key": items_key, "qr_key": qr_key, "qr_size_mm": qr_size_mm, "background_page": background_page}
    for index, pdf in render_documents(template, shared, chunks, workers=workers, **options):
        documents[index] = pdf
        done += len(chunks[index])
        if progress:
            progress(done)
    merged = documents[0] if len(documents) == 1 else pdf_files.merge_pdfs(documents)
    return merged, documents


def render_documents(
    template: str,
    shared: dict,
    chunks: list[list[dict]],
    *,
    items_key: str = "items",
    qr_key: str | None = None,
    qr_size_mm: float = 22,
    background_page: bool = False,
    workers: int = 2,
) -> Iterator[tuple[int, bytes]]:
    """One document per chunk of items, up to `workers` side by side (each in its own bounded process); yields
    (index of the chunk, PDF) as each is done, in the order they finish, so that the caller can keep each one
    while the others still render. The first document that fails stops the rest and raises RenderingFailed."""
    limits = Limits.from_settings()
    htmls = [document_html(template, {**shared, items_key: chunk}) for chunk in chunks]
    codes = [tuple(item[qr_key] for item in chunk) if qr_key else () for chunk in chunks]
    if not chunks:
        return
    with ThreadPoolExecutor(max_workers=min(max(1, workers), len(chunks))) as pool:
        futures = {
            pool.submit(run_bounded, layout_to_pdf, html, code, qr_size_mm, background_page, limits=limits): index
            for index, (html, code) in enumerate(zip(htmls, codes, strict=True))
        }
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=futures.get):
                    if future.exception() is not None:
                        raise future.exception()
                    yield futures[future], future.result()
        finally:
            for other in pending:  # a failure, or a caller that stopped early: what has not begun does not begin
                other.cancel()


class PreviewUnavailable(RuntimeError):
    """pdftoppm (Debian poppler-utils) is not installed."""


def pdf_page_png(pdf: bytes, resolution: int = 60) -> bytes:
    """The first page of a PDF as PNG, drawn by poppler's pdftoppm within the rendering limits."""
    program = shutil.which("pdftoppm")
    if not program:
        raise PreviewUnavailable("pdftoppm is not installed (Debian package poppler-utils)")
    limits = Limits.from_settings()
    try:
        result = subprocess.run(
            [program, "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile", "-"],
            input=pdf,
            capture_output=True,
            check=True,
            timeout=limits.timeout_seconds,
            preexec_fn=lambda: apply_limits(limits),  # noqa: PLW1509 - only setrlimit, no locks taken
        )
    except subprocess.TimeoutExpired:
        raise RenderingFailed("time", "pdftoppm") from None
    except subprocess.CalledProcessError as error:
        raise RenderingFailed("failed", f"pdftoppm exit code {error.returncode}") from None
    return result.stdout


_UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(name: str, fallback: str) -> str:
    """A file name part from a person's name (umlauts kept), without characters file systems refuse."""
    return _UNSAFE_IN_FILENAME.sub(" ", name).strip(" .")[:80].strip() or fallback
