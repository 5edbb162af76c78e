"""Tables in and out: one tolerant reader of CSV files as people save them, one writer of CSV and XLSX.

Reading (`read_table`): the bytes of an upload or a pasted text, in UTF-8 (with or without the BOM Excel
writes), UTF-16 with a BOM (Excel's "Unicode text") or Windows-1252 (Excel's "CSV" on German Windows); columns
separated by semicolon, comma or tab, found from the header line (or named by Excel's "sep=;" first line);
header names in German or English, compared without case, spaces, "-", "_" and "."; every problem reported
with the number of the line where it starts. A table without a header reads its columns by position.

Writing (`table_csv`, `table_xlsx`): a header and rows of text, whole numbers and moments. CSV with semicolons
and a BOM (so Excel reads the umlauts), texts protected from being run as formulas; XLSX with numbers and
dates as such, a filter on every column and the header row frozen.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from events.core.timezone import BERLIN

DELIMITERS = (";", ",", "\t")
# What can be wrong with a table as a whole or with one of its lines; callers word them for their readers.
TABLE_PROBLEMS = ("encoding", "empty", "header", "format", "columns", "too_many")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column of a table: its name in the rows read, and the header names that stand for it."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass
class Table:
    """What was read: (line number, {column name: text}) per line with values, and (line number, problem)."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def header_key(name: str) -> str:
    """A header name as compared: "E-Mail-Adresse", "e_mail adresse" and "EMailAdresse" are the same."""
    return re.sub(r"[\s\-_.]", "", name).lower()


def decode_table(raw: bytes) -> str | None:
    """The text of an uploaded table (see the module's description); None when it is in none of the encodings."""
    encodings = ("utf-16",) if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _column_of(columns: Sequence[Column]) -> dict[str, str]:
    return {header_key(alias): column.name for column in columns for alias in (column.name, *column.aliases)}


def _first_line(lines: list[str]) -> int:
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    return first


def read_table(
    source: bytes | str,
    columns: Sequence[Column],
    *,
    required: Sequence[str] = (),
    header: bool = True,
    max_rows: int | None = None,
) -> Table:
    """The rows of a table, and its problems (see TABLE_PROBLEMS); line 1 is the file's first line.

    With `header`, the first line names the columns; the delimiter is the one that splits it into all
    `required` columns (a one-column file reads the same with any), and a header name that is no column's
    stays as written, in lower case. Without `header`, values are taken by position in the order of `columns`
    (more values than columns are ignored); a first line whose first value is a column's name is skipped.
    Blank lines are skipped; no value may run over a line break (the sign of a quote left open); after
    `max_rows` rows, reading stops with "too_many".
    """
    table = Table()
    text = decode_table(source) if isinstance(source, bytes) else source.lstrip("\ufeff")
    if text is None:
        table.problems.append((1, "encoding"))
        return table
    lines = text.splitlines(keepends=True)
    first = _first_line(lines)
    if first == len(lines):
        table.problems.append((1, "empty"))
        return table
    hint = re.fullmatch(r"sep=([;,\t])", lines[first].strip("\r\n "))
    if hint:
        first += 1
    names = _read_header(lines, first, columns, required, header, hint[1] if hint else None, table)
    if names is None:
        return table
    delimiter, names, body = names
    _read_rows(lines, body, delimiter, names, header, max_rows, table)
    if not table.rows and not table.problems:
        table.problems.append((first + 1, "empty"))
    return table


def _read_header(lines, first, columns, required, header, hinted, table):
    """(delimiter, column names, index of the first line of values), or None after noting the problem."""
    column_of = _column_of(columns)
    line = lines[first] if first < len(lines) else ""
    if not header:
        delimiter = hinted or next((d for d in DELIMITERS if d in line), DELIMITERS[0])
        cells = next(csv.reader([line], delimiter=delimiter), [""]) or [""]
        body = first + 1 if header_key(cells[0]) in column_of else first
        return delimiter, [column.name for column in columns], body
    for delimiter in (hinted,) if hinted else DELIMITERS:
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:  # a header field beyond the csv module's size limit
            table.problems.append((first + 1, "format"))
            return None
        names = [column_of.get(header_key(cell), cell.strip().lower()) for cell in cells]
        if all(name in names for name in required):
            return delimiter, names, first + 1
    table.problems.append((first + 1, "header"))
    return None


def _read_rows(lines, body, delimiter, names, header, max_rows, table) -> None:
    reader = csv.reader(io.StringIO("".join(lines[body:])), delimiter=delimiter)
    read = 0  # lines below the header read so far
    try:
        for values in reader:
            number, read = body + 1 + read, reader.line_num  # the line where this record starts
            if not any(value.strip() for value in values):
                continue
            if any(mark in value for value in values for mark in "\r\n\x00"):
                table.problems.append((number, "format"))  # a quote left open swallows the lines after it
                continue
            if header and len(values) > len(names):
                table.problems.append((number, "columns"))
                continue
            if max_rows is not None and len(table.rows) >= max_rows:
                table.problems.append((number, "too_many"))
                return
            values = [value.strip() for value in values[: len(names)]]
            values += [""] * (len(names) - len(values)) if not header else []
            table.rows.append((number, dict(zip(names, values, strict=False))))
    except csv.Error:  # a field beyond the csv module's size limit: the lines after it cannot be read
        table.problems.append((body + 1 + read, "format"))


# --- writing ------------------------------------------------------------------------------------------------------


def csv_safe(text: str) -> str:
    """Plain text that a spreadsheet opening the CSV will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def wall_clock(value: datetime | None) -> datetime | None:
    """A moment as Berlin wall-clock time without zone, to the minute, as spreadsheets hold dates."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(BERLIN).replace(tzinfo=None)
    return value.replace(second=0, microsecond=0)


def csv_text(value) -> str:
    """One value as a CSV cell: moments as "2026-12-06 14:30" (Berlin), numbers as digits, text protected."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return wall_clock(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, int):
        return str(value)
    return csv_safe(str(value))


def table_csv(header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """The table as CSV: semicolons, UTF-8 with a BOM (Excel then reads the umlauts right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in [header, *rows]:
        writer.writerow([csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(header: Sequence[str], rows: Sequence[Sequence], title: str) -> bytes:
    """The table as one XLSX sheet: numbers and moments (Berlin) as such, texts shown as typed and never run as
    formulas, the header row frozen with a filter on every column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row_number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            if isinstance(value, int | datetime):  # numbers and dates sort and filter as such
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, datetime):
                    cell.value = wall_clock(value)
                    cell.number_format = "DD.MM.YYYY HH:MM"
                continue
            # a string cell: shown as typed ("-5 Grad", "=1+1"), never run as a formula, no apostrophe;
            # control characters (pasted into a free-text answer) have no place in XLSX
            text = "" if value is None else str(value)
            cell = sheet.cell(row=row_number, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", text))
            cell.data_type = "s"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions  # a filter button on every column of the header
    for index, title_text in enumerate(header, start=1):
        width = max([len(str(title_text))] + [len(csv_text(row[index - 1])) for row in rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
