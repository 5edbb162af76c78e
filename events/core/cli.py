"""Commands for operators and cron: `flask districts`, `flask mail`; and with_site_context for the commands of
every package (each package keeps its own in its cli.py)."""

from functools import wraps

import click
from flask import current_app
from flask.cli import AppGroup

from events.core.database import immediate_transactions


def with_site_context(command):
    """Run a CLI command inside a request context for BASE_URL, so mails can build links with url_for."""

    @wraps(command)
    def wrapped(*args, **kwargs):
        with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]), immediate_transactions():
            return command(*args, **kwargs)

    return wrapped


districts_cli = AppGroup("districts", help="Regions and districts.")
mail_cli = AppGroup("mail", help="The mail outbox.")
jobs_cli = AppGroup("jobs", help="The task queue.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Tasks this process runs side by side (threads).")
@click.option("--no-periodic", is_flag=True, help="Leave the periodic jobs to other worker processes.")
def worker_command(workers, no_periodic):
    """Run the task queue's worker until stopped: mail delivery, certificate batches, periodic jobs (mail retries
    every minute, reminders hourly, deletion of personal data daily). Run one or more per machine."""
    from events.core.jobs import run_worker

    run_worker(workers=workers, periodic=not no_periodic)


@districts_cli.command("load")
def load_districts_command():
    """Load or refresh all regions and districts from data/districts.csv."""
    from events.core.districts import load_districts

    created, updated = load_districts()
    click.echo(f"districts: {created} created, {updated} updated")


@mail_cli.command("send-pending")
@click.option("--limit", default=500, show_default=True)
def send_pending_command(limit):
    """Deliver queued mail that is due, now (the worker does this every minute on its own)."""
    from events.core.mailer import deliver_due_mail

    counts = deliver_due_mail(limit)
    click.echo(
        f"mail: {counts['sent']} sent, {counts['failed']} failed, {counts['superseded']} no longer applied, "
        f"{counts['postponed']} postponed (the server stopped answering)"
    )
