"""Background tasks of ceremonies: rendering the printed documents."""

from events.core.jobs import task


@task()
def render_document(document_id: int) -> None:
    from events.ceremonies.documents import render_stored_document

    render_stored_document(document_id)
