"""Where a redirect may lead."""

from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """A redirect target only if it stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
