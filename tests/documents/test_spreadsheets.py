"""The table reader and writer: files as people save them in, CSV and XLSX out."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from events.documents.spreadsheets import Column, csv_safe, read_table, table_csv, table_xlsx

PEOPLE = (
    Column("email", ("E-Mail", "E-Mail-Adresse", "Mail")),
    Column("first_name", ("Vorname", "first name")),
    Column("last_name", ("Nachname", "Familienname", "surname")),
    Column("organisation", ("Organisation", "organization", "Einrichtung")),
)
ANNA = {"email": "anna@example.org", "first_name": "Anna", "last_name": "Öztürk", "organisation": "Tür an Tür"}


def read(source, **options):
    table = read_table(source, PEOPLE, required=("email",), **options)
    return table.rows, table.problems


@pytest.mark.parametrize(
    "raw",
    [
        "email;first_name;last_name;organisation\nanna@example.org;Anna;Öztürk;Tür an Tür\n".encode(),
        "\ufeffE-Mail;Vorname;Nachname;Organisation\r\nanna@example.org;Anna;Öztürk;Tür an Tür\r\n".encode(),
        "E-Mail,Vorname,Nachname,Organisation\nanna@example.org,Anna,Öztürk,Tür an Tür\n".encode("cp1252"),
        "Mail\tfirst name\tSurname\torganization\nanna@example.org\tAnna\tÖztürk\tTür an Tür\n".encode("utf-16"),
        "sep=,\nE-Mail-Adresse,Vorname,Familienname,Einrichtung\nanna@example.org,Anna,Öztürk,Tür an Tür\n".encode(),
        (
            '\n\n"E-Mail";"Vorname";"Nachname";"Organisation"\n\n"anna@example.org";"Anna";"Öztürk";"Tür an Tür"\n\n'
        ).encode(),
    ],
    ids=[
        "utf-8",
        "utf-8 with BOM, German names, CRLF",
        "cp1252 with commas",
        "utf-16 with tabs",
        "sep= line",
        "quotes",
    ],
)
def test_a_table_reads_the_same_however_it_was_saved(raw):
    rows, problems = read(raw)
    assert problems == [] and [values for _number, values in rows] == [ANNA]


@pytest.mark.parametrize(
    "raw, rows, problems",
    [
        (b"", [], [(1, "empty")]),
        (b"\n\n  \n", [], [(1, "empty")]),
        (b"email\n\n", [], [(1, "empty")]),
        (b"name;vorname\nAnna;B\n", [], [(1, "header")]),
        (b"\xff\xfe\x00\xd8", [], [(1, "encoding")]),  # UTF-16 with a lone surrogate
        (b"email;vorname\na@example.org;A;zu viel\nb@example.org;B\n", [3], [(2, "columns")]),
        (b'email;vorname\n"a@example.org;A\nb@example.org;B\n', [], [(2, "format")]),
        (b"email\na@example.org\nb@example.org\nc@example.org\n", [2, 3], [(4, "too_many")]),
    ],
    ids=[
        "nothing",
        "blank lines",
        "header only",
        "no email column",
        "undecodable",
        "extra value",
        "open quote",
        "too many",
    ],
)
def test_every_problem_is_reported_with_its_line(raw, rows, problems):
    read_rows, read_problems = read(raw, max_rows=2)
    assert [number for number, _values in read_rows] == rows
    assert read_problems == problems


@pytest.mark.parametrize(
    "text, rows",
    [
        ("Anna Öztürk;anna@example.org\nJonas Weiß\n", [(1, "Anna Öztürk", "anna@example.org"), (2, "Jonas Weiß", "")]),
        ("Name,E-Mail\nAnna Öztürk,anna@example.org\n", [(2, "Anna Öztürk", "anna@example.org")]),
        ("Anna Öztürk\tanna@example.org\tx\ty\n", [(1, "Anna Öztürk", "anna@example.org")]),
        ("\n Anna Öztürk ; anna@example.org \n", [(2, "Anna Öztürk", "anna@example.org")]),
    ],
    ids=["semicolons, short line", "header skipped", "tabs, extra values ignored", "spaces trimmed"],
)
def test_a_table_without_header_is_read_by_position(text, rows):
    columns = (Column("name", ("Name", "Namen")), Column("email", ("E-Mail",)))
    table = read_table(text, columns, header=False)
    assert table.problems == []
    assert [(number, values["name"], values["email"]) for number, values in table.rows] == rows


@pytest.mark.parametrize(
    "text, safe",
    [("=HYPERLINK()", "'=HYPERLINK()"), ("+49 89 1234", "'+49 89 1234"), ("-5 Grad", "'-5 Grad"), ("@a", "'@a"),
     ("Anna", "Anna"), ("", "")],
)  # fmt: skip
def test_csv_cells_are_never_run_as_formulas(text, safe):
    assert csv_safe(text) == safe


WHEN = datetime(2026, 12, 6, 13, 30, 45, tzinfo=ZoneInfo("UTC"))  # 14:30 in Berlin


def test_csv_has_semicolons_a_bom_berlin_minutes_and_protected_texts():
    data = table_csv(["Name", "Nr.", "Angemeldet am"], [["=1+1", 7, WHEN], ["Jörg", "", None]])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["Name;Nr.;Angemeldet am", "'=1+1;7;2026-12-06 14:30", "Jörg;;"]


def test_xlsx_keeps_numbers_and_dates_and_shows_texts_as_typed():
    data = table_xlsx(["Name", "Nr.", "Angemeldet am"], [["=1+1", 7, WHEN], ["Jörg\x07", "", None]], "Anmeldungen")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Anmeldungen" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C3"
    assert [cell.value for cell in sheet[2]] == ["=1+1", 7, datetime(2026, 12, 6, 14, 30)]
    assert sheet["A2"].data_type == "s" and sheet["C2"].number_format == "DD.MM.YYYY HH:MM"
    assert sheet["A3"].value == "Jörg"
