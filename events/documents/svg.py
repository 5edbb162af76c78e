"""SVG files from outside (logos): parsed, checked against limits, and rebuilt from an allow-list.

Nothing is pattern-matched on the text. The file is parsed with defusedxml (no DTD, no entities), and a new
document is written from what is allowed: known SVG elements and attributes, local references (`#id`) only,
CSS parsed with tinycss2 (so `u\\72l(`, `URL (` and the like are seen for what they are) and kept only as
declarations of known properties. Comments, processing instructions (`<?xml-stylesheet?>`), metadata of
drawing programs and everything unknown are dropped. Active or outside content (scripts, event handlers,
embedded documents, references to files or addresses) is refused, so that the person uploading learns that
their file is not what they meant to send.

Limits keep a small file from becoming a large drawing: the nesting depth, the number of elements, and the
number of elements after every `<use>` is expanded (the "<use> bomb": 1 KB that draws a million shapes).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import tinycss2
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from flask_babel import gettext as _

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

MAX_DEPTH = 24  # nesting of elements, also through <use>
MAX_ELEMENTS = 5000  # elements in the file
MAX_EXPANDED_ELEMENTS = 10000  # elements drawn once every <use> is expanded

ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "style", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath",
    "mask", "pattern", "switch",
}  # fmt: skip
TEXT_ELEMENTS = {"title", "desc", "style", "text", "tspan", "textPath"}
REFERRING_ELEMENTS = {"use", "linearGradient", "radialGradient", "pattern", "textPath"}  # may carry href="#id"
PROPERTIES = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "clip-path",
    "clip-rule", "mask", "stop-color", "stop-opacity", "color", "display", "visibility", "font-family",
    "font-size", "font-weight", "font-style", "font-variant", "font-stretch", "text-anchor", "dominant-baseline",
    "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing", "text-decoration", "paint-order",
    "vector-effect", "shape-rendering", "text-rendering", "isolation", "mix-blend-mode", "overflow",
    "transform", "transform-origin",
}  # fmt: skip
ATTRIBUTES = PROPERTIES | {
    "id", "class", "style", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx",
    "ry", "fx", "fy", "fr", "d", "points", "pathLength", "offset", "preserveAspectRatio", "gradientUnits",
    "gradientTransform", "spreadMethod", "patternUnits", "patternContentUnits", "patternTransform",
    "clipPathUnits", "maskUnits", "maskContentUnits", "dx", "dy", "rotate", "textLength", "lengthAdjust",
    "startOffset", "version", "href",
}  # fmt: skip
FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "matrix", "translate", "scale", "rotate", "skewx", "skewy", "var"}
ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}


class SvgRefused(ValueError):
    """The SVG file is refused; the message says why, in the reader's language."""


