"""Periodic job of meetings: calendar entry texts that are missing are stored, run by the worker."""

from datetime import timedelta

from events.core.jobs import crontab, periodic_job


@periodic_job(crontab(minute="*/10"), every=timedelta(minutes=10))
def store_missing_calendar_entries() -> int:
    """Every ten minutes: events without a stored calendar entry for this address get theirs (see
    meetings.stored_entries), so a feed after a deployment or a new BASE_URL soon reads stored texts only."""
    from events.meetings.stored_entries import store_missing_entries

    return store_missing_entries()
