"""Attachments of nominations: checked by their first bytes and size, kept in a folder of the instance.

The folder stands in for the shared file storage until the service has one; only store_document and
document_bytes know where the files are.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Response, abort, current_app

from events.awards.errors import AwardError
from events.awards.models import NominationDocument

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 12
# What a file's first bytes must be, by the content type it is stored and served as.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def _folder() -> Path:
    folder = Path(
        current_app.config.get("AWARD_DOCUMENTS_FOLDER") or Path(current_app.instance_path) / "award_documents"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def content_type_of(data: bytes) -> str | None:
    """The content type the file's first bytes prove, or None (whatever its name or the browser claim)."""
    for content_type, signatures in SIGNATURES.items():
        if data.startswith(signatures):
            return content_type
    return None


def clean_filename(name: str, content_type: str) -> str:
    stem = re.sub(r"[^\w.\- ]+", "_", Path(name or "").stem).strip(" ._")[:80] or "Anlage"
    return stem + EXTENSIONS[content_type]


def checked_upload(name: str, stream) -> tuple[str, str, bytes]:
    """(clean file name, content type, data) of an upload, or AwardError (empty, too big, not PDF/JPEG/PNG)."""
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise AwardError("file_empty")
    if len(data) > MAX_BYTES:
        raise AwardError("file_size", megabytes=MAX_BYTES // (1024 * 1024))
    content_type = content_type_of(data)
    if content_type is None:
        raise AwardError("file_type")
    return clean_filename(name, content_type), content_type, data


def store_document(data: bytes) -> str:
    """Keep the bytes; returns the key to read them again."""
    key = secrets.token_hex(20)
    (_folder() / key).write_bytes(data)
    return key


def document_bytes(key: str) -> bytes:
    if not re.fullmatch(r"[0-9a-f]{40}", key):
        raise FileNotFoundError(key)
    return (_folder() / key).read_bytes()


def forget_document(key: str) -> None:
    if re.fullmatch(r"[0-9a-f]{40}", key):
        (_folder() / key).unlink(missing_ok=True)


def document_response(document: NominationDocument, filename: str) -> Response:
    """The file, under the address that names it (so that a browser saves it under its name)."""
    if filename != document.filename:
        abort(404)
    try:
        data = document_bytes(document.storage_key)
    except FileNotFoundError:
        abort(404)
    response = Response(data, mimetype=document.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
