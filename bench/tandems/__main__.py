"""Tandem benchmark: a guideline of 5 groups x 30 blocks with 20 versions each, served by gunicorn.

Figures: the shared draft page (GET /tandems/<id>/guideline, signed in as an organiser) as p50/p95 over sequential
and concurrent requests (target p95 <= 200 ms), against a bare reference (bench/tandems/reference.py: Flask on plain
sqlite3 with the same list) driven the same way; and the printed guideline (about 100 pages: title page, foreword,
table of contents with page numbers, 150 recommendations) compiled three times (target <= 10 s), with its page count
and size. The service renders it in the worker (POST .../guideline/print, then GET .../guideline.pdf); here the
queue runs each task where it is queued (JOBS_URL=immediate), so the POST's time is the render's.

Run: `python -m bench.tandems` (part of `make bench`). BENCH_DATABASE=postgresql uses the local PostgreSQL.
"""

from __future__ import annotations

import io
import os
import re
import sys
import threading
import time
from datetime import date, timedelta

import requests

from bench.certificates.__main__ import PASSWORD, sign_in  # the same organiser account
from bench.server import app_for, cpu_seconds, fresh_database, gunicorn, load_average, percentile

GROUPS = ("Oberbayern", "Niederbayern", "Oberpfalz", "Mittelfranken", "Schwaben")
BLOCKS_PER_GROUP = 30
VERSIONS = 20
CHAPTERS = 6
SEQUENTIAL = 100
CONCURRENT_CLIENTS = 4
CONCURRENT_EACH = 50
PDF_RUNS = 3
PARAGRAPH = (
    "Freiwilligenagentur und Integrationslotsin stimmen sich vor jeder Aktion ab, teilen Kontakte zu Vereinen, "
    "Helferkreisen und Migrantenorganisationen und treten gegenüber Presse und Kommune gemeinsam auf. "
    "So entstehen keine Parallelstrukturen, und Freiwillige finden schneller ein passendes Engagement. "
)


def seed(database_url: str) -> int:
    from sqlalchemy import select

    from events.core.models import Region, User, UserRole
    from events.core.types import utcnow
    from events.extensions import db
    from events.tandems.models import (
        BlockComment,
        BlockSuggestion,
        BlockVersion,
        GuidelineBlock,
        GuidelineChapter,
        Phase,
        TandemGroup,
        TandemProgramme,
    )

    app = app_for(database_url)
    with app.app_context():
        user = User(email="organiser@bench.example", display_name="Bench Organiser", active=True)
        user.set_password(PASSWORD)
        user.role_rows = [UserRole(role="organiser")]
        programme = TandemProgramme(
            title="Tandem-Projektgruppen (Benchmark)",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 11, 30),
            phase=Phase.COMMENTING,
            guideline_title="Leitfaden (Benchmark)",
            foreword=PARAGRAPH * 3,
            imprint="Herausgegeben vom Ministerium.",
        )
        chapters = [
            GuidelineChapter(programme=programme, position=n, title=f"Kapitel {n}: Zusammenarbeit im Tandem")
            for n in range(1, CHAPTERS + 1)
        ]
        db.session.add_all([user, programme, *chapters])
        now = utcnow()
        for region_name in GROUPS:
            region = db.session.scalar(select(Region).filter_by(name=region_name))
            group = TandemGroup(programme=programme, name=f"Tandem {region_name}", region=region, topic="Vernetzung")
            for n in range(BLOCKS_PER_GROUP):
                title = f"Empfehlung {n + 1} aus {region_name}"
                texts = [
                    f"{PARAGRAPH * (2 + n % 2)}\n\n- Fassung {v}: gemeinsam planen\n- Kontakte teilen"
                    for v in range(1, VERSIONS + 1)
                ]
                block = GuidelineBlock(
                    chapter=chapters[n % CHAPTERS],
                    group=group,
                    position=n,
                    title=title,
                    text=texts[-1],
                    version=VERSIONS,
                    state="accepted" if n % 3 else "in_review",
                    groups=[group],
                )
                block.versions = [
                    BlockVersion(number=v, title=title, text=text, author="Bench", saved_at=now - timedelta(hours=v))
                    for v, text in enumerate(texts, 1)
                ]
                block.comments = [BlockComment(author="Bench", text="Guter Punkt.") for _ in range(2)]
                if n % 3 == 0:
                    block.suggestions = [
                        BlockSuggestion(author="Bench", base_version=VERSIONS, text=texts[-1] + " Neu.")
                    ]
                db.session.add(block)
        db.session.commit()
        return programme.id


def change_one_block(database_url: str, run: int) -> None:
    from events.extensions import db
    from events.tandems.models import GuidelineBlock

    app = app_for(database_url)
    with app.app_context():
        block = db.session.get(GuidelineBlock, 1)
        block.text = f"{block.text} (Änderung {run})"
        db.session.commit()


