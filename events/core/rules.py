"""Named rules about users and their roles: the one place that says an admin counts as an organiser."""

from __future__ import annotations

# The roles a role brings with it: an admin may do everything an organiser may.
IMPLIED_ROLES = {"admin": frozenset({"organiser"})}


def effective_roles(user) -> set[str]:
    """The user's roles with those they imply; none for a visitor who is not signed in."""
    if user is None or not user.is_authenticated:
        return set()
    roles = set(user.roles)
    for role in list(roles):
        roles |= IMPLIED_ROLES.get(role, frozenset())
    return roles


def holds_role(user, *roles: str) -> bool:
    """Whether the user holds any of the roles, counting implied ones (an admin holds "organiser")."""
    return bool(effective_roles(user) & set(roles))


def is_organiser(user) -> bool:
    """Organisers and admins: they see everything of the programme."""
    return holds_role(user, "organiser")


def roles_holding(*roles: str) -> frozenset[str]:
    """Every role that holds one of these, itself or by implication ("organiser": organiser and admin)."""
    return frozenset(roles) | {role for role, implied in IMPLIED_ROLES.items() if implied & set(roles)}
