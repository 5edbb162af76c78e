"""Entry point for `flask` and gunicorn (`gunicorn app:app`)."""

from events import create_app

app = create_app()
