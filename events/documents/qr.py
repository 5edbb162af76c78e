"""QR codes: as PNG (mails and tickets), as SVG (pages), as modules, and drawn as vectors into a PDF page."""

from __future__ import annotations

import io
from functools import cache

import qrcode
import qrcode.image.svg
from qrcode import base, util

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
    """The QR code's modules, row by row (True is dark), without the quiet zone: for drawing it as vectors.

    A text qrcode encodes as one run of bytes (a URL: every certificate's code) gets its codewords from
    `_byte_codewords`, the same numbers qrcode's own encoder computes bit by bit in about twice the time; qrcode
    places them and draws the rest, so the modules are the same."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=MASK_PATTERN, border=0)
    code.add_data(data)
    if len(code.data_list) == 1 and code.data_list[0].mode == util.MODE_8BIT_BYTE:
        version = _byte_version(len(code.data_list[0].data), code.error_correction)
        if version is not None:
            code.version = version
            code.data_cache = _byte_codewords(code.data_list[0].data, version, code.error_correction)
    code.make(fit=code.version is None)
    return code.get_matrix()


def _byte_version(length: int, error_correction: int) -> int | None:
    """The smallest version that holds `length` bytes in one segment (None: none does), as qrcode's best_fit."""
    for version in range(1, 41):
        bits = 4 + util.length_in_bits(util.MODE_8BIT_BYTE, version) + 8 * length
        if bits <= util.BIT_LIMIT_TABLE[error_correction][version]:
            return version
    return None


@cache
def _generator(count: int) -> tuple[int, ...]:
    """The Reed-Solomon generator polynomial with `count` error correction codewords (coefficients, highest first)."""
    polynomial = [1]
    for i in range(count):  # times (x + alpha^i)
        factor = base.gexp(i)
        polynomial = [
            a ^ (base.gexp(base.glog(b) + base.glog(factor)) if b else 0)
            for a, b in zip([*polynomial, 0], [0, *polynomial], strict=True)
        ]
    return tuple(polynomial)


def _byte_codewords(data: bytes, version: int, error_correction: int) -> list[int]:
    """Data and error correction codewords of `data` as one byte-mode segment, interleaved as qrcode's create_data
    returns them."""
    blocks = base.rs_blocks(version, error_correction)
    capacity = sum(block.data_count for block in blocks)
    length_bits = util.length_in_bits(util.MODE_8BIT_BYTE, version)
    value = ((util.MODE_8BIT_BYTE << length_bits) | len(data)) << 8 * len(data) | int.from_bytes(data, "big")
    bits = 4 + length_bits + 8 * len(data)
    ending = min(capacity * 8 - bits, 4)  # the terminator, then zeros to the end of the byte
    ending += -(bits + ending) % 8
    words = list((value << ending).to_bytes((bits + ending) // 8, "big"))
    words += [util.PAD0 if i % 2 == 0 else util.PAD1 for i in range(capacity - len(words))]
    exp, log = base.EXP_TABLE, base.LOG_TABLE
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        own = words[offset : offset + block.data_count]
        offset += block.data_count
        generator = [log[c] if c else None for c in _generator(block.total_count - block.data_count)[1:]]
        remainder = [0] * len(generator)
        for word in own:  # polynomial division by the generator, one codeword at a time
            factor = word ^ remainder[0]
            remainder = [*remainder[1:], 0]
            if factor:
                shift = log[factor]
                for i, g in enumerate(generator):
                    if g is not None:
                        remainder[i] ^= exp[(shift + g) % 255]
        data_blocks.append(own)
        ec_blocks.append(remainder)
    interleaved = []
    for parts in (data_blocks, ec_blocks):
        for i in range(max(len(part) for part in parts)):
            interleaved += [part[i] for part in parts if i < len(part)]
    return interleaved


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
