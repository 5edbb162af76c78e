"""Believable demo content: a ministry, organisations of every kind across many districts, users per role."""

import random

from sqlalchemy import select

from events.accounts.service import create_user
from events.awards.demo import load_award_demo
from events.core.districts import load_districts
from events.core.models import District, Organisation, OrganisationKind, Person
from events.extensions import db
from events.meetings.models import SessionKind

DEMO_USERS = [
    ("admin", "admin@treffpunkt.example", "Andrea Adler"),
    ("organiser", "organisation@treffpunkt.example", "Olaf Ortner"),
    ("jury", "jury@treffpunkt.example", "Julia Jung"),
    ("checkin", "einlass@treffpunkt.example", "Emre Ekinci"),
]

FIRST_NAMES = """
Anna Ben Claudia Deniz Elif Florian Greta Hamid Ines Jonas
Katharina Lukas Mariam Nikolai Olga Paul Rania Sebastian Tamara Ümit
Vera Yusuf
""".split()
LAST_NAMES = """
Bauer Demir Fischer Gruber Hoffmann Huber Kaya Krüger Maier Nowak
Öztürk Popescu Schmid Schneider Wagner Weiß Yilmaz Zimmermann Brandl Ließl
""".split()


def _organisations_for(district: District) -> list[tuple[str, str]]:
    town = district.name
    if district.kind == "Kreisfreie Stadt":
        municipality = f"Stadt {town}, Amt für Integration"
    else:
        municipality = f"Landratsamt {town}, Integrationsstelle"
    return [
        (municipality, OrganisationKind.MUNICIPALITY),
        (f"Freiwilligenagentur {town}", OrganisationKind.FREIWILLIGENAGENTUR),
        (f"Freiwilligen-Zentrum {town} e. V.", OrganisationKind.FREIWILLIGEN_ZENTRUM),
        (f"KoBE {town}", OrganisationKind.KOBE),
        (f"Helferkreis Asyl {town}", OrganisationKind.INITIATIVE),
        (f"Caritasverband {town}", OrganisationKind.WELFARE),
        (f"Sportverein Miteinander {town} e. V.", OrganisationKind.ASSOCIATION),
    ]


