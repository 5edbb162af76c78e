"""The printed guideline: an accessible PDF (tagged, fonts embedded, table of contents with page numbers) through
the shared renderer (events.documents), rendered by the worker (tandems.print_jobs), and a DOCX for copy-editing
(python-docx), made in the request (about 0.2 s of CPU for a guideline of 150 blocks).

The PDF is rendered from plain values in the sandboxed Jinja environment over templates/pdf, by WeasyPrint in a
child process within CPU, memory and time limits, with a URL fetcher that opens only data: URLs. A draft (not
signed off) prints every live block, each with its state, under an "Entwurf" watermark; the signed-off guideline
prints only accepted blocks.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

from babel.dates import format_date
from flask_babel import gettext as _

from events.core.database import alphabetical_key
from events.core.languages import force_language
from events.core.timezone import berlin_date
from events.documents.rendering import BASE_URL, data_only_fetcher, document_html
from events.documents.sandbox import Limits, run_bounded
from events.meetings.catalogue import render_description
from events.tandems.guideline import chapters_with_blocks
from events.tandems.models import BlockState, TandemProgramme
from events.tandems.rules import print_is_draft, printed_states

GUIDELINE_LANGUAGE = "de"  # the guideline is written in German, like its blocks


def guideline_contents(programme: TandemProgramme) -> dict:
    """Everything the printed guideline shows, as plain values (strings, lists, dicts)."""
    draft = print_is_draft(programme)
    with force_language(GUIDELINE_LANGUAGE):
        chapters = []
        for number, (chapter, blocks) in enumerate(chapters_with_blocks(programme, printed_states(programme)), 1):
            chapters.append(
                {
                    "anchor": f"chapter-{chapter.id}",
                    "number": number,
                    "title": chapter.title,
                    "introduction": str(render_description(chapter.introduction)),
                    "blocks": [
                        {
                            "anchor": f"block-{block.id}",
                            "number": f"{number}.{position}",
                            "title": block.title,
                            "html": str(render_description(block.text)),
                            "text": block.text,
                            "groups": [group.name for group in block.groups] or [block.group.name],
                            "state": BlockState(block.state).label if draft else "",
                        }
                        for position, block in enumerate(blocks, 1)
                    ],
                }
            )
        return {
            "language": GUIDELINE_LANGUAGE,
            "draft": draft,
            "title": programme.guideline_title,
            "programme": programme.title,
            "partner": programme.partner.name if programme.partner else "",
            "period": f"{format_date(programme.starts_on, 'long', locale='de')} – "
            f"{format_date(programme.ends_on, 'long', locale='de')}",
            "foreword": str(render_description(programme.foreword)),
            "foreword_text": programme.foreword,
            "imprint": str(render_description(programme.imprint)),
            "imprint_text": programme.imprint,
            "signed_off": (
                _(
                    "Freigegeben am %(day)s von %(name)s",
                    day=format_date(berlin_date(programme.signed_off_at), "long", locale="de"),
                    name=programme.signed_off_by,
                )
                if programme.signed_off_at
                else ""
            ),
            "chapters": chapters,
            "regions": organisations_by_region(programme),
            "labels": {
                "draft": _("Entwurf"),
                "contents": _("Inhalt"),
                "foreword": _("Vorwort"),
                "groups": _("Aus den Gruppen"),
                "state": _("Stand"),
                "organisations": _("Beteiligte Organisationen"),
                "imprint": _("Impressum"),
                "partner": _("In Zusammenarbeit mit"),
                "page": _("Seite"),
            },
        }


def organisations_by_region(programme: TandemProgramme) -> list[dict]:
    """The organisations of every tandem pair, by region (Regierungsbezirk), in German alphabetical order."""
    by_region: dict[str, set[str]] = defaultdict(set)
    for group in programme.groups:
        for pair in group.pairs:
            for organisation in (pair.agency, pair.lotsen):
                region = organisation.district.region.name if organisation.district else group.region.name
                by_region[region].add(organisation.name)
    return [
        {"region": region, "organisations": sorted(names, key=alphabetical_key)}
        for region, names in sorted(by_region.items(), key=lambda item: alphabetical_key(item[0]))
    ]


def guideline_html(contents: dict) -> str:
    return document_html("tandem_guideline.html", contents)


def _tagged_pdf(html: str) -> bytes:
    """In the renderer's child process: the HTML as a tagged PDF (PDF/UA structure where WeasyPrint allows)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=data_only_fetcher()).write_pdf(pdf_tags=True)


