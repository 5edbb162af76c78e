"""Each event's calendar entry kept in the database, serialised once per language, so a feed is put together from
stored text (calendar.public_feed) without loading an event, its programme or any translation.

The text (meetings.icalendar.entry_text) is what the entry says: title, description and programme, times, place,
organiser, UID and address. It is written in the transaction that changes any of that, whichever way the change
is made (a service, a form, a test or a script through the ORM): after every flush the events whose entry may say
something else are noted - a new event, one with a changed ENTRY_FIELDS column, one with a new, changed or deleted
programme item - and before the commit their entries are written anew in every language. What follows the row's
version alone (DTSTAMP, LAST-MODIFIED, SEQUENCE, STATUS) is not part of the text but added from the row when a
file is put together (icalendar.versioned_entry), so publishing, cancelling or a new SEQUENCE need no new text.

A stored text is used only for the BASE_URL it was written with (its UID and addresses name it); without one (an
event unchanged since the table came, or an update in plain SQL of a column the text shows) a feed writes the text
itself, and the worker stores the missing texts a few minutes later (store_missing_entries).
"""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import and_, delete, func, inspect, select
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from events.core.languages import force_language
from events.extensions import db
from events.meetings.icalendar import entry_text
from events.meetings.models import Event, EventCalendarEntry, EventSession

# The columns of an event its entry shows (besides its programme; see icalendar.event_entry).
ENTRY_FIELDS = (
    *("slug", "title", "title_en", "description", "description_en", "starts_at", "ends_at"),
    *("venue_name", "address", "online_url", "contact_email", "created_at"),
)

# keys of Session.info: ids of the events whose entry may say something else; events of changed programme items
_PENDING = "meetings.stored_entries: events to write"
_PARENTS = "meetings.stored_entries: events of programme items"


def stored_text_join(language, base_url):
    """The ON clause that joins an event (outer join) to its stored entry text in `language` written for
    `base_url` (values or bind parameters)."""
    return and_(
        EventCalendarEntry.event_id == Event.id,
        EventCalendarEntry.language == language,
        EventCalendarEntry.base_url == base_url,
    )


def _says_something_else(event: Event) -> bool:
    state = inspect(event)
    return any(state.attrs[name].history.has_changes() for name in ENTRY_FIELDS)


@sa_event.listens_for(Session, "before_flush")
def _note_programme_changes(session, _context, _instances):
    """The events of new, changed or deleted programme items, taken before the flush (a deleted item can load its
    event no more after it)."""
    parents = session.info.setdefault(_PARENTS, [])
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, EventSession):
            parents.append(row.event or (row.event_id and session.get(Event, row.event_id)))


@sa_event.listens_for(Session, "after_flush")
def _note_changed_entries(session, _context):
    changed = [*session.info.pop(_PARENTS, ())]
    changed += [row for row in session.new if isinstance(row, Event)]
    changed += [row for row in session.dirty if isinstance(row, Event) and _says_something_else(row)]
    pending = session.info.setdefault(_PENDING, set())
    pending.update(filter(None, (_id_of(event) for event in changed if event)))


def _id_of(event: Event) -> int | None:
    """An event's id without loading it (a new one has its id, not yet its identity, right after the flush)."""
    state = inspect(event)
    return state.identity[0] if state.identity else state.dict.get("id")


@sa_event.listens_for(Session, "before_commit")
def _write_changed_entries(session):
    session.flush()  # notes the changes made since the last flush
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():  # a script without the app: the feed writes the texts itself
        return
    events = [event for event in (session.get(Event, event_id) for event_id in sorted(pending)) if event]
    for event in events:
        session.expire(event, ["sessions"])  # as flushed: a deleted item stays in the loaded list until the commit
    try:
        rows = []
        for language in current_app.config["LANGUAGES"]:
            with force_language(language):
                rows += [_row(event, language) for event in events]
    except Exception:  # an entry that cannot be written must not cost the change itself: the feed writes it then
        current_app.logger.exception("calendar entries of events %s not stored", [event.id for event in events])
        ids = [event.id for event in events]
        session.execute(delete(EventCalendarEntry).where(EventCalendarEntry.event_id.in_(ids)))
        return
    if rows:
        session.execute(_upsert(session.get_bind().dialect.name, rows))


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back(session, transaction):
    if transaction.parent is None:  # the whole transaction is over (after a commit the notes are gone already)
        session.info.pop(_PENDING, None)
        session.info.pop(_PARENTS, None)


def _row(event: Event, language: str) -> dict:
    return {
        "event_id": event.id,
        "language": language,
        "base_url": current_app.config["BASE_URL"],
        "text": entry_text(event),
    }


def _upsert(dialect: str, rows: list[dict]):
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(EventCalendarEntry.__table__)
    statement = statement.values(rows)
    return statement.on_conflict_do_update(
        index_elements=["event_id", "language"],
        set_={"base_url": statement.excluded.base_url, "text": statement.excluded.text},
    )


def store_missing_entries(limit: int = 200) -> int:
    """Store the entries of events that lack one in some language for this BASE_URL (events unchanged since the
    table came, or since the address changed), at most `limit` events at a time; returns how many. The worker
    runs it every ten minutes (meetings.tasks)."""
    base_url, languages = current_app.config["BASE_URL"], current_app.config["LANGUAGES"]
    complete = (
        select(EventCalendarEntry.event_id)
        .where(EventCalendarEntry.base_url == base_url, EventCalendarEntry.language.in_(languages))
        .group_by(EventCalendarEntry.event_id)
        .having(func.count() == len(languages))
    )
    ids = db.session.scalars(select(Event.id).where(Event.id.not_in(complete)).order_by(Event.id).limit(limit)).all()
    if ids:
        db.session.info.setdefault(_PENDING, set()).update(ids)  # written by _write_changed_entries at the commit
    db.session.commit()
    return len(ids)
