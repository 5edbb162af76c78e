"""Two costs WeasyPrint pays on every page of a long document that the documents here do not need, taken away
for the time of one layout (`faster_layout`); the layout is otherwise WeasyPrint's own.

- Margin boxes: WeasyPrint builds and lays out the sixteen margin boxes of every page (about 1 ms a page) even
  when no rule gives one any content, and then draws none of them. They are skipped for HTML whose styles have no
  margin at-rule at all (certificates, badges, cards); documents with a page number in a margin keep them.
- Page styles: for each page, WeasyPrint looks for the styles of the page's margin boxes among the styles of every
  element of the document, so a page costs more the longer its document is (0.3 ms a page in a document of 50
  certificates, 1.3 ms in one of 125, 2.4 ms in one of 250). Here it looks them up by the few kinds of margin box
  that the page rules name. Only for the WeasyPrint version this was written and checked against.

Both are replaced in WeasyPrint's modules while `faster_layout` runs and put back after it; rendering runs one
document at a time in a process of its own (see sandbox), so no other layout sees them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

# What could bring a page margin box (a running footer, a page number) into a document: a margin at-rule, or a
# stylesheet the HTML does not show (a link, an import)
_MAY_HAVE_MARGIN_BOXES = re.compile(r"@(?:top|bottom|left|right)-|<link\b|@import\b", re.IGNORECASE)
CHECKED_VERSION = "70."  # the WeasyPrint whose page styles code set_page_type_computed_styles follows


def _no_margin_boxes(context, page, state):
    return ()


def _page_pseudo_types(style_for) -> set:
    """The kinds of margin box (and footnote area) any page rule of the document's style sheets names."""
    found = getattr(style_for, "_treffpunkt_page_pseudo_types", None)
    if found is None:
        found = {
            selector[1]  # (specificity, pseudo type, page selector), as add_page_declarations reads it
            for sheet, _origin, _specificity in style_for._sheets
            for _rule, selectors, _declarations in sheet.page_rules
            for selector in selectors
            if selector[1]
        }
        style_for._treffpunkt_page_pseudo_types = found
    return found


def set_page_type_computed_styles(page_type, html, style_for):
    """WeasyPrint's function of that name (weasyprint/layout/page.py), with the styles of the page's pseudo
    elements found by key instead of by a pass over the styles of every element."""
    style_for.add_page_declarations(page_type)
    style_for.set_computed_styles(page_type, root=html.etree_element, parent=html.etree_element, base_url=html.base_url)
    cascaded = style_for.get_cascaded_styles()
    for pseudo_type in _page_pseudo_types(style_for):
        if (page_type, pseudo_type) in cascaded:
            style_for.set_computed_styles(
                page_type, pseudo_type=pseudo_type, root=html.etree_element, parent=page_type, base_url=html.base_url
            )


@contextlib.contextmanager
def _replaced(module, name: str, replacement) -> Iterator[None]:
    original = getattr(module, name, None)
    if original is None:  # another WeasyPrint: left as it is
        yield
        return
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


@contextlib.contextmanager
def faster_layout(html: str) -> Iterator[None]:
    """Lay out `html` (with weasyprint.HTML(...).render()) within this block."""
    import weasyprint
    import weasyprint.layout
    import weasyprint.layout.page

    with contextlib.ExitStack() as stack:
        if not _MAY_HAVE_MARGIN_BOXES.search(html):
            stack.enter_context(_replaced(weasyprint.layout, "make_margin_boxes", _no_margin_boxes))
        if weasyprint.__version__.startswith(CHECKED_VERSION):
            page = weasyprint.layout.page
            stack.enter_context(_replaced(page, "set_page_type_computed_styles", set_page_type_computed_styles))
        yield
