"""Requests that read first and write later do not fail with "database is locked" when another connection writes in
between (SQLite in WAL mode refuses such a lock upgrade at once, without waiting for the busy timeout)."""

import threading
from datetime import timedelta

from sqlalchemy import event, text, update

from events.accounts.models import UserSession
from events.accounts.sessions import open_session, user_of_session
from events.core.models import User
from events.core.types import utcnow
from events.extensions import db


def _write_elsewhere_after_first(statement_part: str, user_id: int):
    """After the first statement that contains statement_part, another connection writes and commits."""
    done = []

    def write_in_between(_conn, _cursor, statement, _parameters, _context, _executemany):
        if done or statement_part not in statement:
            return
        done.append(statement)
        with db.engine.connect() as other:
            other.execute(text("UPDATE users SET display_name = 'Written between' WHERE id = :id"), {"id": user_id})
            other.commit()

    return write_in_between, done


def test_a_signed_in_request_records_its_visit_while_another_connection_writes(app, make_user):
    user = make_user("organiser")
    with app.test_request_context():
        token = open_session(user)
        db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
        db.session.remove()

        listener, done = _write_elsewhere_after_first("FROM user_sessions", user.id)
        event.listen(db.engine, "after_cursor_execute", listener)
        try:
            seen = user_of_session(token)  # reads the session, then writes its last_seen_at
        finally:
            event.remove(db.engine, "after_cursor_execute", listener)
        assert done  # the other connection did write between the read and the write
        assert seen is not None and seen.id == user.id
        db.session.remove()
        row = db.session.query(UserSession).one()
        assert utcnow() - row.last_seen_at < timedelta(minutes=1)
        assert db.session.get(User, user.id).display_name == "Written between"


def test_a_signed_in_form_post_is_not_refused_when_the_worker_writes_after_the_session_check(
    app, client, login, make_user
):
    """The task worker commits while a signed-in organiser's form post is under way, right after the post's
    first query (the session check, before the view runs): the post must still save (it answered 500 "database
    is locked" on SQLite, the session check having begun a deferred read transaction that the view's write then
    had to upgrade). The worker's write waits for the post and lands after it."""
    login(make_user("admin"))
    other = make_user("organiser", email="rolle@example.org")
    bystander = make_user()
    worker_wrote = []
    with app.app_context():
        engine = db.engine

    def worker_write():
        with engine.connect() as connection:
            connection.execute(
                text("UPDATE users SET display_name = 'Written by the worker' WHERE id = :id"), {"id": bystander.id}
            )
            connection.commit()
        worker_wrote.append(True)

    threads = []

    def write_in_between(_conn, _cursor, statement, _parameters, _context, _executemany):
        if threads or "FROM user_sessions" not in statement:
            return
        threads.append(threading.Thread(target=worker_write))
        threads[0].start()
        threads[0].join(0.5)  # time enough to commit, unless the post holds the write lock already

    event.listen(engine, "after_cursor_execute", write_in_between)
    try:
        response = client.post(f"/admin/users/{other.id}", data={"roles": ["jury"], "active": "y"})
    finally:
        event.remove(engine, "after_cursor_execute", write_in_between)
        for thread in threads:
            thread.join(60)
    assert threads and worker_wrote  # the worker did write, during the post or after it
    assert response.status_code == 302
    with app.app_context():
        assert [role.role for role in db.session.get(User, other.id).role_rows] == ["jury"]
        assert db.session.get(User, bystander.id).display_name == "Written by the worker"