def guideline_limits() -> Limits:
    """A guideline of about 100 pages takes some 5 s of CPU; it gets four times the bounds of a single document."""
    usual = Limits.from_settings()
    return Limits(
        cpu_seconds=usual.cpu_seconds * 4, memory_mb=usual.memory_mb, timeout_seconds=usual.timeout_seconds * 4
    )


def render_guideline_pdf(html: str) -> bytes:
    """The guideline's HTML as a tagged PDF with embedded fonts, in the bounded renderer (some seconds of CPU: the
    worker calls it, see tandems.print_jobs). Raises documents.sandbox.RenderingFailed."""
    return run_bounded(_tagged_pdf, html, limits=guideline_limits())


LIST_ITEM = re.compile(r"^\s*[-*]\s+(.*)$")
EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(\*|_)(.+?)\3")


class _Word:
    """A Word document written paragraph by paragraph. A style is set on a paragraph by its id, looked up once per
    style: python-docx searches all of the document's styles for every paragraph it is given a style name for,
    which took most of the export's time (0.45 of 0.64 s of CPU for a guideline of 150 blocks)."""

    def __init__(self, document):
        self.document = document
        self._style_ids: dict[str, str] = {}

    def paragraph(self, text: str = "", style: str | None = None):
        paragraph = self.document.add_paragraph(text)
        if style is not None:
            if style not in self._style_ids:
                self._style_ids[style] = self.document.styles[style].style_id
            paragraph._p.get_or_add_pPr().style = self._style_ids[style]
        return paragraph

    def heading(self, text: str, level: int):
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")


def _markdown_paragraphs(word: _Word, text: str) -> None:
    """Markdown source as Word paragraphs: blank lines part paragraphs, "- " lines are bullets, **bold** and
    *italic* stay; anything else is kept as typed (the copy-editor sees the words, not the markup)."""
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = chunk.splitlines()
        if lines and all(LIST_ITEM.match(line) for line in lines):
            for line in lines:
                _runs(word.paragraph(style="List Bullet"), LIST_ITEM.match(line)[1])
        elif chunk.strip():
            _runs(word.paragraph(), " ".join(line.strip() for line in lines))


def _runs(paragraph, text: str) -> None:
    position = 0
    for match in EMPHASIS.finditer(text):
        paragraph.add_run(text[position : match.start()])
        run = paragraph.add_run(match[2] or match[4])
        run.bold, run.italic = bool(match[2]), bool(match[4])
        position = match.end()
    paragraph.add_run(text[position:])


def guideline_docx(programme: TandemProgramme) -> bytes:
    """The guideline as a Word document for copy-editing: headings as Word headings, one paragraph each."""
    from docx import Document

    contents = guideline_contents(programme)
    document = Document()
    document.core_properties.title = contents["title"]
    document.core_properties.language = GUIDELINE_LANGUAGE
    word = _Word(document)
    word.heading(contents["title"], level=0)
    word.paragraph(f"{contents['programme']} · {contents['period']}")
    if contents["partner"]:
        word.paragraph(f"{contents['labels']['partner']}: {contents['partner']}")
    if contents["draft"]:
        word.paragraph(contents["labels"]["draft"]).runs[0].bold = True
    if contents["signed_off"]:
        word.paragraph(contents["signed_off"])
    if contents["foreword_text"]:
        word.heading(contents["labels"]["foreword"], level=1)
        _markdown_paragraphs(word, contents["foreword_text"])
    for chapter in contents["chapters"]:
        word.heading(f"{chapter['number']}. {chapter['title']}", level=1)
        for block in chapter["blocks"]:
            word.heading(f"{block['number']} {block['title']}", level=2)
            _markdown_paragraphs(word, block["text"])
            note = f"{contents['labels']['groups']}: {', '.join(block['groups'])}"
            if block["state"]:
                note += f" · {contents['labels']['state']}: {block['state']}"
            word.paragraph().add_run(note).italic = True
    word.heading(contents["labels"]["organisations"], level=1)
    for region in contents["regions"]:
        word.heading(region["region"], level=2)
        for name in region["organisations"]:
            word.paragraph(name, "List Bullet")
    if contents["imprint_text"]:
        word.heading(contents["labels"]["imprint"], level=1)
        _markdown_paragraphs(word, contents["imprint_text"])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
