"""Requests that read first and write later do not fail with "database is locked" when another connection writes in
between (SQLite in WAL mode refuses such a lock upgrade at once, without waiting for the busy timeout)."""

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
