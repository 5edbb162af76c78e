"""Periodic jobs of privacy: the deletion of personal data, run by the worker."""

from datetime import timedelta

from events.core.jobs import crontab, periodic_job


@periodic_job(crontab(minute="30", hour="3"), every=timedelta(days=1))
def delete_personal_data_daily() -> int:
    """Every night at 03:30 (UTC): anonymise and delete what the privacy consent promises to delete."""
    from events.privacy.retention import delete_expired_personal_data

    return delete_expired_personal_data().registrations
