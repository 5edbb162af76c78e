"""The logo on a certificate: a harmless PNG or SVG no larger than the limits."""

from __future__ import annotations

import io
import re

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from events.certificates.wording import CertificateProblem

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4000


_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_SVG_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "handler"}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def check_logo(data: bytes) -> tuple[bytes, str]:
    """The logo and its content type, if it is a harmless PNG or SVG no larger than the limit."""
    if not data:
        raise CertificateProblem(_("Die Logo-Datei ist leer."))
    if len(data) > MAX_LOGO_BYTES:
        raise CertificateProblem(_("Das Logo ist zu groß (höchstens %(size)d KB).", size=MAX_LOGO_BYTES // 1024))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                if image.format != "PNG":
                    raise UnidentifiedImageError
                width, height = image.size
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise CertificateProblem(_("Die PNG-Datei ist beschädigt.")) from None
        if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
            raise CertificateProblem(
                _("Das Logo ist zu groß (höchstens %(pixels)d Pixel breit und hoch).", pixels=MAX_LOGO_PIXELS)
            )
        return data, "image/png"
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return _check_svg(data), "image/svg+xml"
    raise CertificateProblem(_("Das Logo muss eine PNG- oder SVG-Datei sein."))


def _check_svg(data: bytes) -> bytes:
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise CertificateProblem(_("Das SVG-Logo darf keine DOCTYPE- oder ENTITY-Angaben enthalten."))
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise CertificateProblem(_("Das SVG-Logo darf keine DOCTYPE- oder ENTITY-Angaben enthalten.")) from None
    except SafeElementTree.ParseError:
        raise CertificateProblem(_("Die SVG-Datei ist kein gültiges XML.")) from None
    if _local(root.tag) != "svg":
        raise CertificateProblem(_("Das Logo muss eine PNG- oder SVG-Datei sein."))
    for element in root.iter():
        if _local(element.tag) in _FORBIDDEN_SVG_ELEMENTS:
            raise CertificateProblem(_("Das SVG-Logo darf keine Skripte oder eingebetteten Inhalte enthalten."))
        for name, value in element.attrib.items():
            local = _local(name)
            if local.startswith("on"):
                raise CertificateProblem(_("Das SVG-Logo darf keine Skripte oder eingebetteten Inhalte enthalten."))
            if local in {"href", "src"} and not value.strip().startswith("#"):
                raise CertificateProblem(_("Das SVG-Logo darf nicht auf andere Dateien oder Adressen verweisen."))
            if "url(" in value.lower() and not re.fullmatch(r"\s*url\(\s*#[^)]*\)\s*", value):
                raise CertificateProblem(_("Das SVG-Logo darf nicht auf andere Dateien oder Adressen verweisen."))
        if _local(element.tag) == "style" and element.text and re.search(r"url\(|@import", element.text, re.I):
            raise CertificateProblem(_("Das SVG-Logo darf nicht auf andere Dateien oder Adressen verweisen."))
    return data
