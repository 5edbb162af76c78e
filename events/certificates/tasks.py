"""Background tasks of certificates: rendering batches, and taking up those whose worker died."""

from datetime import timedelta

from events.core.jobs import crontab, periodic_job, task


@task()
def render_batch(batch_id: int) -> None:
    """Render a batch, or the rest of it (see certificates.batches)."""
    from events.certificates.batches import render_batch_files

    render_batch_files(batch_id)


@periodic_job(crontab(minute="*"), every=timedelta(minutes=1))
def resume_batches() -> int:
    """Every minute: queue the batches whose worker died (their lease lapsed) or that no worker took up."""
    from events.certificates.batches import batches_to_resume

    waiting = batches_to_resume()
    for batch_id in waiting:
        render_batch(batch_id)
    return len(waiting)