def rendering_cpu_seconds(database_url: str, programme_id: int) -> tuple[float, float]:
    """CPU seconds of this process to gather the guideline's contents and HTML, and to lay it out and write the
    tagged PDF (what the renderer's child process does): the server's own CPU figure misses the child."""
    from events.extensions import db
    from events.tandems import printing
    from events.tandems.models import TandemProgramme

    app = app_for(database_url)
    with app.test_request_context():
        start = time.process_time()
        html = printing.guideline_html(printing.guideline_contents(db.session.get(TandemProgramme, programme_id)))
        gathered = time.process_time() - start
        start = time.process_time()
        printing._tagged_pdf(html)
        return gathered, time.process_time() - start


def printed(session, base: str, programme_id: int):
    """Ask for the printed guideline (rendered, or the print of an unchanged text reused) and download it."""
    session.post(
        f"{base}/tandems/{programme_id}/guideline/print",
        data={"csrf_token": csrf_of(session, base, programme_id)},
        timeout=300,
    )
    return session.get(f"{base}/tandems/{programme_id}/guideline.pdf", timeout=300)


def csrf_of(session, base: str, programme_id: int) -> str:
    page = session.get(f"{base}/tandems/{programme_id}/guideline/print", timeout=300).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def measure_page(make_session, url: str, check: str) -> list[float]:
    """Latencies in ms: SEQUENTIAL requests, then CONCURRENT_CLIENTS clients with CONCURRENT_EACH each."""
    session = make_session()
    assert check in session.get(url).text  # warm, and the right page
    latencies = []
    for _ in range(SEQUENTIAL):
        start = time.perf_counter()
        response = session.get(url)
        latencies.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    lock = threading.Lock()

    def client():
        own = make_session()
        for _ in range(CONCURRENT_EACH):
            start = time.perf_counter()
            response = own.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(CONCURRENT_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def line(label: str, latencies: list[float], cpu: float) -> str:
    return (
        f"{label}: p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms over "
        f"{len(latencies)} requests ({SEQUENTIAL} one after another, then {CONCURRENT_CLIENTS} clients at once); "
        f"server CPU {cpu / len(latencies) * 1000:.1f} ms a request; load {load_average():.1f}, cores {os.cpu_count()}"
    )


def measured(base: str, run):
    """What run() returns, and the server's CPU seconds it took."""
    before = cpu_seconds(base)
    result = run()
    return result, cpu_seconds(base) - before


def main() -> int:
    import pikepdf

    kind = os.environ.get("BENCH_DATABASE", "sqlite")
    database_url = fresh_database(kind, "tandems")
    programme_id = seed(database_url)
    # a 100-page PDF on a busy machine may take longer than gunicorn's 30 s default
    with gunicorn(
        database_url,
        workers=2,
        threads=1,
        RATELIMIT_ENABLED="false",
        JOBS_URL="immediate",  # the render runs in the POST that asks for it, so it can be timed there
        GUNICORN_CMD_ARGS="--timeout 180",
    ) as base:

        def organiser():
            session = requests.Session()
            sign_in(session, base)
            return session

        draft_url = f"{base}/tandems/{programme_id}/guideline"
        draft, cpu = measured(base, lambda: measure_page(organiser, draft_url, "Empfehlung 30 aus Schwaben"))
        print(line("draft page (5 groups x 30 blocks, 20 versions each)", draft, cpu), flush=True)
        session = organiser()
        times, cpus, pdf = [], [], b""
        for run in range(PDF_RUNS):
            if run:  # a change to the guideline: the PDF kept for the old text no longer serves
                change_one_block(database_url, run)
            start = time.perf_counter()
            response, cpu = measured(base, lambda: printed(session, base, programme_id))
            times.append(time.perf_counter() - start)
            cpus.append(cpu)
            assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
            pdf = response.content
        start = time.perf_counter()
        response = printed(session, base, programme_id)
        kept = time.perf_counter() - start
        pages = len(pikepdf.open(io.BytesIO(pdf)).pages)
        print(
            f"guideline PDF: {pages} pages, {len(pdf) / 1e6:.1f} MB, wall {', '.join(f'{t:.2f}' for t in times)} s, "
            f"server CPU {', '.join(f'{c:.2f}' for c in cpus)} s; unchanged guideline again {kept * 1000:.0f} ms; "
            f"load {load_average():.1f}, cores {os.cpu_count()}",
            flush=True,
        )
    gathered, laid_out = rendering_cpu_seconds(database_url, programme_id)
    print(
        f"guideline PDF in one process: contents and HTML {gathered:.2f} s CPU, "
        f"layout and tagged PDF {laid_out:.2f} s CPU"
    )
    if kind == "sqlite":
        with gunicorn(database_url, workers=2, threads=1, app="bench.tandems.reference:app") as base:
            reference_url = f"{base}/guideline/{programme_id}"
            reference, cpu = measured(base, lambda: measure_page(requests.Session, reference_url, "Empfehlung 30"))
            print(line("reference (Flask + sqlite3, same list)", reference, cpu), flush=True)
            ratio = percentile(draft, 0.95) / percentile(reference, 0.95)
            print(f"ratio draft page / reference at p95: {ratio:.1f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
