"""`flask events ...`: the periodic jobs by hand (the worker runs them on its own schedule, see tasks.py)."""

import click
from flask.cli import AppGroup

from events.core.cli import with_site_context
from events.core.mailer import deliver_due_mail

events_cli = AppGroup("events", help="Events and registrations.")


@events_cli.command("send-reminders")
@click.option("--days-before", default=2, show_default=True, help="Remind of events starting within this many days.")
@with_site_context
def send_reminders_command(days_before):
    """Queue reminders for confirmed participants (safe to run at any time: never sends twice)."""
    from events.registration.service import send_reminders

    count = send_reminders(days_before)
    deliver_due_mail()
    click.echo(f"reminders: {count} queued")