def load_demo_data(password: str, seed: int = 2026) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    load_districts()
    districts = db.session.scalars(select(District).order_by(District.key)).all()
    by_key = {d.key: d for d in districts}

    munich = by_key.get("09162")
    ministry = Organisation(
        name="Bayerisches Staatsministerium des Innern, für Sport und Integration",
        kind=OrganisationKind.MINISTRY,
        district=munich,
        email="integration@stmi.example",
    )
    hessen = Organisation(
        name="Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales",
        kind=OrganisationKind.MINISTRY,
        district=by_key.get("06414"),
    )
    db.session.add_all([ministry, hessen])
    regierung_seats = {
        "Oberbayern": "09162",
        "Niederbayern": "09261",
        "Oberpfalz": "09362",
        "Oberfranken": "09462",
        "Mittelfranken": "09561",
        "Unterfranken": "09663",
        "Schwaben": "09761",
    }
    for region, key in regierung_seats.items():
        db.session.add(
            Organisation(name=f"Regierung von {region}", kind=OrganisationKind.REGIERUNG, district=by_key[key])
        )
    db.session.add(Organisation(name="lagfa bayern e. V.", kind=OrganisationKind.ASSOCIATION, district=by_key["09761"]))

    chosen = rng.sample([d for d in districts if d.key.startswith("09")], 16) + rng.sample(
        [d for d in districts if d.key.startswith("06")], 4
    )
    organisations = []
    for district in chosen:
        for name, kind in rng.sample(_organisations_for(district), 3):
            organisation = Organisation(name=name, kind=kind, district=district)
            organisations.append(organisation)
            db.session.add(organisation)
    db.session.flush()

    functions = ["Integrationslotsin", "Integrationslotse", "Ehrenamtskoordination", "Leitung", "Ehrenamtliche"]
    used = set()
    for organisation in organisations:
        for _ in range(rng.randint(1, 2)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if (first, last) in used:
                continue
            used.add((first, last))
            email = f"{first}.{last}@beispiel.example".lower().replace("ü", "ue").replace("ö", "oe").replace("ß", "ss")
            db.session.add(
                Person(
                    first_name=first,
                    last_name=last,
                    email=email,
                    function=rng.choice(functions),
                    organisation=organisation,
                )
            )

    logins = []
    users = {}
    for role, email, name in DEMO_USERS:
        users[role] = create_user(email, name, [role], password)
        logins.append((role, email))
    db.session.flush()
    _demo_meeting(rng, organisations, by_key, users)
    from events.tandems.demo import load_tandem_demo

    load_tandem_demo(rng, users)
    db.session.commit()
    logins += load_award_demo(users, password, rng)
    from events.ceremonies.demo import load_ceremony_demo

    load_ceremony_demo(rng)
    return logins


def _demo_meeting(rng, organisations, by_key, users) -> None:
    """A two-day Vernetzungstreffen in Nürnberg with talks, a panel, parallel workshops and registrations."""
    from datetime import datetime, timedelta

    from events.core.timezone import BERLIN
    from events.core.types import utcnow
    from events.meetings.models import Event, EventSeries, EventSession, EventStaff, Question
    from events.registration.consent import PRIVACY_CONSENT_VERSION
    from events.registration.models import Registration, WorkshopChoice
    from events.registration.personal_links import personal_token
    from events.registration.tokens import hash_token

    today = utcnow().astimezone(BERLIN).date()
    day_one = today + timedelta(days=45)
    start = datetime(day_one.year, day_one.month, day_one.day, 9, 30, tzinfo=BERLIN)
    series = EventSeries(name="Vernetzungstreffen")
    event = Event(
        slug=f"vernetzungstreffen-{day_one.year}-nuernberg",
        kind="networking",
        series=series,
        edition=str(day_one.year),
        title=f"Vernetzungstreffen der Integrationslotsinnen und -lotsen {day_one.year}",
        description=(
            "Zwei Tage Austausch, Fachvorträge und Workshops für die Integrationslotsinnen und -lotsen "
            "aus ganz Bayern.\n\n- Grußwort des Staatsministers\n- Podium: Ehrenamt gewinnen und halten\n"
            "- parallele Workshops zu Wohnen, Sportvereinen, Werten und Ehrenamtsgewinnung"
        ),
        starts_at=start,
        ends_at=start + timedelta(days=1, hours=6, minutes=30),
        venue_name="Meistersingerhalle",
        address="Münchener Straße 21, 90478 Nürnberg",
        capacity=120,
        registration_closes_at=start - timedelta(days=7),
        cancellation_deadline=start - timedelta(days=3),
        status="published",
        contact_email="integration@stmi.example",
        created_by_id=users["organiser"].id,
    )

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return start.replace(hour=hour, minute=minute) + timedelta(days=day)

    event.sessions = [
        EventSession(
            kind="talk",
            title="Grußwort des Staatsministers",
            starts_at=at(0, 9, 30),
            ends_at=at(0, 10),
            room="Großer Saal",
        ),
        EventSession(
            kind="panel",
            title="Ehrenamt gewinnen und halten",
            speakers="lagfa bayern, Freiwilligenagentur Landshut, KoBE Passau",
            starts_at=at(0, 10, 15),
            ends_at=at(0, 11, 45),
            room="Großer Saal",
        ),
        EventSession(kind="break", title="Mittagspause", starts_at=at(0, 12), ends_at=at(0, 13)),
        EventSession(
            kind="workshop",
            title="Wohnraum finden und halten",
            starts_at=at(0, 13),
            ends_at=at(0, 14, 30),
            room="Saal 2",
            capacity=30,
        ),
        EventSession(
            kind="workshop",
            title="Sportvereine als Brücke",
            starts_at=at(0, 13),
            ends_at=at(0, 14, 30),
            room="Saal 3",
            capacity=25,
        ),
        EventSession(
            kind="workshop",
            title="Werte im Alltag vermitteln",
            starts_at=at(1, 9, 30),
            ends_at=at(1, 11),
            room="Saal 2",
            capacity=30,
        ),
        EventSession(
            kind="workshop",
            title="Freiwillige gewinnen",
            starts_at=at(1, 9, 30),
            ends_at=at(1, 11),
            room="Saal 3",
            capacity=30,
        ),
        EventSession(
            kind="talk", title="Ergebnisse und Ausblick", starts_at=at(1, 14, 30), ends_at=at(1, 16), room="Großer Saal"
        ),
    ]
    event.questions = [
        Question(position=1, label="Nehmen Sie am Abendempfang teil?", kind="yesno", required=True),
        Question(position=2, label="Wie reisen Sie an?", kind="single", options=["Bahn", "Auto", "Fahrgemeinschaft"]),
    ]
    event.staff = [EventStaff(user_id=users["checkin"].id)]
    db.session.add(event)
    db.session.flush()
    workshops_day_one = [s for s in event.sessions if s.kind == SessionKind.WORKSHOP and s.starts_at.day == start.day]
    people = [(p, o) for o in organisations for p in o.people]
    rng.shuffle(people)
    now = utcnow()
    for person, organisation in people[:40]:
        email = person.email.lower()
        registration = Registration(
            event_id=event.id,
            first_name=person.first_name,
            last_name=person.last_name,
            email=email,
            email_normalized=email,
            organisation_id=organisation.id,
            organisation_name=organisation.name,
            district_id=organisation.district_id,
            function=person.function,
            language="de",
            answers={str(event.questions[0].id): rng.choice(["yes", "no"])},
            privacy_consent_at=now,
            privacy_consent_version=PRIVACY_CONSENT_VERSION,
            privacy_consent_text="(Demo-Daten)",
            status="confirmed",
            confirmed_at=now,
        )
        registration.manage_token_hash = hash_token(personal_token(registration))
        registration.workshop_choices = [WorkshopChoice(session_id=rng.choice(workshops_day_one).id)]
        db.session.add(registration)
