"""Text search in SQL: one rule for turning what a person typed into a LIKE pattern, and one folding rule for names.

Names are searched in a folded copy kept beside them (a `search_text` column, see `keep_search_text`), because
SQLite's lower() and LIKE fold ASCII letters only: "öztürk" would not find "Öztürk" there, while PostgreSQL
would. Folding in Python, once when the row is written, gives both databases the same rule: case ignored,
accents dropped (Şahin by "sahin"), ß as ss, and German umlauts also as ae/oe/ue ("Oeztuerk" finds "Öztürk").
"""

import unicodedata

from sqlalchemy import event, or_

LIKE_ESCAPE = "\\"

# letters that Unicode does not decompose into a base letter and an accent
_UNDECOMPOSED = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "æ": "ae", "œ": "oe", "þ": "th"})
_UMLAUTS_SPELT_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_PARTS_APART = "\n"  # between the parts of a search text; nobody types it into a search field


def fold(text: str) -> str:
    """A text as searches compare it: case folded (ß as ss), accents dropped, one space between words."""
    decomposed = unicodedata.normalize("NFKD", " ".join((text or "").split()).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNDECOMPOSED)


def search_text(*parts: str | None) -> str:
    """What a row keeps in its search column: each part folded, and again with umlauts spelt out where it has any."""
    folded = [fold(part) for part in parts if part and part.strip()]
    spelt_out = [
        fold(unicodedata.normalize("NFC", part.casefold()).translate(_UMLAUTS_SPELT_OUT))
        for part in parts
        if part and any(letter in part.casefold() for letter in "äöü")
    ]
    return _PARTS_APART.join(folded + spelt_out)


def keep_search_text(model, parts) -> None:
    """Keep `model.search_text` up to date: `parts(row)` gives the texts a search finds the row by.

    Set whenever the row is inserted or updated through the ORM; bulk UPDATEs must set the column themselves."""

    def refresh(_mapper, _connection, row):
        row.search_text = search_text(*parts(row))

    event.listen(model, "before_insert", refresh)
    event.listen(model, "before_update", refresh)


def contains_pattern(term: str) -> str:
    """A case-folded LIKE pattern that finds `term` anywhere; % and _ typed by the user match themselves.

    Use with `func.lower(column).like(pattern, escape=LIKE_ESCAPE)` or `column.ilike(pattern, escape=LIKE_ESCAPE)`.
    """
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def found_by(term: str, search_column):
    """An SQL condition: the folded `term` appears in a row's search column (see keep_search_text).

    A term with umlauts is also looked for with them spelt out, so "Müller" finds "Mueller" too."""
    patterns = {contains_pattern(text) for text in search_text(term).split(_PARTS_APART)} or {contains_pattern("")}
    return or_(*(search_column.like(pattern, escape=LIKE_ESCAPE) for pattern in sorted(patterns)))


def matches_any(term: str, *columns):
    """An SQL condition: `term` (as typed) appears in any of the columns, case ignored (see contains_pattern)."""
    pattern = contains_pattern(term)
    return or_(*(column.ilike(pattern, escape=LIKE_ESCAPE) for column in columns))
