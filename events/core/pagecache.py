"""Whole pages that every anonymous visitor sees alike, except for their own CSRF token, rendered once per process.

The blank registration form is the busiest page of the service when a popular event opens. Rendering it costs
more than everything else in the request, yet it differs between visitors only in the CSRF token. So the page is
kept with the token cut out, and each visitor's own token is put back in. Signed-in people and visitors with a
message waiting (flash) always get a page of their own.
"""

from collections.abc import Callable

from flask import session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from events.extensions import cache

_PLACEHOLDER = "\x00csrf-token\x00"


def page_is_shared() -> bool:
    """Whether this request's page may come from, and go into, the shared cache."""
    return not current_user.is_authenticated and not session.get("_flashes")


def shared_page(key: str, render: Callable[[], str]) -> str:
    """The page for `key` with this visitor's CSRF token; render() makes it when this process has none yet.

    key must name everything the page shows (language, address and data); see page_is_shared for who may get it.
    """
    token = generate_csrf()  # also gives a new visitor their session
    page = cache.get(f"page/{key}")
    if page is None:
        page = render()
        cache.set(f"page/{key}", page.replace(token, _PLACEHOLDER))
        return page
    return page.replace(_PLACEHOLDER, token)
