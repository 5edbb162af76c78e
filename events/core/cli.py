"""Commands for operators and cron: `flask users`, `flask districts`, `flask demo`, `flask mail`."""

import secrets
from functools import wraps

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from events.core.database import immediate_transactions
from events.core.models import Role, User
from events.extensions import db


def with_site_context(command):
    """Run a CLI command inside a request context for BASE_URL, so mails can build links with url_for."""

    @wraps(command)
    def wrapped(*args, **kwargs):
        with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]), immediate_transactions():
            return command(*args, **kwargs)

    return wrapped


users_cli = AppGroup("users", help="Manage user accounts.")
districts_cli = AppGroup("districts", help="Regions and districts.")
demo_cli = AppGroup("demo", help="Demo data.")
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


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Display name (default: the email address).")
@click.option("--password", default=None, help="Password; when left out, an invitation link is mailed.")
@with_site_context
def create_user_command(email, roles, name, password):
    """Create a user with one or more roles."""
    from events.accounts.service import AccountError, create_user, send_invitation

    try:
        user = create_user(email, name or email, list(roles), password)
    except AccountError as error:
        raise click.ClickException(f"cannot create {email}: {error}") from error
    if not password:
        send_invitation(user)
    db.session.commit()
    click.echo(f"created {user.email} ({', '.join(sorted(user.roles))})" + ("" if password else "; invitation queued"))


@users_cli.command("list")
def list_users_command():
    for user in db.session.scalars(select(User).order_by(User.email)):
        click.echo(f"{user.email}\t{','.join(sorted(user.roles))}\t{'active' if user.active else 'inactive'}")


@districts_cli.command("load")
def load_districts_command():
    """Load or refresh all regions and districts from data/districts.csv."""
    from events.core.districts import load_districts

    created, updated = load_districts()
    click.echo(f"districts: {created} created, {updated} updated")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when users exist already.")
@click.option("--password", default=None, help="Password for all demo users (default: a random one, printed).")
def load_demo_command(if_empty, password):
    """Create believable demo content and one demo user per role."""
    from events.core.demo import load_demo_data

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo data is not loaded in production mode (TREFFPUNKT_ENV=production)")
    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("demo data: database not empty, nothing loaded")
        return
    password = password or secrets.token_urlsafe(9)
    logins = load_demo_data(password)
    click.echo(f"Demo logins (password for all: {password}):")
    for role, email in logins:
        click.echo(f"  {role:<10} {email}")


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


@demo_cli.command("logins")
@click.option("--password", required=True, help="The password the demo users were created with.")
def demo_logins_command(password):
    """Print the demo logins."""
    from events.core.demo import DEMO_USERS

    existing = set(db.session.scalars(select(User.email)))
    click.echo(f"Demo logins (password for all: {password}):")
    for role, email, _name in DEMO_USERS:
        if email in existing:
            click.echo(f"  {role:<10} {email}")
