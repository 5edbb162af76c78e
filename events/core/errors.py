"""One kind of refusal for every service: a short code that tests and the API read, and a message in the reader's
language from one table per package."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from flask_babel import gettext as _


class ServiceError(ValueError):
    """A service function refuses: `code` (also `str(error)`) says why for tests and the API, `message` says it to
    people. Each package subclasses it with its one table of messages (code -> a function giving the text, so it
    is translated when read, in the reader's language; it gets the error's values as keywords; or a lazy_gettext
    text, formatted with the values). A code missing from the table reads as a general refusal."""

    messages: ClassVar[dict[str, Callable[..., str]]] = {}

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values

    @property
    def message(self) -> str:
        text = self.messages.get(self.code)
        if text is None:
            return _("Das ist leider nicht möglich.")
        if callable(text):
            return text(**self.values)
        return str(text) % self.values if self.values else str(text)


class WordedServiceError(ServiceError):
    """A ServiceError whose str() is its message, not its code: for refusals that were always shown as they are
    (the door's undo, the staff form, the certificate forms); `code` is still there for tests and the API."""

    def __str__(self) -> str:
        return self.message
