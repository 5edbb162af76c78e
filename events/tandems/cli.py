"""`flask tandems ...`: the daily digest of comments and suggestions to each group."""

import click
from flask.cli import AppGroup

from events.core.cli import with_site_context
from events.core.mailer import deliver_due_mail

tandems_cli = AppGroup("tandems", help="Tandem project groups and their guideline.")


@tandems_cli.command("send-digests")
@with_site_context
def send_digests_command():
    """Mail each group the comments and suggestions its blocks received since its last digest (run once a day;
    a group gets at most one digest a day however often it runs)."""
    from events.tandems.mails import send_digests

    count = send_digests()
    deliver_due_mail()
    click.echo(f"digests: {count} groups")
