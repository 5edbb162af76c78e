"""Background tasks of the core: delivering the outbox."""

from datetime import timedelta

from flask import current_app

from events.core.jobs import crontab, periodic_job, task
from events.core.mailer import deliver_due_mail


@task()
def deliver_mail() -> dict[str, int]:
    """Deliver the mail that is due (queued after a request that wrote mail, and by "send now"); a run that
    reached its limit (MAIL_BATCH_SIZE) queues the next, so a long outbox goes out in runs of bounded length."""
    counts = deliver_due_mail()
    if counts["postponed"] == 0 and sum(counts.values()) >= current_app.config["MAIL_BATCH_SIZE"]:
        deliver_mail()
    return counts


@periodic_job(crontab(minute="*"), every=timedelta(minutes=1))
def retry_mail() -> dict[str, int]:
    """Every minute: deliver what is due again (mails whose pause after a failed try is over, and any whose
    delivery task was lost with a worker)."""
    return deliver_mail.call_local()
