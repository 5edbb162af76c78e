"""QR codes: as PNG (mails and tickets), as SVG (pages), as modules, and drawn as vectors into a PDF page."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg

# Any of the eight mask patterns gives a valid, readable code; fixing one skips qrcode's trial of all eight,
# which is most of the time a code takes to make (certificates and mails make thousands).
MASK_PATTERN = 2
QUIET_ZONE = 4  # light modules around a code


def _qr(data: str, **options) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=MASK_PATTERN, **options)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str, box_size: int = 8) -> bytes:
    image = _qr(data, box_size=box_size, border=QUIET_ZONE).make_image()
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
