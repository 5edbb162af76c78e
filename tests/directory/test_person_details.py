"""PersonDetails: the same plain values about a person, from a registration, a person or a line of a table."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from events.core.models import District, Person
from events.directory.person_details import PersonDetails
from events.extensions import db
from events.registration.models import Registration


def test_details_of_a_registration_with_a_city_as_district(app, make_event, make_registration):
    with app.app_context():
        munich = db.session.scalars(select(District).filter_by(key="09162")).one()  # München, kreisfreie Stadt
        district_id = munich.id
    registration = make_registration(
        make_event(),
        first_name=" Jürgen ",
        last_name="Größer",
        email="juergen@example.org",
        organisation_name="Freiwilligenagentur Tatendrang",
        district_id=district_id,
        function="Integrationslotse",
        language="en",
    )
    with app.test_request_context():
        details = PersonDetails.from_registration(db.session.get(Registration, registration.id))
    assert details == PersonDetails(
        "Jürgen Größer",
        email="juergen@example.org",
        organisation="Freiwilligenagentur Tatendrang",
        district="München",
        district_label="München (Stadt)",
        function="Integrationslotse",
        language="en",
        first_name="Jürgen",
        last_name="Größer",
    )


def test_details_of_a_person_take_organisation_and_district_from_their_organisation(app, make_person):
    person = make_person("Elif", "Kaya")
    with app.test_request_context():
        details = PersonDetails.from_person(db.session.get(Person, person.id))
    assert (details.name, details.email, details.organisation, details.district, details.language) == (
        "Elif Kaya",
        "elif.kaya@example.org",
        "Freiwilligenagentur Landshut",
        "Landshut",
        "de",
    )


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"name": " Sibel Ateş ", "email": "sibel@example.org"}, PersonDetails("Sibel Ateş", "sibel@example.org")),
        (
            {"first_name": "Jonas", "last_name": "Weiß", "organisation": "KoBE Erlangen", "language": "en"},
            PersonDetails("Jonas Weiß", None, "KoBE Erlangen", language="en", first_name="Jonas", last_name="Weiß"),
        ),
        ({"last_name": "Nur-Nachname", "email": ""}, PersonDetails("Nur-Nachname", last_name="Nur-Nachname")),
        ({"name": "A", "district": "Fürth"}, PersonDetails("A", district="Fürth", district_label="Fürth")),
    ],
    ids=["full name", "first and last name", "only a last name, no address", "district"],
)
def test_details_of_a_table_row(row, expected):
    assert PersonDetails.from_row(row) == expected
