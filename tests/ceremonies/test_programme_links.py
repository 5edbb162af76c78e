"""An award programme and its ceremony point at each other: the organiser gets from the programme's page to its
ceremony (or to where one is made) and back."""

from events.ceremonies.guests import create_ceremony
from events.extensions import db
from tests.awards.factories import programme
from tests.ceremonies.factories import ceremony_event


def test_the_programme_page_links_to_its_ceremony_and_the_ceremony_back(app, client, login, account):
    with app.test_request_context():
        award = programme()
        ceremony = create_ceremony(ceremony_event(1), award)
        programme_id, ceremony_id = award.id, ceremony.id
        db.session.remove()
    login(account("organiser"))

    page = client.get(f"/awards/manage/{programme_id}").text
    assert f'href="/ceremonies/{ceremony_id}"' in page and "Feier: Festakt Integrationspreis 1" in page
    page = client.get(f"/ceremonies/{ceremony_id}").text
    assert f'href="/awards/manage/{programme_id}"' in page


def test_a_programme_without_a_ceremony_shows_where_one_is_made(app, client, login, account):
    with app.test_request_context():
        programme_id = programme().id
        db.session.remove()
    login(account("organiser"))

    page = client.get(f"/awards/manage/{programme_id}").text
    assert 'href="/ceremonies/"' in page and "Feier zur Preisverleihung anlegen" in page


def test_without_a_ceremony_event_the_list_of_ceremonies_leads_to_making_one(client, login, account):
    login(account("organiser"))
    page = client.get("/ceremonies/").text
    assert "Legen Sie zuerst eine Veranstaltung" in page and 'href="/meetings/manage/new"' in page
