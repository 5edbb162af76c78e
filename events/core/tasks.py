"""Background tasks of the core: delivering the outbox."""

from datetime import timedelta

from events.core.jobs import crontab, periodic_job, task
from events.core.mailer import deliver_due_mail


@task()
def deliver_mail() -> dict[str, int]:
    """Deliver the mail that is due (queued after a request that wrote mail, and by "send now")."""
    return deliver_due_mail()


@periodic_job(crontab(minute="*"), every=timedelta(minutes=1))
def retry_mail() -> dict[str, int]:
    """Every minute: deliver what is due again (mails whose pause after a failed try is over, and any whose
    delivery task was lost with a worker)."""
    return deliver_due_mail()
