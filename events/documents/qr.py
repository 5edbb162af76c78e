"""QR codes: as PNG, as SVG paths (no script), or as a grid of modules for drawing them as vectors."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg

# Any of the eight mask patterns gives a valid, readable code; fixing one skips qrcode's trial of all eight,
# which is most of the time a code takes to make (certificates and mails make thousands).
MASK_PATTERN = 2


def _qr(data: str, **options) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=MASK_PATTERN, **options)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str, box_size: int = 8) -> bytes:
    image = _qr(data, box_size=box_size, border=4).make_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_modules(data: str) -> list[list[bool]]:
    """The QR code's modules, row by row (True is dark), without the quiet zone: for drawing it as vectors."""
    return _qr(data, border=0).get_matrix()


def qr_svg(data: str) -> str:
    """An SVG QR code (paths only, no script), for pages and PDFs."""
    image = _qr(data, image_factory=qrcode.image.svg.SvgPathImage).make_image()
    return image.to_string(encoding="unicode")
