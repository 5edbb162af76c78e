"""Every visible string has its English translation, with the same placeholders."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_the_english_catalogue_is_complete():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated, mismatched = [], []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(ids[0])
            continue
        if set(PLACEHOLDER.findall(ids[0])) != set(PLACEHOLDER.findall(strings[0])):
            mismatched.append(ids[0])
    assert untranslated == []
    assert mismatched == []
