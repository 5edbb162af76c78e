"""Upload checks: SVG logos rebuilt from an allow-list and bounded; images and PDFs known by their content."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from events.documents.svg import MAX_DEPTH, MAX_ELEMENTS, SvgRefused, clean_svg
from events.documents.uploads import UploadRefused, check_image, check_logo, check_pdf
from tests.documents.samples import use_bomb

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>'


def svg(inner: str) -> bytes:
    return SVG.format(inner).encode()


@pytest.mark.parametrize(
    "given, kept, dropped",
    [
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4" cx="5" cy="5"/></svg>',
            ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4" cx="5" cy="5"/></svg>'],
            [],
            id="a plain drawing stays as it is",
        ),
        pytest.param(
            b'<?xml version="1.0"?><?xml-stylesheet href="http://evil.example/a.css"?><!-- made by hand -->'
            + svg('<rect width="4" height="4"/><?php echo 1 ?>'),
            ['<rect width="4" height="4"/>'],
            ["xml-stylesheet", "evil.example", "made by hand", "php"],
            id="processing instructions and comments are dropped",
        ),
        pytest.param(
            svg(
                '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>'
                '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"/>'
                '<rect width="4" height="4" data-x="1" inkscape:label="a" '
                'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"/>'
            ),
            ['<rect width="4" height="4"/>'],
            ["metadata", "sodipodi", "inkscape", "data-x", "rdf"],
            id="metadata and unknown elements and attributes are dropped",
        ),
        pytest.param(
            svg(
                '<defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/></linearGradient>'
                '<g id="a"><rect width="1" height="1"/></g></defs>'
                '<rect width="4" height="4" fill="url(#g)"/><use xlink:href="#a" x="5"/>'
            ),
            ['fill="url(#g)"', '<use xlink:href="#a" x="5"/>', 'xmlns:xlink="http://www.w3.org/1999/xlink"'],
            [],
            id="local references stay",
        ),
        pytest.param(
            svg("<style>.a{fill:#c00;behavior:url(#x);-moz-binding:x}@media print{.a{fill:red}}</style>"),
            ["<style>.a{fill:#c00}</style>"],
            ["behavior", "binding", "@media"],
            id="styles keep known properties only",
        ),
        pytest.param(
            svg('<rect style="fill:#c00;stroke:image(x);width:attr(x)" width="1" height="1"/>'),
            ['style="fill:#c00"'],
            ["image(", "attr("],
            id="unknown CSS functions are dropped",
        ),
        pytest.param(
            svg('<text x="1" y="5">Integration &amp; Ehrenamt<tspan> vor Ort</tspan></text>'),
            ['<text x="1" y="5">Integration &amp; Ehrenamt<tspan> vor Ort</tspan></text>'],
            [],
            id="text stays, escaped",
        ),
    ],
)
def test_an_svg_is_rebuilt_from_what_is_allowed(ctx, given, kept, dropped):
    cleaned = clean_svg(given).decode()
    assert all(part in cleaned for part in kept), cleaned
    assert not any(part in cleaned for part in dropped), cleaned
    assert clean_svg(cleaned.encode()).decode() == cleaned  # cleaning what is clean changes nothing


@pytest.mark.parametrize(
    "given, message",
    [
        (svg("<script>alert(1)</script>"), "keine Skripte"),
        (svg('<rect onload="alert(1)"/>'), "keine Skripte"),
        (svg("<foreignObject><div>x</div></foreignObject>"), "keine Skripte"),
        (svg('<image xlink:href="file:///etc/passwd"/>'), "nicht auf andere Dateien"),
        (svg('<use href="http://evil.example/a.svg#x"/>'), "nicht auf andere Dateien"),
        (svg('<rect style="fill:url(http://x.example/a)"/>'), "nicht auf andere Dateien"),
        (svg('<rect style="fill:u\\72l(http://x.example/a)"/>'), "nicht auf andere Dateien"),
        (svg('<rect style="fill: url (http://x.example/a)"/>'), "nicht auf andere Dateien"),
        (svg('<rect style="fill:URL(&quot;http://x.example/a&quot;)"/>'), "nicht auf andere Dateien"),
        (svg('<rect fill="url(file:///etc/passwd)"/>'), "nicht auf andere Dateien"),
        (svg("<style>@import url(http://x.example/a.css);</style>"), "nicht auf andere Dateien"),
        (svg("<style>.a{fill:u\\72l(http://x.example/a)}</style>"), "nicht auf andere Dateien"),
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "DOCTYPE"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "kein gültiges XML"),
        (b"<html><body>no</body></html>", "PNG- oder SVG-Datei"),
    ],
)
def test_active_or_outside_content_is_refused_with_a_reason(ctx, given, message):
    with pytest.raises(SvgRefused, match=message):
        clean_svg(given)


@pytest.mark.parametrize("depth", [5, 6])
def test_the_use_bomb_of_issue_14_is_refused_at_upload(ctx, depth):
    bomb = use_bomb(depth)
    assert len(bomb) < 2500  # a small file ...
    with pytest.raises(UploadRefused, match="anwachsen"):  # ... that would draw 10**depth shapes
        check_logo(bomb)


def test_a_logo_of_moderate_size_with_use_references_is_accepted(ctx):
    assert b"<use" in check_logo(use_bomb(3))[0]


@pytest.mark.parametrize(
    "given, message",
    [
        ("<g>" * (MAX_DEPTH + 1) + "</g>" * (MAX_DEPTH + 1), "zu tief verschachtelt"),
        ('<rect width="1" height="1"/>' * (MAX_ELEMENTS + 1), "zu viele Elemente"),
        ('<g id="a"><use href="#a"/></g>', "auf sich selbst"),
        ('<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>', "auf sich selbst"),
    ],
    ids=["too deep", "too many elements", "refers to itself", "two refer to each other"],
)
def test_limits_of_depth_elements_and_references(ctx, given, message):
    with pytest.raises(SvgRefused, match=message):
        clean_svg(svg(given))


def image(kind: str, size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "given, formats, expected",
    [
        (image("PNG"), ("PNG", "JPEG"), "image/png"),
        (image("JPEG"), ("PNG", "JPEG"), "image/jpeg"),
        (image("JPEG"), ("PNG",), "kein Bild im erlaubten Format"),
        (image("GIF"), ("PNG", "JPEG"), "kein Bild im erlaubten Format"),
        (b"just text, named logo.png", ("PNG",), "kein Bild im erlaubten Format"),
        (image("PNG")[:60], ("PNG",), "beschädigt"),
        (image("PNG", (4100, 10)), ("PNG",), "höchstens 4000 Pixel"),
        (b"", ("PNG",), "ist leer"),
        (image("PNG") + b"\0" * (600 * 1024), ("PNG",), "zu groß"),
    ],
    ids=["png", "jpeg", "jpeg not allowed", "gif", "text", "truncated", "too wide", "empty", "too many bytes"],
)
def test_images_are_known_by_their_content_and_limited(ctx, given, formats, expected):
    if expected.startswith("image/"):
        assert check_image(given, what="Foto", formats=formats) == (given, expected)
    else:
        with pytest.raises(UploadRefused, match=expected):
            check_image(given, what="Foto", formats=formats, max_bytes=512 * 1024)


def pdf(pages: int = 1, password: str | None = None) -> bytes:
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page()
    buffer = io.BytesIO()
    encryption = pikepdf.Encryption(owner=password, user=password) if password else False
    document.save(buffer, encryption=encryption)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "given, expected",
    [
        (pdf(3), None),
        (pdf(6), "mehr als 5 Seiten"),
        (pdf(1, password="geheim"), "Kennwort"),
        (b"%PDF-1.7\nnothing else", "beschädigt"),
        (image("PNG"), "keine PDF-Datei"),
        (b"", "ist leer"),
    ],
    ids=["three pages", "too many pages", "encrypted", "broken", "an image", "empty"],
)
def test_pdfs_are_known_by_their_content_and_limited(ctx, given, expected):
    if expected is None:
        assert check_pdf(given, what="Projektbeschreibung", max_pages=5) == given
    else:
        with pytest.raises(UploadRefused, match=expected):
            check_pdf(given, what="Projektbeschreibung", max_pages=5)
