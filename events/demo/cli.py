"""`flask demo ...`: demo content for a new database (make run)."""

import secrets

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from events.core.cli import with_site_context
from events.core.models import User
from events.demo.data import DEMO_USERS, load_demo_data
from events.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when users exist already.")
@click.option("--password", default=None, help="Password for all demo users (default: a random one, printed).")
@with_site_context  # the ceremony's invitations are mailed, and mails build their links with url_for
def load_demo_command(if_empty, password):
    """Create believable demo content and one demo user per role."""
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


@demo_cli.command("logins")
@click.option("--password", required=True, help="The password the demo users were created with.")
def demo_logins_command(password):
    """Print the demo logins."""
    existing = set(db.session.scalars(select(User.email)))
    click.echo(f"Demo logins (password for all: {password}):")
    for role, email, _name in DEMO_USERS:
        if email in existing:
            click.echo(f"  {role:<10} {email}")
