"""Periodic jobs of registration: reminders, run by the worker."""

from datetime import timedelta

from events.core.jobs import crontab, periodic_job
from events.core.tasks import deliver_mail

REMINDER_DAYS_BEFORE = 2  # as `flask events send-reminders` by default


@periodic_job(crontab(minute="0"), every=timedelta(hours=1))
def send_reminders_hourly() -> int:
    """Every hour: remind confirmed participants of events starting within two days (each person once)."""
    from events.registration.service import send_reminders

    count = send_reminders(REMINDER_DAYS_BEFORE)
    if count:
        deliver_mail()
    return count
