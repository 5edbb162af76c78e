"""Secret links in mails: found from the app's URL rules, and cut where organisers read sent mail."""

from __future__ import annotations

import re

from flask import current_app

# The secret part of the links mails carry (a personal link, an invitation, a password reset, a personal calendar
# feed): only the recipient may hold them; the organisers' view of sent mail shows them cut (hide_secret_links).
# They are found from the URL rules themselves: every rule that takes a <token>, and every query parameter a
# package declares secret (secret_query_parameter), so a new kind of personal link is hidden without a list here.
SECRET_QUERY_PARAMETERS: set[str] = set()
_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")


def secret_query_parameter(name: str) -> str:
    """Declare a query parameter that carries a secret (e.g. ?invitation=...); returns the name."""
    SECRET_QUERY_PARAMETERS.add(name)
    return name


def _rule_prefix(rule: str) -> str | None:
    """A pattern for the part of a URL rule before its <token>, or None when the rule takes no token."""
    parts, position = [], 0
    for variable in _VARIABLE.finditer(rule):
        parts.append(re.escape(rule[position : variable.start()]))
        if variable[1] == "token":
            return "".join(parts)
        parts.append(r"[^\s/?#&]+")
        position = variable.end()
    return None


def secret_link_pattern() -> re.Pattern:
    """The pattern of every secret link of the current app (cached per app)."""
    cached = current_app.extensions.get("secret_links")
    if cached is None:
        prefixes = {_rule_prefix(rule.rule) for rule in current_app.url_map.iter_rules() if "token" in rule.arguments}
        prefixes.discard(None)
        queries = {rf"[?&]{re.escape(name)}=" for name in SECRET_QUERY_PARAMETERS}
        alternatives = "|".join(sorted(prefixes | queries, key=len, reverse=True))
        cached = re.compile(rf"(?P<keep>{alternatives})(?P<secret>[^\s/?#&]+)")
        current_app.extensions["secret_links"] = cached
    return cached


def hide_secret_links(text: str) -> str:
    """The text with the token of every secret link (secret_link_pattern) replaced by "…"."""
    return secret_link_pattern().sub(lambda match: match["keep"] + "…", text)
