"""Database behaviour that both SQLite and PostgreSQL need: pragmas, and row locks for capacity checks."""

import sqlite3
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from sqlalchemy import bindparam, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from events.extensions import db

_begin_immediate: ContextVar[bool] = ContextVar("begin_immediate", default=False)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy emit BEGIN itself (see _begin below), so a transaction can start IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.create_collation(SQLITE_GERMAN, _german_compare)


# --- German alphabetical order ----------------------------------------------------------------------------------
# Lists of names sort as a German reader expects: Ä with A, Ö with O, ß as ss, case ignored. Both databases would
# otherwise sort by bytes (PostgreSQL under the C.UTF-8 collation too), putting Öztürk after Zimmermann.
SQLITE_GERMAN = "german"  # registered on every SQLite connection, see _configure_sqlite
POSTGRESQL_GERMAN = "de-x-icu"  # ICU's German collation, part of PostgreSQL's Debian packages


def alphabetical_key(text: str) -> str:
    """The German sort key of a text: accents dropped, ß as ss, case folded."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _german_compare(left: str, right: str) -> int:
    a, b = (alphabetical_key(left), left), (alphabetical_key(right), right)  # ties broken by the text itself
    return (a > b) - (a < b)


class german_order(FunctionElement):  # noqa: N801 (used like an SQL function: order_by(german_order(column)))
    """ORDER BY in German alphabetical order: `query.order_by(german_order(Person.last_name))`."""

    name = "german_order"
    inherit_cache = True


@compiles(german_order)
def _german_order_sqlite(element, compiler, **kw):
    return f"{compiler.process(element.clauses, **kw)} COLLATE {SQLITE_GERMAN}"


@compiles(german_order, "postgresql")
def _german_order_postgresql(element, compiler, **kw):
    return f'{compiler.process(element.clauses, **kw)} COLLATE "{POSTGRESQL_GERMAN}"'


@event.listens_for(Engine, "begin")
def _begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _begin_immediate.get() else "BEGIN")


def lock_row(model, ident):
    """Start a write transaction (see begin_write) that holds the lock on one row, and return the row (or None).

    PostgreSQL locks the row with SELECT ... FOR UPDATE; SQLite has no row locks (the clause is left out there),
    and the transaction's BEGIN IMMEDIATE already holds the database's write lock. The lock is held until the
    caller commits or rolls back.
    """
    begin_write()
    return db.session.scalars(_lock_statement(model), {"ident": ident}).one_or_none()


@cache
def _lock_statement(model):
    """Built once per model: building a statement costs about as much as executing it."""
    return (
        select(model).where(model.id == bindparam("ident")).with_for_update().execution_options(populate_existing=True)
    )


@contextmanager
def immediate_transactions():
    """Within this block, SQLite transactions start with BEGIN IMMEDIATE.

    In WAL mode a transaction that read first and writes later fails at once with "database is locked" when
    another connection committed in between; starting it IMMEDIATE takes the write lock up front (waiting up
    to the busy timeout) instead. Requests that may write (POST and friends), the mail sender and the cron
    jobs run inside this block; reading requests do not, so they never wait for writers.
    """
    token = _begin_immediate.set(True)
    try:
        yield
    finally:
        _begin_immediate.reset(token)


def start_immediate_transactions():
    """For before_request: the token to hand to stop_immediate_transactions at teardown."""
    return _begin_immediate.set(True)


def stop_immediate_transactions(token) -> None:
    _begin_immediate.reset(token)


@event.listens_for(Session, "after_flush")
def _note_flush(session, _context):
    session.info["flushed"] = True  # this transaction has written (see begin_write)


@event.listens_for(Session, "after_transaction_end")
def _forget_flush(session, transaction):
    if transaction.parent is None:
        session.info.pop("flushed", None)


def begin_write():
    """Make sure the session is in a transaction that is going to write, so concurrent writers queue, not fail.

    SQLite: BEGIN IMMEDIATE takes the write lock up front (a deferred transaction that reads first and writes
    later can fail at once with "database is locked" when another writer got in between). PostgreSQL needs
    nothing: rows are locked as they are written, so a transaction that has only read goes on (saving a COMMIT
    and a BEGIN); what it read is expired, as a commit would, so it is read again under the lock. Pending
    changes are committed first, unless the session is already in a transaction started by this function,
    which is then simply continued.
    """
    session = db.session()
    current = session.get_transaction()
    if current is not None and session.info.get("write_transaction") is current:
        return
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite or session.new or session.dirty or session.deleted or session.info.get("flushed"):
        session.commit()
    else:
        session.expire_all()  # as a commit would: what was read before the lock is read again under it
    if sqlite:
        token = _begin_immediate.set(True)
        try:
            session.connection()
        finally:
            _begin_immediate.reset(token)
    else:
        session.connection()
    session.info["write_transaction"] = session.get_transaction()


def statements_commit_themselves() -> None:
    """Before a request's first statement: on PostgreSQL, let each statement commit by itself (autocommit).

    For requests whose statements need no snapshot shared between them and whose writes are each atomic by
    themselves: a device's scan (one insert decides the admission, see checkin.scanning) or the blank
    registration form (two reads). They save the BEGIN and COMMIT/ROLLBACK round trips. SQLite keeps its
    transactions, because BEGIN IMMEDIATE is what makes its writers queue (see begin_write). The pool gives
    the connection back to the next request in its usual mode.
    """
    if db.session.get_bind().dialect.name == "postgresql" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def own_transactions(view):
    """Mark a writing view that takes its write lock itself (lock_row/begin_write) exactly where it needs it.

    Other writing requests run every SQLite transaction IMMEDIATE from their first query; a view marked
    with this decorator reads without the write lock (for example while it validates a form), so that
    concurrent requests queue only for the short locked part.
    """
    view.own_transactions = True
    return view
