"""Every visible string has its English translation, with the same placeholders."""

import re
import tempfile
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


def test_every_string_of_the_code_and_the_templates_is_in_the_catalogue():
    """A string added to the code but not to messages.po would show in German on English pages (`make messages`
    adds it; then translate it)."""
    from babel.messages.frontend import CommandLineInterface

    root = CATALOGUE.parents[3]
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "messages.pot"
        CommandLineInterface().run(
            ["pybabel", "--quiet", "extract", "-F", str(root / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext"]
            + ["--no-location", "-o", str(template), str(root)]
        )
        with template.open("rb") as handle:
            extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with CATALOGUE.open("rb") as handle:
        catalogued = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert len(extracted) > 500
    assert sorted(extracted - catalogued) == []
