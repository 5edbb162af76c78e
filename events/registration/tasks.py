"""Periodic jobs of registration: reminders and the deletion of personal data, run by the worker."""

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


@periodic_job(crontab(minute="30", hour="3"), every=timedelta(days=1))
def delete_personal_data_daily() -> int:
    """Every night at 03:30 (UTC): anonymise and delete what the privacy consent promises to delete."""
    from events.registration.retention import delete_expired_personal_data

    return delete_expired_personal_data().registrations
