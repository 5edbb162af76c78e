"""The plain values of certificate pages and documents, and rendering them with the shared PDF renderer."""

from __future__ import annotations

import re

from babel.dates import format_date
from flask import current_app
from flask_babel import gettext as _

from events.certificates.kinds import KIND_LABELS, kind_of
from events.certificates.models import Certificate, CertificateBatch
from events.certificates.wording import CERTIFICATE_LANGUAGE, local_today, long_date
from events.core.languages import force_language
from events.core.search import fold
from events.core.timezone import berlin_date
from events.documents.rendering import (
    data_url,
    render_documents,
    render_pdf,
    safe_filename,
    warm_up_with,
)

MAX_SIGNATORIES = 3
SEAL_TEXT_LENGTH = 80  # as much of the issuer's name as the seal holds in its smallest type
DESIGNS = ("classic", "modern")
TEMPLATE = "certificate.html"  # in templates/pdf: a first page with what all share, then one page per certificate
QR_SIZE_MM = 22


def verification_url(code: str) -> str:
    return f"{current_app.config['BASE_URL']}/certificates/v/{code}"


def _seal_size(text: str) -> str:
    """Type size of the seal's words, so that they stay inside its 24 mm circle whole: a seal's words are never
    hyphenated ("STAATSMINISTERIUM" in smaller type rather than "STAATSMINI-STERIUM")."""
    longest = max((len(word) for word in text.split()), default=0)
    if longest <= 10 and len(text) <= 30:
        return "l"
    if longest <= 13 and len(text) <= 50:
        return "m"
    return "s" if longest <= 15 else "xs"


def _name_size(name: str) -> str:
    length = len(name)
    return "xl" if length <= 32 else "l" if length <= 60 else "m" if length <= 120 else "s"


def page_for(certificate: Certificate) -> dict:
    """The plain values of one certificate page."""
    details = certificate.details or {}
    url = verification_url(certificate.code)
    paragraphs = [
        [line.strip() for line in block.splitlines() if line.strip()]
        for block in re.split(r"\n\s*\n", certificate.body.replace("\r\n", "\n"))
        if block.strip()
    ]
    with force_language(CERTIFICATE_LANGUAGE):
        kind_label = str(KIND_LABELS.get(certificate.kind, ""))
    if fold(kind_label) in fold(certificate.title):  # "Teilnahmebescheinigung" above "Teilnahmebescheinigung"
        kind_label = ""
    kind = kind_of(certificate.kind)
    detail_line = kind.detail_line(details.get("values", {})) if kind else ""
    attended = []  # the workshops and hours attended, when the batch lists them (certificates.attendance)
    with force_language(CERTIFICATE_LANGUAGE):
        if details.get("workshops"):
            attended.append(_("Besuchte Workshops: %(workshops)s", workshops="; ".join(details["workshops"])))
        if details.get("hours"):
            attended.append(_("Umfang der Teilnahme: %(hours)s", hours=details["hours"]))
    return {
        "kind_label": kind_label,
        "title": certificate.title,
        "name": certificate.recipient_name,
        "name_size": _name_size(certificate.recipient_name),
        "paragraphs": paragraphs,
        "details": detail_line,
        "attended": attended,
        "serial": certificate.serial,
        "issued": format_date(berlin_date(certificate.issued_at), "dd.MM.y", locale="de"),
        "verify_url": url,
        "short_url": url.split("://", 1)[-1],
    }


def document_settings(batch: CertificateBatch, issuer: str) -> dict:
    """The plain values every page of a batch shares."""
    issue_date = batch.issue_date or local_today()
    with force_language(CERTIFICATE_LANGUAGE):
        labels = {"serial": _("Nr."), "issued": _("ausgestellt am"), "verify": _("Echtheit prüfen:")}
        document_title = str(KIND_LABELS.get(batch.kind, _("Urkunde")))
    place_date = f"{batch.place}, {long_date(issue_date)}" if batch.place else long_date(issue_date)
    seal_text = issuer[:SEAL_TEXT_LENGTH]
    return {
        "design": batch.design,
        "language": CERTIFICATE_LANGUAGE,
        "document_title": document_title,
        "logo_url": data_url(batch.logo_type, batch.logo) if batch.logo else None,
        "seal_text": seal_text,
        "seal_size": _seal_size(seal_text),
        "signatories": [
            {"name": s.get("name", ""), "office": s.get("office", "")}
            for s in (batch.signatories or [])[:MAX_SIGNATORIES]
            if s.get("name")
        ],
        "place_date": place_date,
        "labels": labels,
    }


def _shared(settings: dict) -> dict:
    design = settings.get("design") if settings.get("design") in DESIGNS else DESIGNS[0]
    return {**settings, "design": design, "qr_size_mm": QR_SIZE_MM}


def render_certificates(pages: list[dict], settings: dict) -> bytes:
    """One PDF document with one A4 page per certificate, each with the QR code of its `verify_url`.

    The template's first page holds what the certificates share; it is drawn under each of them (see
    documents.rendering). Raises RenderingFailed.
    """
    return render_pdf(
        TEMPLATE,
        {**_shared(settings), "pages": pages},
        qr_codes=[page["verify_url"] for page in pages],
        qr_size_mm=QR_SIZE_MM,
        background_page=True,
    )


def render_certificate_groups(groups: list[list[dict]], settings: dict, workers: int | None):
    """Each group of certificate pages as its own document, up to `workers` side by side: yields (index of the
    group, PDF) as each is done (see documents.rendering.render_documents)."""
    return render_documents(
        TEMPLATE,
        _shared(settings),
        groups,
        items_key="pages",
        qr_key="verify_url",
        qr_size_mm=QR_SIZE_MM,
        background_page=True,
        workers=workers or 2,
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    """One certificate rendered on demand."""
    return render_certificates([page_for(certificate)], document_settings(certificate.batch, certificate.issuer))


def pdf_filename(name: str, serial: str) -> str:
    """A file name for one person's certificate: their name (umlauts kept) and the serial."""
    return f"{safe_filename(name, 'Urkunde')} ({serial}).pdf"


def _warm_up_sample(design: str) -> dict:
    page = {
        "kind_label": "Urkunde",
        "title": "Teilnahmebescheinigung",
        "name": "Erika Mustermann",
        "name_size": "xl",
        "paragraphs": [["hat am 6. Dezember 2026 an der Veranstaltung teilgenommen."]],
        "details": "1. Platz · Ehrenamt",
        "serial": "TP-2026-00001",
        "issued": "06.12.2026",
        "verify_url": "https://treffpunkt.example/certificates/v/x",
        "short_url": "treffpunkt.example/certificates/v/x",
    }
    settings = {
        "design": design,
        "language": "de",
        "document_title": "Urkunde",
        "logo_url": None,
        "seal_text": "Programm Integrationslotsinnen und -lotsen",
        "seal_size": "s",
        "signatories": [{"name": "Dr. Maria Huber", "office": "Staatsministerin"}],
        "place_date": "München, 6. Dezember 2026",
        "labels": {"serial": "Nr.", "issued": "ausgestellt am", "verify": "Echtheit prüfen:"},
    }
    return {**_shared(settings), "pages": [page]}


for _design in DESIGNS:
    warm_up_with(
        __name__,
        TEMPLATE,
        _warm_up_sample(_design),
        qr_codes=("https://treffpunkt.example/certificates/v/x",),
        qr_size_mm=QR_SIZE_MM,
        background_page=True,
    )
