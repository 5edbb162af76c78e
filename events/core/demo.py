"""Believable demo content: a ministry, organisations of every kind across many districts, users per role."""

import random

from sqlalchemy import select

from events.accounts.service import create_user
from events.core.districts import load_districts
from events.core.models import District, Organisation, OrganisationKind, Person
from events.extensions import db

DEMO_USERS = [
    ("admin", "admin@treffpunkt.example", "Andrea Adler"),
    ("organiser", "organisation@treffpunkt.example", "Olaf Ortner"),
    ("jury", "jury@treffpunkt.example", "Julia Jung"),
    ("checkin", "einlass@treffpunkt.example", "Emre Ekinci"),
]

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Claudia",
    "Deniz",
    "Elif",
    "Florian",
    "Greta",
    "Hamid",
    "Ines",
    "Jonas",
    "Katharina",
    "Lukas",
    "Mariam",
    "Nikolai",
    "Olga",
    "Paul",
    "Rania",
    "Sebastian",
    "Tamara",
    "Ümit",
    "Vera",
    "Yusuf",
]
LAST_NAMES = [
    "Bauer",
    "Demir",
    "Fischer",
    "Gruber",
    "Hoffmann",
    "Huber",
    "Kaya",
    "Krüger",
    "Maier",
    "Nowak",
    "Öztürk",
    "Popescu",
    "Schmid",
    "Schneider",
    "Wagner",
    "Weiß",
    "Yilmaz",
    "Zimmermann",
    "Brandl",
    "Ließl",
]


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
    for role, email, name in DEMO_USERS:
        create_user(email, name, [role], password)
        logins.append((role, email))
    db.session.commit()
    return logins
