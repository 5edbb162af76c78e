"""Attachments of nominations: checked by the shared upload checks, kept in the shared file store (core.storage,
area "awards": a folder of the instance, or the database)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Response, abort

from events.awards.errors import AwardError
from events.awards.models import NominationDocument
from events.core.storage import file_store
from events.documents.uploads import JPEG_SIGNATURE, PNG_SIGNATURE, UploadRefused, check_image, check_pdf

AREA = "awards"
MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 12
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
MAX_IMAGE_PIXELS = 12_000  # a phone's photo of a poster is about 4,000 by 3,000


def clean_filename(name: str, content_type: str) -> str:
    stem = re.sub(r"[^\w.\- ]+", "_", Path(name or "").stem).strip(" ._")[:80] or "Anlage"
    return stem + EXTENSIONS[content_type]


def checked_upload(name: str, stream) -> tuple[str, str, bytes]:
    """(clean file name, content type, data) of an upload, checked by the shared upload checks (documents.uploads):
    a PDF that opens and is not encrypted, or an intact PNG or JPEG, each at most 10 MB; else AwardError."""
    data = stream.read(MAX_BYTES + 1)
    what = Path(name or "").name[:80] or "Anlage"
    try:
        if data[:1024].lstrip().startswith(b"%PDF-"):
            content_type, data = "application/pdf", check_pdf(data, what=what, max_bytes=MAX_BYTES)
        elif data.startswith((PNG_SIGNATURE, JPEG_SIGNATURE)):
            data, content_type = check_image(data, what=what, max_bytes=MAX_BYTES, max_pixels=MAX_IMAGE_PIXELS)
        elif not data:
            raise AwardError("file_empty")
        else:
            raise AwardError("file_type")
    except UploadRefused as refused:
        raise AwardError("upload_refused", reason=str(refused)) from None
    return clean_filename(name, content_type), content_type, data


def store_document(data: bytes) -> str:
    """Keep the bytes in the shared file store (area "awards"); returns the key to read them again. Call it outside
    a write transaction (the database store writes on a connection of its own)."""
    key = secrets.token_hex(20)
    file_store().write(AREA, key, data)
    return key


def forget_document(key: str) -> None:
    file_store().delete(AREA, [key])


def document_response(document: NominationDocument, filename: str) -> Response:
    """The file, under the address that names it (so that a browser saves it under its name)."""
    if filename != document.filename:
        abort(404)
    response = file_store().send(AREA, document.storage_key, document.filename, document.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
