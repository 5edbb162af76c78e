"""Whole pages that every anonymous visitor sees alike, except for their own CSRF token, rendered once per process;
and parts of pages that everyone allowed to see them sees alike (shared_part).

The blank registration form is the busiest page of the service when a popular event opens. Rendering it costs
more than everything else in the request, yet it differs between visitors only in the CSRF token. So the page is
kept with the token cut out, and each visitor's own token is put back in. Signed-in people and visitors with a
message waiting (flash) always get a page of their own.

A long table on a signed-in page (the jury's figures, a juror's list of hundreds of nominations) is kept the same
way, as a part: the page around it (navigation, messages) is rendered for each request, the table once per
change of what it shows.
"""

from collections.abc import Callable

from flask import session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

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


def shared_part(slot: str, version: str, render: Callable[[], str]) -> Markup:
    """A part of a page (HTML) with this visitor's CSRF token in its forms; render() makes it when this process
    holds none of this `version` yet.

    slot names the part (say, one table in one language) and is kept once: a new version replaces the one before,
    so a table that changes all day does not pile up copies. version must change with everything the part shows;
    the view has checked who may see it."""
    token = generate_csrf()
    kept = cache.get(f"part/{slot}")
    if kept is not None and kept[0] == version:
        return Markup(kept[1].replace(_PLACEHOLDER, token))  # noqa: S704 - a template rendered with autoescape
    part = render()
    cache.set(f"part/{slot}", (version, part.replace(token, _PLACEHOLDER)))
    return Markup(part)  # noqa: S704 - a template rendered with autoescape
