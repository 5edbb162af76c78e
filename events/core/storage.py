"""Generated and uploaded files (certificate batches, the mail archive, award attachments, printed tandem
guidelines): one small interface, two places to keep them.

FILE_STORAGE chooses the place: "folder" (the default) keeps each area's files in a folder of the instance
(MAIL_FOLDER for "mail", CERTIFICATE_FOLDER for "certificates"); "database" keeps them in the table stored_files,
so every app machine that shares the database can serve a file another machine's worker wrote. Files are written
whole and replaced atomically; a reader sees the old file or the new one, never half of one.

The database store writes on a connection of its own, not in the caller's session: a file exists once written,
whatever the caller's transaction does. Call it outside a write transaction (on SQLite the two would wait for
each other).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Protocol

from flask import Flask, abort, current_app, send_file
from sqlalchemy import delete, insert, select

from events.core.models import StoredFile
from events.core.types import utcnow
from events.extensions import db

AREAS = ("certificates", "mail", "awards", "tandems", "ceremonies")


class FileStore(Protocol):
    def write(self, area: str, name: str, data: bytes) -> None: ...

    def read(self, area: str, name: str) -> bytes | None: ...

    def exists(self, area: str, name: str) -> bool: ...

    def delete(self, area: str, names: list[str]) -> None: ...

    def send(self, area: str, name: str, download_name: str, mimetype: str, as_attachment: bool = True): ...

    def describe(self, area: str, name: str) -> str: ...


def _checked(area: str, name: str) -> str:
    if area not in AREAS:
        raise ValueError(f"unknown storage area {area!r}")
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a plain file name: {name!r}")
    return name


class FolderStore:
    """Files in a folder per area, on this machine's disk (one machine, or a folder every machine mounts)."""

    def __init__(self, folders: dict[str, Path]):
        self.folders = folders

    def path(self, area: str, name: str) -> Path:
        return self.folders[area] / _checked(area, name)

    def write(self, area: str, name: str, data: bytes) -> None:
        path = self.path(area, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)

    def read(self, area: str, name: str) -> bytes | None:
        path = self.path(area, name)
        return path.read_bytes() if path.is_file() else None

    def exists(self, area: str, name: str) -> bool:
        return self.path(area, name).is_file()

    def delete(self, area: str, names: list[str]) -> None:
        for name in names:
            self.path(area, name).unlink(missing_ok=True)

    def send(self, area: str, name: str, download_name: str, mimetype: str, as_attachment: bool = True):
        path = self.path(area, name)
        if not path.is_file():
            abort(404)
        return send_file(path, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name)

    def describe(self, area: str, name: str) -> str:
        return str(self.path(area, name))


class DatabaseStore:
    """Files as rows of stored_files, so that every app machine reaches them through the shared database."""

    def write(self, area: str, name: str, data: bytes) -> None:
        _checked(area, name)
        with db.engine.begin() as connection:  # one transaction: the old row goes, the new one comes
            connection.execute(delete(StoredFile).where(StoredFile.area == area, StoredFile.name == name))
            connection.execute(
                insert(StoredFile).values(area=area, name=name, data=data, size=len(data), created_at=utcnow())
            )

    def read(self, area: str, name: str) -> bytes | None:
        with db.engine.connect() as connection:
            return connection.scalar(
                select(StoredFile.data).where(StoredFile.area == area, StoredFile.name == _checked(area, name))
            )

    def exists(self, area: str, name: str) -> bool:
        with db.engine.connect() as connection:
            found = connection.scalar(
                select(StoredFile.size).where(StoredFile.area == area, StoredFile.name == _checked(area, name))
            )
        return found is not None

    def delete(self, area: str, names: list[str]) -> None:
        if not names:
            return
        with db.engine.begin() as connection:
            connection.execute(delete(StoredFile).where(StoredFile.area == area, StoredFile.name.in_(names)))

    def send(self, area: str, name: str, download_name: str, mimetype: str, as_attachment: bool = True):
        data = self.read(area, name)
        if data is None:
            abort(404)
        return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=as_attachment, download_name=download_name)

    def describe(self, area: str, name: str) -> str:
        return f"in the database (stored_files: {area}/{name})"


def _folders(app: Flask) -> dict[str, Path]:
    instance = Path(app.instance_path)
    return {
        "mail": Path(app.config.get("MAIL_FOLDER") or instance / "mail"),
        "certificates": Path(app.config.get("CERTIFICATE_FOLDER") or instance / "certificates"),
        "awards": Path(app.config.get("AWARD_DOCUMENTS_FOLDER") or instance / "award_documents"),
        "tandems": instance / "tandems",  # the printed guidelines
        "ceremonies": Path(app.config.get("CEREMONY_DOCUMENTS_FOLDER") or instance / "ceremony_documents"),
    }


def file_store() -> FileStore:
    """The store FILE_STORAGE names, for the current app."""
    kind = current_app.config.get("FILE_STORAGE", "folder")
    if kind == "database":
        return DatabaseStore()
    if kind == "folder":
        return FolderStore(_folders(current_app))
    raise ValueError(f"FILE_STORAGE: unknown store {kind!r} (folder or database)")
