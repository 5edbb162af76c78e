"""`flask certificates ...`: issuing certificates without the browser (for an operator or cron)."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from events.core.cli import with_site_context
from events.core.mailer import deliver_due_mail

certificates_cli = AppGroup("certificates", help="Certificates of attendance.")


@certificates_cli.command("issue-attendance")
@click.argument("event_slug")
@click.option("--mail", is_flag=True, help="Mail each participant their certificate.")
@click.option("--issuer", default=None, help="Who issues them (default: the programme's name).")
@with_site_context
def issue_attendance_command(event_slug, mail, issuer):
    """Issue certificates of attendance to every checked-in participant of an event who has none yet
    (safe to run again: nobody gets two), render them and optionally mail them."""
    from events.certificates.batches import batch_files
    from events.certificates.errors import CertificateProblem
    from events.certificates.issuing import issue_missing_attendance_certificates
    from events.certificates.models import BatchStatus
    from events.certificates.wording import DEFAULT_ISSUER
    from events.core.storage import file_store
    from events.extensions import db
    from events.meetings.models import Event

    event = db.session.scalars(select(Event).where(Event.slug == event_slug)).first()
    if event is None:
        raise click.ClickException(f"no event with the address {event_slug!r}")
    try:
        batch = issue_missing_attendance_certificates(event, issuer or DEFAULT_ISSUER, send_mail=mail)
    except CertificateProblem as problem:
        raise click.ClickException(str(problem)) from None
    if batch is None:
        click.echo("certificates: 0 issued (every checked-in participant has one)")
        return
    if batch.status == BatchStatus.FAILED:
        raise click.ClickException(f"rendering failed: {batch.error}")
    if mail:
        deliver_due_mail()  # as `flask events send-reminders` does; what fails stays queued for the sender
    merged, archive = batch_files(batch)
    store = file_store()
    click.echo(f"certificates: {batch.total} issued in batch {batch.id}{', mailed' if mail else ''}")
    click.echo(f"  for printing: {store.describe('certificates', merged)}")
    click.echo(f"  one PDF each: {store.describe('certificates', archive)}")
