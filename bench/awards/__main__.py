"""Awards benchmark: `python -m bench.awards` (part of `make bench`).

A regional programme with 300 admitted nominations and a jury of 10, all scored on three weighted criteria and a
yes/no one (12,000 scores); 20 declared conflicts, so the jurors scored different subsets and the normalisation
runs; 10 nominations on the shortlist, ranked by every juror, for the Schulze proposal. gunicorn with 2 workers on
127.0.0.1 serves the application; from this process, signed in through the login form:
  1. the chair's results page (figures, normalisation, Schulze) is fetched REQUESTS times (target p95 <= 300 ms),
  2. a juror's list of their 300 nominations in their own random order (target p95 <= 150 ms).
Printed per page: rate, p50 and p95 of the wall-clock latency, and the server's CPU time per request (gunicorn
master and workers, from /proc), which hardly depends on what else the shared machine is doing.
BENCH_DATABASE=postgresql runs it on the local PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
from datetime import date, timedelta

import requests

from bench.server import app_for, cpu_seconds, fresh_database, gunicorn, load_average, percentile, summary_line

NOMINATIONS = 300
JURORS = 10
CONFLICTS = 20
SHORTLIST = 10
REQUESTS = int(os.environ.get("BENCH_AWARDS_REQUESTS", "60"))
PASSWORD = "benchmark-passwort-0123"
TARGETS_MS = {"results": 300.0, "jury list": 150.0}


def seed(database_url: str) -> int:
    """The programme, nominations, jury, scores and rankings, written in bulk; returns the programme's id."""
    from sqlalchemy import insert, select

    from events.awards.models import (
        ConflictDeclaration,
        Criterion,
        JuryMember,
        JuryReview,
        Nomination,
        RoundKind,
        RoundState,
        Score,
    )
    from events.awards.programmes import create_programme
    from events.core.models import District, Region, User, UserRole
    from events.core.types import utcnow
    from events.extensions import db

    rng = random.Random(16)
    app = app_for(database_url)
    with app.test_request_context():
        region = db.session.scalars(select(Region).where(Region.name == "Niederbayern")).one()
        districts = db.session.scalars(select(District.id).where(District.region_id == region.id)).all()
        programme = create_programme(
            {
                "name": "Integration vor Ort",
                "edition": 2026,
                "scope": "region",
                "state": "Bayern",
                "region_id": region.id,
                "deadline": utcnow() + timedelta(days=30),
                "min_active_months": 12,
                "questions": [],
            }
        )
        criteria = [
            Criterion(programme=programme, name="Wirkung", weight=2.0, position=0),
            Criterion(programme=programme, name="Beteiligung", weight=1.5, position=1),
            Criterion(programme=programme, name="Nachhaltigkeit", weight=1.0, position=2),
            Criterion(programme=programme, name="Übertragbar", counts=False, scale_min=0, scale_max=1, position=3),
        ]
        db.session.add_all(criteria)
        programme.status = "published"
        for round_ in programme.rounds:
            round_.state = RoundState.OPEN if round_.kind == RoundKind.SCORING else RoundState.PLANNED
            if round_.kind == RoundKind.SCREENING:
                round_.state = RoundState.CLOSED
        users = []
        for n in range(JURORS):
            user = User(email=f"juror{n}@bench.example", display_name=f"Juror {n}", role_rows=[UserRole(role="jury")])
            user.set_password(PASSWORD)
            users.append(user)
        organiser = User(
            email="organiser@bench.example", display_name="Organiser", role_rows=[UserRole(role="organiser")]
        )
        db.session.add_all([*users, organiser])
        db.session.commit()
        members = [JuryMember(programme_id=programme.id, user_id=u.id, is_chair=n == 0) for n, u in enumerate(users)]
        db.session.add_all(members)
        db.session.commit()
        now = utcnow()
        db.session.execute(
            insert(Nomination),
            [
                {
                    "programme_id": programme.id,
                    "route": "self",
                    "state": "eligible",
                    "project_name": f"Projekt {n:03d}",
                    "description": "Ehrenamtliche und Neuzugewanderte gestalten gemeinsam Angebote vor Ort.",
                    "active_since": date(2020, 1, 1),
                    "district_id": rng.choice(districts),
                    "region_id": region.id,
                    "organisation_name": f"Verein {n:03d}",
                    "contact_name": f"Kontakt {n}",
                    "contact_email": f"projekt{n}@bench.example",
                    "answers": {},
                    "link_nonce": f"{n:032x}",
                    "token_hash": f"bench-{n:058d}",
                    "consent_at": now,
                    "consent_text": "Einverstanden.",
                    "submitted_at": now,
                    "shortlisted": n < SHORTLIST,
                }
                for n in range(NOMINATIONS)
            ],
        )
        nomination_ids = db.session.scalars(select(Nomination.id).order_by(Nomination.id)).all()
        conflicted = {(rng.choice(members).id, rng.choice(nomination_ids)) for _ in range(CONFLICTS)}
        db.session.execute(
            insert(ConflictDeclaration),
            [
                {"jury_member_id": m, "nomination_id": n, "state": "declared", "source": "declared", "note": ""}
                for m, n in conflicted
            ],
        )
        quality = {n: rng.uniform(1.5, 4.5) for n in nomination_ids}
        strictness = {m.id: rng.uniform(-0.8, 0.8) for m in members}
        scores, reviews = [], []
        scoring_round = programme.round_of(RoundKind.SCORING).id
        for member in members:
            ranked = sorted(nomination_ids[:SHORTLIST], key=lambda n: -quality[n] + rng.uniform(-0.5, 0.5))
            for nomination_id in nomination_ids:
                if (member.id, nomination_id) in conflicted:
                    continue
                for criterion in criteria:
                    base = quality[nomination_id] + strictness[member.id] + rng.uniform(-0.7, 0.7)
                    value = rng.randint(0, 1) if not criterion.counts else max(1, min(5, round(base)))
                    scores.append(
                        {
                            "round_id": scoring_round,
                            "jury_member_id": member.id,
                            "nomination_id": nomination_id,
                            "criterion_id": criterion.id,
                            "value": value,
                        }
                    )
                rank = ranked.index(nomination_id) + 1 if nomination_id in ranked else None
                reviews.append(
                    {
                        "jury_member_id": member.id,
                        "nomination_id": nomination_id,
                        "comment": "",
                        "abstained": False,
                        "abstain_reason": "",
                        "submitted_at": now,
                        "shortlist_rank": rank,
                    }
                )
        db.session.execute(insert(Score), scores)
        db.session.execute(insert(JuryReview), reviews)
        db.session.commit()
        print(f"seeded: {NOMINATIONS} nominations, {JURORS} jurors, {len(scores)} scores, {len(conflicted)} conflicts")
        return programme.id


def signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    response = session.post(
        f"{base}/accounts/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.status_code
    return session


def measure(session: requests.Session, url: str, expect: str) -> list[float]:
    session.get(url)  # warm the worker
    latencies = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = session.get(url)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and expect in response.text, (response.status_code, url)
    return latencies


def run() -> int:
    kind = os.environ.get("BENCH_DATABASE", "sqlite")
    database_url = fresh_database(kind, "awards")
    programme_id = seed(database_url)
    failed = 0
    with gunicorn(database_url, workers=2) as base:
        chair, juror = signed_in(base, "juror0@bench.example"), signed_in(base, "juror1@bench.example")
        for label, session, path, expect in (
            ("results", chair, f"/awards/jury/{programme_id}/results", "Schulze"),
            ("jury list", juror, f"/awards/jury/{programme_id}", "Projekt 299"),
        ):
            started, cpu_before = time.perf_counter(), cpu_seconds(base)
            latencies = measure(session, base + path, expect)
            cpu_ms = (cpu_seconds(base) - cpu_before) * 1000 / (len(latencies) + 1)  # + the warm-up request
            print(summary_line(f"awards {label} ({kind})", len(latencies), time.perf_counter() - started, latencies))
            print(f"  server CPU per request {cpu_ms:.1f} ms; load average {load_average():.1f}")
            p95 = percentile(latencies, 0.95)
            verdict = "ok" if p95 <= TARGETS_MS[label] else "MISSED"
            print(f"  target p95 <= {TARGETS_MS[label]:.0f} ms: {verdict} ({p95:.1f} ms)")
            failed += verdict != "ok"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run())
