"""Factories of the award tests: each fixture returns a callable that makes the object in the database and hands it
back detached (ids and plain attributes readable outside the app context)."""

import pytest

from events.extensions import db
from tests.awards import factories


def _detached(app, make, *args, **kwargs):
    with app.test_request_context():
        made = make(*args, **kwargs)
        token = getattr(made, "token", None)
        db.session.refresh(made)
        db.session.expunge(made)
        if token:
            made.token = token
        return made


@pytest.fixture
def make_programme(app):
    """make_programme(region="Niederbayern", min_active_months=12, open_round="scoring", ...)"""
    return lambda **options: _detached(app, factories.programme, **options)


@pytest.fixture
def make_nomination(app):
    """make_nomination(programme, state="eligible", route="self", consent=True, ...); its link token on .token"""
    return lambda programme, **options: _detached(app, factories.nomination, programme, **options)


@pytest.fixture
def make_juror(app):
    """make_juror(programme, is_chair=False, organisation_name="", ...): a jury account seated in the programme;
    the member's account on .user"""

    def make(programme, **options):
        with app.test_request_context():
            member = factories.juror(programme, **options)
            user = member.user
            db.session.expunge(user)
            db.session.expunge(member)
            member.user = user
            return member

    return make


@pytest.fixture
def give_scores(app):
    """give_scores(member, nomination, [values in the order of the criteria], submitted=True)"""

    def give(member, nomination, values, **options):
        with app.app_context():
            factories.scores(member, nomination, values, **options)

    return give


@pytest.fixture
def make_conflict(app):
    def make(member, nomination, state="declared", source="declared"):
        return _detached(app, factories.conflict, member, nomination, state, source)

    return make


@pytest.fixture
def as_juror(client, login):
    """Sign the test client in as a jury member's account."""
    return lambda member: login(member.user)
