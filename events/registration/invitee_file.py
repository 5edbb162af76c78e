"""Reading a file of invitees: CSV as Excel and other programs save it, with English or German column names
(read by documents.spreadsheets)."""

from __future__ import annotations

from events.documents.spreadsheets import TABLE_PROBLEMS, Column, read_table

# What can be wrong with the file (see documents.spreadsheets.TABLE_PROBLEMS) or with one invitee.
INVITATION_FILE_PROBLEMS = (*(problem for problem in TABLE_PROBLEMS if problem != "too_many"), "email", "too_long")

# The names a header may give each column, in English or German, compared without case, spaces, "-", "_" or ".":
# "E-Mail-Adresse", "Vorname", "Nachname" and "Organisation" read as well as "email", "first_name" and so on.
INVITATION_COLUMNS = (
    Column("email", ("email", "emailadresse", "mail", "emailaddress")),
    Column("first_name", ("firstname", "vorname")),
    Column("last_name", ("lastname", "nachname", "familienname", "surname")),
    Column(
        "organisation", ("organisation", "organization", "organisationname", "einrichtung", "institution", "träger")
    ),
)


def read_invitee_file(raw: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    """The invitees of an uploaded file as (line number, {column: value}), and its problems as (line number,
    problem), problem one of INVITATION_FILE_PROBLEMS; line 1 is the header line.

    The delimiter is the one of semicolon, comma and tab that splits the header line into columns with one named
    "email" (or "E-Mail" and the like, INVITATION_COLUMNS); a one-column file reads the same with any of them.
    An Excel "sep=;" first line names it outright. Blank lines are skipped; a line may leave out trailing columns,
    but not have more than the header, and no value may run over a line break (the sign of a quote left open).
    """
    table = read_table(raw, INVITATION_COLUMNS, required=("email",))
    return table.rows, table.problems
