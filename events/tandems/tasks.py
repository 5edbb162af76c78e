"""Background work of tandems: the printed guideline, and the daily digest of comments and suggestions to each
group, run by the worker."""

from datetime import timedelta

from events.core.jobs import crontab, periodic_job, task
from events.core.tasks import deliver_mail
from events.extensions import db


@periodic_job(crontab(minute="0", hour="6"), every=timedelta(days=1))
def send_digests_daily() -> int:
    """Every morning at 06:00 (UTC): each group's digest (a group gets at most one a day however often it runs)."""
    from events.tandems.mails import send_digests

    count = send_digests()
    db.session.commit()
    if count:
        deliver_mail()
    return count


@task()
def render_guideline(print_id: int) -> None:
    """Render the printed guideline asked for (see tandems.print_jobs)."""
    from events.tandems.print_jobs import render_print

    render_print(print_id)
