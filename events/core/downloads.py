"""A file as the answer to a request: the browser saves it under its name (or, inline, shows it)."""

from __future__ import annotations

from flask import Response

CSV = "text/csv"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(data: bytes | str, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """The file with its type and name; `inline` asks the browser to show it rather than save it."""
    disposition = "inline" if inline else "attachment"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})
