"""`flask users ...`: user accounts for operators."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from events.accounts.service import AccountError, create_user, send_invitation
from events.core.cli import with_site_context
from events.core.models import Role, User
from events.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Display name (default: the email address).")
@click.option("--password", default=None, help="Password; when left out, an invitation link is mailed.")
@with_site_context
def create_user_command(email, roles, name, password):
    """Create a user with one or more roles."""
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
