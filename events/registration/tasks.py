"""Periodic jobs of registration: reminders and lapsing holds, run by the worker."""

from datetime import timedelta

from events.core.jobs import crontab, periodic_job
from events.core.tasks import deliver_mail

REMINDER_DAYS_BEFORE = 2  # as `flask events send-reminders` by default


@periodic_job(crontab(minute="0"), every=timedelta(hours=1))
def send_reminders_hourly() -> int:
    """Every hour: remind confirmed participants of events starting within two days (each person once)."""
    from events.registration.reminders import send_reminders

    count = send_reminders(REMINDER_DAYS_BEFORE)
    if count:
        deliver_mail()
    return count


@periodic_job(crontab(minute="*/5"), every=timedelta(minutes=5))
def lapse_holds() -> int:
    """Every five minutes: places held for an address not confirmed in time lapse and go to the waiting list."""
    from events.registration.address_check import lapse_expired_holds

    count = lapse_expired_holds()
    if count:
        deliver_mail()
    return count
