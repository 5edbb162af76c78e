"""The documents package's part in the task worker: the fork server of the rendering processes starts, and lays
out its warm-up documents, while the worker starts, not when the first batch asks for a render (which then
waited one to three seconds for WeasyPrint, the fonts and the styles to load)."""

from events.core.jobs import huey
from events.documents.sandbox import start_fork_server


@huey.on_startup("start the renderer's fork server")
def start_renderer() -> None:
    start_fork_server()
