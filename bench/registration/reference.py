"""The bare reference for the registration benchmark: one Flask app on plain sqlite3, no ORM, no extensions.

It does what a registration must do at the least: serve a form with a signed anti-forgery token bound to a
cookie, and on post check the token, then in one BEGIN IMMEDIATE transaction look for the address, count the
confirmed places and insert the person as confirmed or with the next waiting-list position.
Served by gunicorn like the application: `gunicorn bench.registration.reference:app` with DATABASE_URL set.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
from datetime import UTC, datetime
from html import escape

from flask import Flask, redirect, request

from bench.reference import sqlite_per_request

app = Flask(__name__)
DATABASE = os.environ.get("DATABASE_URL", "").removeprefix("sqlite:///")
KEY = os.environ.get("SECRET_KEY", "reference").encode()
CAPACITY = int(os.environ.get("REFERENCE_CAPACITY", "500"))
SCHEMA = """
CREATE TABLE IF NOT EXISTS registrations (
    id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, first_name TEXT, last_name TEXT, organisation TEXT,
    status TEXT NOT NULL, position INTEGER, created_at TEXT NOT NULL
)
"""


def prepare(path: str) -> None:
    """Once, before the server starts: the table, and WAL mode (it stays with the file).

    Switching the journal mode from every worker's connection at once could fail with "database is locked".
    """
    with sqlite3.connect(path, isolation_level=None) as database:
        database.execute("PRAGMA journal_mode=WAL")
        database.execute(SCHEMA)


connection = sqlite_per_request(app, DATABASE)


def _token(session_id: str) -> str:
    return hmac.new(KEY, session_id.encode(), hashlib.sha256).hexdigest()


@app.get("/registration/<slug>")
def form(slug):
    session_id = request.cookies.get("sid") or secrets.token_hex(16)
    page = (
        f"<!doctype html><title>{escape(slug)}</title><form method=post>"
        f'<input name="csrf_token" type="hidden" value="{_token(session_id)}">'
        '<input name="first_name"><input name="last_name"><input name="email"><input name="organisation_name">'
        "<button>Anmelden</button></form>"
    )
    response = app.make_response(page)
    response.set_cookie("sid", session_id, httponly=True, samesite="Lax")
    return response


@app.post("/registration/<slug>")
def register(slug):
    session_id = request.cookies.get("sid", "")
    if not hmac.compare_digest(request.form.get("csrf_token", ""), _token(session_id)):
        return "forged", 400
    email = request.form.get("email", "").strip().lower()
    if "@" not in email or not request.form.get("privacy_consent"):
        return "invalid", 400
    database = connection()
    database.execute("BEGIN IMMEDIATE")
    try:
        if database.execute("SELECT 1 FROM registrations WHERE email = ?", (email,)).fetchone():
            database.execute("COMMIT")
            return redirect(f"/registration/{slug}/check-mail")  # the same answer for every address
        confirmed = database.execute("SELECT count(*) FROM registrations WHERE status = 'confirmed'").fetchone()[0]
        if confirmed < CAPACITY:
            status, position = "confirmed", None
        else:
            status = "waitlisted"
            position = database.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM registrations WHERE status = 'waitlisted'"
            ).fetchone()[0]
        database.execute(
            "INSERT INTO registrations (email, first_name, last_name, organisation, status, position, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                email,
                request.form.get("first_name", "")[:100],
                request.form.get("last_name", "")[:100],
                request.form.get("organisation_name", "")[:200],
                status,
                position,
                datetime.now(UTC).isoformat(),
            ),
        )
        database.execute("COMMIT")
    except Exception:
        database.execute("ROLLBACK")
        raise
    return redirect(f"/registration/{slug}/check-mail")
