"""Many people registering through the real HTML form at the same moment, against a running server."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import requests

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def form_token(session: requests.Session, url: str) -> str:
    """The CSRF token of the form at url. The connection is not kept alive: the server closes an idle connection
    after two seconds, which a post after waiting for the others would find closed."""
    return CSRF.search(session.get(url, headers={"Connection": "close"}, timeout=60).text).group(1)


def register_concurrently(url_of: Callable[[int], str], count: int) -> list[int]:
    """Person n fetches the registration form at url_of(n); all post at the same moment; the answers' statuses."""
    barrier = threading.Barrier(count)

    def register(n: int) -> int:
        with requests.Session() as session:
            token = form_token(session, url_of(n))
            barrier.wait(timeout=120)
            return session.post(
                url_of(n),
                data={
                    "csrf_token": token,
                    "first_name": "Person",
                    "last_name": f"Nummer {n}",
                    "email": f"person{n}@example.org",
                    "language": "de",
                    "privacy_consent": "y",
                },
                allow_redirects=False,
                timeout=120,
            ).status_code

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(register, range(count)))
