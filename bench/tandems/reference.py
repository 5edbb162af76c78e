"""The bare reference for the draft page: one Flask endpoint on plain sqlite3 and a plain Jinja template.

It reads what the draft page shows at the least (chapters in order, each block's title, state and credited groups,
its number of comments and open suggestions) and renders it as a list. No ORM, no sign-in, no access rules.
Served by gunicorn like the application: `gunicorn bench.tandems.reference:app` with DATABASE_URL set.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string

from bench.reference import sqlite_per_request

app = Flask(__name__)
DATABASE = os.environ.get("DATABASE_URL", "").removeprefix("sqlite:///")
connection = sqlite_per_request(app, DATABASE)

PAGE = """<!doctype html><html lang="de"><title>Leitfaden</title><main>
{% for chapter, blocks in chapters %}<h2>{{ chapter }}</h2><ol>
{% for b in blocks %}<li><a href="/b/{{ b[0] }}">{{ b[1] }}</a> {{ b[3] }} · {{ b[2] }} · {{ b[4] }} · {{ b[5] }}</li>
{% endfor %}
</ol>{% endfor %}</main></html>"""


@app.get("/guideline/<int:programme_id>")
def guideline(programme_id: int):
    rows = (
        connection()
        .execute(
            """
        SELECT c.id, c.title, b.id, b.title, b.state,
               (SELECT group_concat(g.name, ', ') FROM guideline_block_groups bg
                  JOIN tandem_groups g ON g.id = bg.group_id WHERE bg.block_id = b.id),
               (SELECT count(*) FROM guideline_block_comments m WHERE m.block_id = b.id),
               (SELECT count(*) FROM guideline_block_suggestions s WHERE s.block_id = b.id AND s.status = 'open')
        FROM guideline_chapters c JOIN guideline_blocks b ON b.chapter_id = c.id
        WHERE c.programme_id = ? ORDER BY c.position, c.id, b.position, b.id
        """,
            (programme_id,),
        )
        .fetchall()
    )
    chapters: dict[int, tuple[str, list]] = {}
    for chapter_id, chapter, block_id, title, state, groups, comments, suggestions in rows:
        chapters.setdefault(chapter_id, (chapter, []))[1].append(
            (block_id, title, state, groups, comments, suggestions)
        )
    return render_template_string(PAGE, chapters=list(chapters.values()))
