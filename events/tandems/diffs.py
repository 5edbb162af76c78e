"""Word diffs of two texts with diff-match-patch (Google's maintained library), shown as <ins> and <del>.

The diff runs over words rather than characters (each word is mapped to one character first, the way the
library's line mode works), so a changed word is shown as one removed and one added word, which reads far
better than scattered letters. The markup carries words for screen readers ("removed:", "added:").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diff_match_patch import diff_match_patch
from flask_babel import gettext as _
from markupsafe import Markup, escape

TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class DiffPart:
    kind: str  # "same", "added", "removed"
    text: str


def _encode(text: str, vocabulary: dict[str, str], words: list[str]) -> str:
    encoded = []
    for token in TOKENS.findall(text):
        if token not in vocabulary:
            vocabulary[token] = chr(len(words) + 0xE000) if len(words) < 6400 else chr(len(words) + 0x10000)
            words.append(token)
        encoded.append(vocabulary[token])
    return "".join(encoded)


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The changes from old to new, word by word."""
    vocabulary: dict[str, str] = {}
    words: list[str] = []
    a, b = _encode(old, vocabulary, words), _encode(new, vocabulary, words)
    engine = diff_match_patch()
    engine.Diff_Timeout = 2.0
    diffs = engine.diff_main(a, b, False)
    engine.diff_cleanupSemantic(diffs)
    decoded = {code: word for word, code in vocabulary.items()}
    kinds = {0: "same", 1: "added", -1: "removed"}
    return [DiffPart(kinds[op], "".join(decoded[c] for c in data)) for op, data in diffs]


def diff_html(parts: list[DiffPart]) -> Markup:
    """The diff as HTML: removed words struck through in <del>, added ones in <ins>, each announced."""
    html = []
    for part in parts:
        text = escape(part.text)
        if part.kind == "added":
            html.append(f'<ins><span class="visually-hidden">{escape(_("eingefügt:"))} </span>{text}</ins>')
        elif part.kind == "removed":
            html.append(f'<del><span class="visually-hidden">{escape(_("entfernt:"))} </span>{text}</del>')
        else:
            html.append(str(text))
    return Markup("".join(html))  # noqa: S704 - every piece is escaped above


def changed(parts: list[DiffPart]) -> bool:
    return any(part.kind != "same" for part in parts)
