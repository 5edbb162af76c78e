"""Reading a file of invitees: CSV as Excel and other programs save it, with English or German column names."""

from __future__ import annotations

import csv
import io
import re

INVITATION_DELIMITERS = (";", ",", "\t")  # the first that gives the header line an email column wins

INVITATION_FILE_PROBLEMS = ("encoding", "empty", "header", "format", "columns", "email", "too_long")

# The names a header may give each column, in English or German, compared without case, spaces, "-", "_" or ".":
# "E-Mail-Adresse", "Vorname", "Nachname" and "Organisation" read as well as "email", "first_name" and so on.
INVITATION_COLUMNS = {
    "email": ("email", "emailadresse", "mail", "emailaddress"),
    "first_name": ("firstname", "vorname"),
    "last_name": ("lastname", "nachname", "familienname", "surname"),
    "organisation": ("organisation", "organization", "organisationname", "einrichtung", "institution", "träger"),
}

_INVITATION_COLUMN_OF = {alias: column for column, aliases in INVITATION_COLUMNS.items() for alias in aliases}


def _invitation_column(name: str) -> str:
    """The column a header name stands for (see INVITATION_COLUMNS); other names stay as they are (ignored)."""
    key = re.sub(r"[\s\-_.]", "", name).lower()
    return _INVITATION_COLUMN_OF.get(key, name.strip().lower())


def _decode_invitation_file(raw: bytes) -> str | None:
    """The text of an uploaded file: UTF-8 (with or without the BOM Excel writes), UTF-16 with a BOM (Excel's
    "Unicode text"), or else Windows-1252 (Excel's "CSV" on German Windows); None when it is none of these."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _invitation_rows(text: str, errors: list[tuple[int, str]]) -> list[tuple[int, dict[str, str]]]:
    """The invitees of a CSV text as (line number, {column: value}); problems go to errors.

    The delimiter is the one of INVITATION_DELIMITERS that splits the header line into columns with one named
    "email" (or "E-Mail" and the like, INVITATION_COLUMNS); a one-column file reads the same with any of them.
    An Excel "sep=;" first line names it outright.
    Blank lines are skipped; a line may leave out trailing columns, but not have more than the header, and no
    value may run over a line break (the sign of a quote left open).
    """
    lines = text.splitlines(keepends=True)
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first == len(lines):
        errors.append((1, "empty"))
        return []
    hint = re.fullmatch(r"sep=([;,\t])", lines[first].strip("\r\n "))
    if hint:
        first += 1
    header_line = lines[first] if first < len(lines) else ""
    for delimiter in (hint[1],) if hint else INVITATION_DELIMITERS:
        try:
            header = [_invitation_column(name) for name in next(csv.reader([header_line], delimiter=delimiter), [])]
        except csv.Error:  # a header field beyond the csv module's size limit
            errors.append((first + 1, "format"))
            return []
        if "email" in header:
            break
    else:
        errors.append((first + 1, "header"))
        return []
    reader = csv.reader(io.StringIO("".join(lines[first + 1 :])), delimiter=delimiter)
    rows, read = [], 0  # read: lines of the file below the header read so far
    try:
        for values in reader:
            number, read = first + 2 + read, reader.line_num  # the line where this record starts
            if not any(value.strip() for value in values):
                continue
            if any(mark in value for value in values for mark in "\r\n\x00"):
                errors.append((number, "format"))  # a quote left open swallows the lines after it
                continue
            if len(values) > len(header):
                errors.append((number, "columns"))
                continue
            rows.append((number, {name: value.strip() for name, value in zip(header, values, strict=False)}))
    except csv.Error:  # a field beyond the csv module's size limit: the lines after it cannot be read
        errors.append((first + 2 + read, "format"))
    if not rows and not errors:
        errors.append((first + 1, "empty"))
    return rows


def read_invitee_file(raw: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """The invitees of an uploaded file as (line number, {column: value}), and its problems as (line number,
    problem), problem one of INVITATION_FILE_PROBLEMS; line 1 is the header line."""
    errors: list[tuple[int, str]] = []
    text = _decode_invitation_file(raw)
    if text is None:
        return [], [(1, "encoding")]
    return _invitation_rows(text, errors), errors