def _split(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree name."""
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return namespace, local
    return "", name


# --- outside references ---------------------------------------------------------------------------------------


def _references(tokens) -> list[str]:
    """Every url(...) in CSS tokens, however spelled: url tokens, url("...") functions and `url (...)`."""
    found = []
    previous_ident_url = False
    for token in tokens:
        if token.type == "url":
            found.append(token.value)
        elif token.type == "function":
            if token.lower_name == "url":
                found.append("".join(t.value for t in token.arguments if t.type == "string") or "?")
            found.extend(_references(token.arguments))
        elif token.type in ("() block", "[] block", "{} block"):
            if previous_ident_url:
                found.append(tinycss2.serialize(token.content).strip() or "?")
            found.extend(_references(token.content))
        elif token.type in ("qualified-rule", "at-rule"):
            found.extend(_references(token.prelude))
            found.extend(_references(token.content or []))
        elif token.type == "declaration":
            found.extend(_references(token.value))
        if token.type == "ident":
            previous_ident_url = token.lower_value == "url"
        elif token.type != "whitespace":
            previous_ident_url = False
    return found


def _is_local(reference: str) -> bool:
    return reference.strip().startswith("#")


def _refuse_outside_references(tokens) -> None:
    if not all(_is_local(reference) for reference in _references(tokens)):
        raise SvgRefused(_("Das SVG-Logo darf nicht auf andere Dateien oder Adressen verweisen."))


def _refuse_active_or_outside_content(root) -> None:
    """Scripts, event handlers, embedded documents and references to files or addresses are refused."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = _split(element.tag)[1]
        if local.lower() in ACTIVE_ELEMENTS:
            raise SvgRefused(_("Das SVG-Logo darf keine Skripte oder eingebetteten Inhalte enthalten."))
        for name, value in element.attrib.items():
            attribute = _split(name)[1].lower()
            if attribute.startswith("on"):
                raise SvgRefused(_("Das SVG-Logo darf keine Skripte oder eingebetteten Inhalte enthalten."))
            if attribute in {"href", "src"} and not _is_local(value):
                raise SvgRefused(_("Das SVG-Logo darf nicht auf andere Dateien oder Adressen verweisen."))
            if "(" in value or "\\" in value:
                tokens = (
                    tinycss2.parse_declaration_list(value)
                    if attribute == "style"
                    else tinycss2.parse_component_value_list(value)
                )
                _refuse_outside_references(tokens)
        if local == "style" and element.text:
            rules = tinycss2.parse_stylesheet(element.text, skip_comments=True, skip_whitespace=True)
            if any(rule.type == "at-rule" and rule.lower_at_keyword == "import" for rule in rules):
                raise SvgRefused(_("Das SVG-Logo darf nicht auf andere Dateien oder Adressen verweisen."))
            _refuse_outside_references(rules)


# --- limits ---------------------------------------------------------------------------------------------------


def _refuse_large_trees(root) -> None:
    """Depth and number of elements of the file as written, counted without recursion."""
    count, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise SvgRefused(_("Das SVG-Logo ist zu tief verschachtelt (mehr als %(depth)d Ebenen).", depth=MAX_DEPTH))
        if count > MAX_ELEMENTS:
            raise SvgRefused(_("Das SVG-Logo hat zu viele Elemente (mehr als %(count)d).", count=MAX_ELEMENTS))
        stack.extend((child, depth + 1) for child in element)


def _refuse_large_drawings(root) -> None:
    """The drawing with every <use> replaced by what it refers to: no deeper than MAX_DEPTH, no larger than
    MAX_EXPANDED_ELEMENTS, and no reference to itself."""
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(element, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise SvgRefused(_("Das SVG-Logo ist zu tief verschachtelt (mehr als %(depth)d Ebenen).", depth=MAX_DEPTH))
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in visiting:
            raise SvgRefused(_("Das SVG-Logo verweist mit <use> auf sich selbst."))
        visiting.add(key)
        total = 1 + sum(size(child, depth + 1) for child in element)
        reference = element.get("href") or element.get(f"{{{XLINK_NS}}}href") or ""
        target = by_id.get(reference.strip().removeprefix("#"))
        if _split(element.tag)[1] == "use" and target is not None:
            total += size(target, depth + 1)
        visiting.discard(key)
        if total > MAX_EXPANDED_ELEMENTS:
            raise SvgRefused(
                _(
                    "Das SVG-Logo würde beim Zeichnen auf mehr als %(count)d Elemente anwachsen (verschachtelte "
                    "<use>-Verweise). Bitte laden Sie eine einfachere Datei oder eine PNG-Datei hoch.",
                    count=MAX_EXPANDED_ELEMENTS,
                )
            )
        sizes[key] = total
        return total

    size(root, 1)


# --- rebuilding -----------------------------------------------------------------------------------------------


def _clean_declarations(declarations) -> str:
    """Only known properties whose values use known functions and local references."""
    kept = []
    for declaration in declarations:
        if declaration.type != "declaration" or declaration.lower_name not in PROPERTIES:
            continue
        if not _harmless_value(declaration.value):
            continue
        important = " !important" if declaration.important else ""
        kept.append(f"{declaration.name}:{tinycss2.serialize(declaration.value).strip()}{important}")
    return ";".join(kept)


def _harmless_value(tokens) -> bool:
    for token in tokens:
        if token.type == "url" and not _is_local(token.value):
            return False
        if token.type == "function":
            if token.lower_name == "url":
                return False  # url("...") spelled as a function: only url(#id) is kept
            if token.lower_name not in FUNCTIONS or not _harmless_value(token.arguments):
                return False
        if token.type in ("() block", "[] block", "{} block", "at-keyword", "bad-url", "bad-string", "error"):
            return False
    return True


def _clean_stylesheet(css: str) -> str:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept = []
    for rule in rules:
        if rule.type != "qualified-rule":
            continue  # at-rules (@import, @font-face, @media ...) and parse errors
        declarations = _clean_declarations(tinycss2.parse_declaration_list(rule.content))
        selector = tinycss2.serialize(rule.prelude).strip()
        if declarations and "<" not in selector:
            kept.append(f"{selector}{{{declarations}}}")
    return "".join(kept)


def _clean_attribute(element_name: str, name: str, value: str) -> tuple[str, str] | None:
    """(name as written, value) of an allowed attribute, or None to drop it."""
    namespace, local = _split(name)
    if namespace == XLINK_NS and local == "href":
        local = "xlink:href"
    elif namespace == XML_NS and local == "space":
        return ("xml:space", value) if value in ("default", "preserve") else None
    elif namespace or local not in ATTRIBUTES:
        return None
    if local in ("href", "xlink:href"):
        return (local, value.strip()) if element_name in REFERRING_ELEMENTS and _is_local(value) else None
    if local == "style":
        cleaned = _clean_declarations(tinycss2.parse_declaration_list(value))
        return ("style", cleaned) if cleaned else None
    if "(" in value and not _harmless_value(tinycss2.parse_component_value_list(value)):
        return None
    return local, value


def _write(element, out: list[str], root: bool = False) -> bool:
    """Write an allowed element and what it holds; returns whether it used xlink:href."""
    namespace, name = _split(element.tag)
    if namespace != SVG_NS or name not in ELEMENTS:
        return False
    attributes = [
        cleaned for key, value in element.attrib.items() if (cleaned := _clean_attribute(name, key, value)) is not None
    ]
    xlink = any(key == "xlink:href" for key, _value in attributes)
    start = len(out)
    out.append(f"<{name}")
    if root:
        out.append(f' xmlns="{SVG_NS}"')
    out.extend(f' {key}="{escape(value, {chr(34): "&quot;"})}"' for key, value in attributes)
    inner: list[str] = []
    if name == "style":
        inner.append(escape(_clean_stylesheet(element.text or "")))
    elif name in TEXT_ELEMENTS and element.text:
        inner.append(escape(element.text))
    for child in element:
        if not isinstance(child.tag, str):
            continue
        xlink = _write(child, inner) or xlink
        if name in TEXT_ELEMENTS and child.tail:
            inner.append(escape(child.tail))
    if root and xlink:
        out.insert(start + 2, f' xmlns:xlink="{XLINK_NS}"')
    out.append(f">{''.join(inner)}</{name}>" if inner else "/>")
    return xlink


def clean_svg(data: bytes) -> bytes:
    """The SVG rebuilt from what is allowed, or SvgRefused with a message that says why it is refused."""
    head = data[:2048].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise SvgRefused(_("Das SVG-Logo darf keine DOCTYPE- oder ENTITY-Angaben enthalten."))
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise SvgRefused(_("Das SVG-Logo darf keine DOCTYPE- oder ENTITY-Angaben enthalten.")) from None
    except SafeElementTree.ParseError:
        raise SvgRefused(_("Die SVG-Datei ist kein gültiges XML.")) from None
    if _split(root.tag) != (SVG_NS, "svg"):
        raise SvgRefused(_("Das Logo muss eine PNG- oder SVG-Datei sein."))
    _refuse_large_trees(root)
    _refuse_active_or_outside_content(root)
    out: list[str] = []
    _write(root, out, root=True)
    cleaned = "".join(out).encode()
    _refuse_large_drawings(SafeElementTree.fromstring(cleaned))
    return cleaned
