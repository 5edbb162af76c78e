"""What happens to events, announced to the packages above meetings that hang on them.

Meetings knows nothing of registrations, invitations or check-ins: it announces a change or a page here, and a
package above it that cares connects a receiver (registration.changes tells registrants; registration.event_pages
and privacy add what they hold about an event to its pages). Receivers run in the caller's transaction unless
said otherwise, in the order they were connected (blinker).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the EventChange of a saved event, before it is committed; receivers do their part in the same transaction
# and note what they did on the change (registration: updated invites, change.notified).
event_saved = _signals.signal("event-saved")
# sender: the EventChange, after the commit; receivers commit their own work (registration: the waiting list moves
# up after a capacity increase, change.promoted).
event_saved_and_committed = _signals.signal("event-saved-and-committed")
# sender: the event being called off, before the commit; keyword message: the organiser's reason. Each receiver
# returns how many people it told.
event_cancelled = _signals.signal("event-cancelled")
# sender: a published event about to become a draft again; a receiver that returns a reason (an EventError code,
# "has_registrations") keeps it published.
event_unpublishing = _signals.signal("event-unpublishing")
# sender: the name of a page of meetings about to be shown ("index": keyword events; "event_page", "detail": keyword
# event); each receiver returns a dict for the page's template (registration: free places, counts, invitations).
page_shown = _signals.signal("page-shown")


def page_context(page: str, **objects) -> dict:
    """What the receivers of page_shown add to a page's template context."""
    context: dict = {}
    for _receiver, values in page_shown.send(page, **objects):
        context.update(values or {})
    return context


def refusals(signal, event) -> list[str]:
    """The reasons receivers of a refusable signal (event_unpublishing) give against it."""
    return [reason for _receiver, reason in signal.send(event) if reason]
