"""The logo on a certificate: a PNG, or an SVG rebuilt from what is allowed (see documents.uploads)."""

from __future__ import annotations

from events.certificates.errors import CertificateProblem
from events.documents import uploads


def check_logo(data: bytes) -> tuple[bytes, str]:
    """The logo and its content type, if it is a harmless PNG or SVG within the limits; else CertificateProblem."""
    try:
        return uploads.check_logo(data)
    except uploads.UploadRefused as refusal:
        raise CertificateProblem("logo_refused", reason=str(refusal)) from None
