"""Checks of uploaded files: what they are is read from their content, never from their name or the browser's
word, and each kind has a size limit.

- `check_image`: PNG or JPEG, opened and verified by Pillow, within a byte and a pixel limit.
- `check_svg`: an SVG parsed and rebuilt from an allow-list (see `svg`).
- `check_logo`: a PNG or an SVG, for certificates, award records and guidelines.
- `check_pdf`: a PDF that opens (pikepdf, in a bounded process), is not encrypted and has a limited number of pages.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from events.documents.sandbox import Limits, RenderingFailed, run_bounded
from events.documents.svg import SvgRefused, clean_svg

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4000
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_PDF_BYTES = 8 * 1024 * 1024
MAX_PDF_PAGES = 200
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


class UploadRefused(ValueError):
    """An uploaded file is refused; the message says why and is shown as it is."""


def _refuse_empty_or_large(data: bytes, max_bytes: int, what: str) -> None:
    if not data:
        raise UploadRefused(_("Die Datei „%(what)s“ ist leer.", what=what))
    if len(data) > max_bytes:
        raise UploadRefused(
            _("Die Datei „%(what)s“ ist zu groß (höchstens %(size)d KB).", what=what, size=max_bytes // 1024)
        )


def check_image(
    data: bytes,
    *,
    what: str,
    max_bytes: int = MAX_IMAGE_BYTES,
    max_pixels: int = MAX_LOGO_PIXELS,
    formats: tuple[str, ...] = ("PNG", "JPEG"),
) -> tuple[bytes, str]:
    """The image and its content type, if its content is one of the formats, intact and within the limits."""
    _refuse_empty_or_large(data, max_bytes, what)
    if not (data.startswith(PNG_SIGNATURE) or data.startswith(JPEG_SIGNATURE)):
        raise UploadRefused(_("Die Datei „%(what)s“ ist kein Bild im erlaubten Format.", what=what))
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(_("Die Bilddatei „%(what)s“ ist beschädigt.", what=what)) from None
    if kind not in formats:
        raise UploadRefused(_("Die Datei „%(what)s“ ist kein Bild im erlaubten Format.", what=what))
    if width > max_pixels or height > max_pixels:
        raise UploadRefused(
            _(
                "Das Bild „%(what)s“ ist zu groß (höchstens %(pixels)d Pixel breit und hoch).",
                what=what,
                pixels=max_pixels,
            )
        )
    return data, IMAGE_TYPES[kind]


def looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--"))


def check_svg(data: bytes, *, what: str, max_bytes: int = MAX_LOGO_BYTES) -> bytes:
    """The SVG rebuilt from what is allowed; UploadRefused when it is active, refers outside or is too large."""
    _refuse_empty_or_large(data, max_bytes, what)
    try:
        return clean_svg(data)
    except SvgRefused as refusal:
        raise UploadRefused(str(refusal)) from None


def check_logo(data: bytes) -> tuple[bytes, str]:
    """A logo or seal: a PNG no larger than MAX_LOGO_PIXELS, or an SVG as check_svg leaves it."""
    what = _("Logo")
    if not data:
        raise UploadRefused(_("Die Logo-Datei ist leer."))
    if len(data) > MAX_LOGO_BYTES:
        raise UploadRefused(_("Das Logo ist zu groß (höchstens %(size)d KB).", size=MAX_LOGO_BYTES // 1024))
    if data.startswith(PNG_SIGNATURE):
        return check_image(data, what=what, max_bytes=MAX_LOGO_BYTES, formats=("PNG",))
    if looks_like_svg(data):
        return check_svg(data, what=what), "image/svg+xml"
    raise UploadRefused(_("Das Logo muss eine PNG- oder SVG-Datei sein."))


def _pdf_facts(data: bytes) -> tuple[int, bool]:
    """In a bounded process: (pages, encrypted) of a PDF; raises when it does not open."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as document:
            return len(document.pages), False
    except pikepdf.PasswordError:
        return 0, True


def check_pdf(data: bytes, *, what: str, max_bytes: int = MAX_PDF_BYTES, max_pages: int = MAX_PDF_PAGES) -> bytes:
    """The PDF, if it is one by its content, opens without a password and has at most max_pages pages."""
    _refuse_empty_or_large(data, max_bytes, what)
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise UploadRefused(_("Die Datei „%(what)s“ ist keine PDF-Datei.", what=what))
    try:
        pages, encrypted = run_bounded(_pdf_facts, data, limits=Limits.from_settings())
    except RenderingFailed:
        raise UploadRefused(_("Die PDF-Datei „%(what)s“ ist beschädigt oder zu aufwendig.", what=what)) from None
    if encrypted:
        raise UploadRefused(_("Die PDF-Datei „%(what)s“ ist mit einem Kennwort geschützt.", what=what))
    if pages > max_pages:
        raise UploadRefused(_("Die PDF-Datei „%(what)s“ hat mehr als %(pages)d Seiten.", what=what, pages=max_pages))
    return data
