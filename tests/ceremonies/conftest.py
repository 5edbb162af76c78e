"""Fixtures of the ceremony tests: callables that build in the database and return plain ids and tokens."""

from __future__ import annotations

import itertools

import pytest

from events.extensions import db
from tests.ceremonies import factories

_numbers = itertools.count(1)


@pytest.fixture
def make_ceremony(app):
    """make_ceremony(names=(...), capacity=100, allowance=2, requires_birth=False, days_ahead=20) ->
    (ceremony id, [(guest id, personal token)]) of registered winners in award order."""

    def make(**options):
        with app.test_request_context():
            ceremony, winners = factories.ceremony_with_winners(next(_numbers), **options)
            result = ceremony.id, [(guest.id, token) for guest, token in winners]
            db.session.remove()
        return result

    return make


@pytest.fixture
def in_app(app):
    """Run a function in a request context of the app and remove the session afterwards."""

    def run(function, *args, **kwargs):
        with app.test_request_context():
            try:
                return function(*args, **kwargs)
            finally:
                db.session.remove()

    return run
