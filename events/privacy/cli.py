"""`flask events delete-personal-data`: the daily job of privacy, in the group of event jobs (registration.cli)."""

import click

from events.core.cli import with_site_context
from events.privacy.retention import delete_expired_personal_data
from events.registration.cli import events_cli


@events_cli.command("delete-personal-data")
@click.option("--dry-run", is_flag=True, help="Only count what is due; change nothing.")
@with_site_context
def delete_personal_data_command(dry_run):
    """Anonymise registrations six months after their event and 30 days after a cancellation, and delete old
    mail (safe to run at any time: what is done stays done)."""
    report = delete_expired_personal_data(dry_run=dry_run)
    prefix = "due (dry run)" if dry_run else "deleted"
    click.echo(
        f"{prefix}: {report.registrations} registrations anonymised, {report.invitations} invitations, "
        f"{report.mails} mails, {report.tandem_comments} tandem comments, "
        f"{report.tandem_suggestions} tandem suggestions anonymised, "
        f"{report.dates_of_birth} dates of birth of ceremony guests"
    )
    for title in report.events:
        click.echo(f"  event: {title}")
