"""Input no page can use is refused in one place, before any view or database sees it.

- Control characters (NUL and the like) in the path answer 404, in the query, a form or a JSON body 400. Forms may
  carry tab and line breaks (text areas); single-line fields lose line breaks in core.forms.
- Whole numbers in the path (`<int:...>`) beyond the database's integer answer 404; in the query or a form read
  with `type=int`, 400.
- Page numbers beyond the last page show the last page (db.paginate in events.extensions).
"""

from __future__ import annotations

import re

from flask import Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

INT_MAX = 2**31 - 1  # the largest id or number an INTEGER column of PostgreSQL holds
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR allowed (text areas)


class UnreadableInput(BadRequest):
    """400 for input with control characters or numbers out of range; its page says so (see create_app)."""


def bounded_int(value) -> int:
    """`int` as `type=` of request.args.get: a number beyond the database's range is refused, not passed on."""
    number = int(value)
    if not -INT_MAX - 1 <= number <= INT_MAX:
        raise UnreadableInput()
    return number


class BoundedMultiDict(ImmutableMultiDict):
    """Query and form values: `get(..., type=int)` refuses numbers the database cannot hold (400)."""

    def get(self, key, default=None, type=None):  # noqa: A002 - the name werkzeug gives it
        return super().get(key, default, bounded_int if type is int else type)


class CheckedRequest(Request):
    parameter_storage_class = BoundedMultiDict


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a URL: only numbers a database id can be; a longer one is no page (404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - the name werkzeug gives it
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def refuse_unreadable_input() -> None:
    """before_request: 404 for control characters in the path, 400 for them in the query, a form or JSON."""
    if CONTROL.search(request.path):
        abort(404)
    for key, value in request.args.items(multi=True):
        if CONTROL.search(key) or CONTROL.search(value):
            raise UnreadableInput()
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        if any(CONTROL_BUT_LINES.search(text) for text in _json_strings(request.get_json(silent=True))):
            raise UnreadableInput()
        return
    for key, value in request.form.items(multi=True):
        if CONTROL.search(key) or CONTROL_BUT_LINES.search(value):
            raise UnreadableInput()
    for storage in request.files.values():
        if storage.filename and CONTROL.search(storage.filename):
            raise UnreadableInput()
