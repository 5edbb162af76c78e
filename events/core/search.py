"""Text search in SQL: one rule for turning what a person typed into a LIKE pattern."""

LIKE_ESCAPE = "\\"


def contains_pattern(term: str) -> str:
    """A case-folded LIKE pattern that finds `term` anywhere; % and _ typed by the user match themselves.

    Use with `func.lower(column).like(pattern, escape=LIKE_ESCAPE)` or `column.ilike(pattern, escape=LIKE_ESCAPE)`.
    """
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches_any(term: str, *columns):
    """An SQL condition: `term` (as typed) appears in any of the columns, case ignored (see contains_pattern)."""
    from sqlalchemy import or_

    pattern = contains_pattern(term)
    return or_(*(column.ilike(pattern, escape=LIKE_ESCAPE) for column in columns))
