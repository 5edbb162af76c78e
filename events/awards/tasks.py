"""Background tasks of awards: the decision record, rendered by the worker (never in a request)."""

from events.core.jobs import task


@task()
def render_decision_record(programme_id: int) -> None:
    """Render the programme's decision record and keep it with the programme (see awards.record)."""
    from events.awards.record import make_record

    make_record(programme_id)
