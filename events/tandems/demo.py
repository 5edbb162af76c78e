"""Demo data of the tandem programme: the five Bavarian groups with pairs from the directory, their meetings, and
a guideline in its comment period with versions, comments and suggestions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from events.core.models import District, Organisation, OrganisationKind, Person, Region
from events.core.timezone import BERLIN
from events.core.types import utcnow
from events.extensions import db
from events.meetings.models import Event, EventAccess, EventKind, EventStatus
from events.tandems.meetings import blocks_of_group
from events.tandems.models import (
    BlockComment,
    BlockState,
    BlockSuggestion,
    BlockVersion,
    GroupMember,
    GuidelineBlock,
    GuidelineChapter,
    MemberRole,
    Phase,
    TandemGroup,
    TandemMeeting,
    TandemPair,
    TandemProgramme,
)
from events.tandems.programmes import new_member_token

# region, topic, the two districts whose organisations pair up
GROUPS = [
    ("Oberbayern", "Gemeinsame Öffentlichkeitsarbeit", ("09162", "09175")),
    ("Niederbayern", "Ehrenamtliche gemeinsam gewinnen", ("09261", "09279")),
    ("Oberpfalz", "Gemeinsame Veranstaltungen", ("09362", "09376")),
    ("Mittelfranken", "Parallelstrukturen vermeiden", ("09564", "09573")),
    ("Schwaben", "Vernetzung im ländlichen Raum", ("09761", "09778")),
]
CHAPTERS = [
    (
        "Gemeinsame Vernetzung und Öffentlichkeitsarbeit",
        "Wie Freiwilligenagenturen und Integrationslotsen sich "
        "gegenseitig bekannt machen und gemeinsam nach außen auftreten.",
    ),
    ("Gemeinsame Veranstaltungen und Projektarbeit", "Was Tandems zusammen planen und durchführen."),
    ("Parallelstrukturen vermeiden", "Wie die Tandems Doppelarbeit erkennen und Angebote bündeln."),
]
# chapter index, title, versions of the text (the last is the current one)
BLOCKS = [
    (
        0,
        "Ein gemeinsamer Auftritt in der Lokalpresse",
        [
            "Die Tandems stellen sich gemeinsam in der Lokalpresse vor.",
            "Die Tandems stellen sich gemeinsam in der Lokalpresse vor und nennen **eine** Ansprechperson für "
            "Anfragen von Freiwilligen.",
        ],
    ),
    (
        0,
        "Verteiler teilen",
        [
            "Freiwilligenagentur und Integrationslotsen führen einen gemeinsamen Verteiler der Helferkreise.",
        ],
    ),
    (
        1,
        "Ein Ehrenamtstag im Jahr",
        [
            "Einmal im Jahr laden die Tandems gemeinsam zu einem Ehrenamtstag ein.",
            "Einmal im Jahr laden die Tandems gemeinsam zu einem Ehrenamtstag ein; Vereine und Helferkreise "
            "stellen sich dort vor.",
            "Einmal im Jahr laden die Tandems gemeinsam zu einem Ehrenamtstag ein; Vereine, Helferkreise und "
            "Migrantenorganisationen stellen sich dort vor.\n\n- Termin früh abstimmen\n- Räume der Kommune nutzen",
        ],
    ),
    (
        2,
        "Erst schauen, was es gibt",
        [
            "Bevor ein Tandem ein neues Angebot startet, prüft es, ob es vor Ort schon ein ähnliches gibt.",
        ],
    ),
]


def _organisation(name: str, kind: str, district: District) -> Organisation:
    found = db.session.scalar(select(Organisation).filter_by(name=name))
    if found is None:
        found = Organisation(name=name, kind=kind, district=district)
        db.session.add(found)
    return found


def _person(first: str, last: str, organisation: Organisation, function: str) -> Person:
    email = f"{first}.{last}@tandem.example".lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    person = Person(first_name=first, last_name=last, email=email, function=function, organisation=organisation)
    db.session.add(person)
    return person


def _meeting(group: TandemGroup, number: int, start: datetime, organiser_id: int) -> TandemMeeting:
    event = Event(
        slug=f"tandem-{group.region.name.lower()}-{number}-{start:%Y%m%d}",
        kind=EventKind.TANDEM_MEETING,
        title=f"{group.name}: {number}. Treffen",
        description=group.topic,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        venue_name=f"Rathaus {group.region.name}",
        access=EventAccess.INVITED,
        status=EventStatus.PUBLISHED,
        created_by_id=organiser_id,
    )
    return TandemMeeting(group=group, event=event)


def load_tandem_demo(rng, users: dict) -> None:
    """The programme, its five groups and guideline; call inside the demo loader's transaction."""
    today = utcnow().astimezone(BERLIN).date()
    lagfa = db.session.scalar(select(Organisation).filter_by(name="lagfa bayern e. V."))
    coordinator = _person("Sabine", "Lechner", lagfa, "Koordination Tandem-Projekt")
    programme = TandemProgramme(
        title=f"Tandem-Projektgruppen Bayern {today.year}",
        starts_on=today - timedelta(days=150),
        ends_on=today + timedelta(days=90),
        partner=lagfa,
        phase=Phase.COMMENTING,
        phase_until=today + timedelta(days=21),
        guideline_title="Gemeinsam stark: Leitfaden für Freiwilligenagenturen und Integrationslotsen",
        foreword="Fünf Tandem-Projektgruppen haben diesen Leitfaden gemeinsam geschrieben.",
        imprint="Herausgegeben vom Bayerischen Staatsministerium des Innern, für Sport und Integration, "
        "in Zusammenarbeit mit der lagfa bayern e. V.",
        coordinators=[coordinator],
    )
    db.session.add(programme)
    chapters = [
        GuidelineChapter(programme=programme, position=number, title=title, introduction=intro)
        for number, (title, intro) in enumerate(CHAPTERS, 1)
    ]
    db.session.add_all(chapters)
    names = iter(
        rng.sample(
            [
                (f, la)
                for f in (
                    "Anja",
                    "Bernd",
                    "Carla",
                    "Dilara",
                    "Emil",
                    "Fatma",
                    "Georg",
                    "Hanna",
                    "Ilias",
                    "Julia",
                    "Kerem",
                    "Lea",
                    "Milan",
                    "Nora",
                    "Oskar",
                    "Petra",
                    "Rami",
                    "Sarah",
                    "Timo",
                    "Uta",
                )
                for la in (
                    "Auer",
                    "Bichler",
                    "Dorn",
                    "Eder",
                    "Fuchs",
                    "Hahn",
                    "Lang",
                    "Moser",
                    "Pichler",
                    "Reiter",
                    "Seidl",
                    "Vogt",
                )
            ],
            40,
        )
    )
    groups = []
    for region_name, topic, keys in GROUPS:
        region = db.session.scalar(select(Region).filter_by(name=region_name, state="Bayern"))
        group = TandemGroup(programme=programme, name=f"Tandem {region_name}", region=region, topic=topic)
        db.session.add(group)
        for key in keys:
            district = db.session.scalar(select(District).filter_by(key=key))
            agency = _organisation(
                f"Freiwilligenagentur {district.name}", OrganisationKind.FREIWILLIGENAGENTUR, district
            )
            seat = (
                f"Stadt {district.name}, Amt für Integration"
                if district.kind == "Kreisfreie Stadt"
                else (f"Landratsamt {district.name}, Integrationsstelle")
            )
            lotsen = _organisation(seat, OrganisationKind.MUNICIPALITY, district)
            group.pairs.append(TandemPair(agency=agency, lotsen=lotsen))
            for organisation, function, role in (
                (agency, "Leitung Freiwilligenagentur", MemberRole.LEAD if key == keys[0] else MemberRole.MEMBER),
                (lotsen, "Integrationslotsin", MemberRole.MEMBER),
            ):
                first, last = next(names)
                member = GroupMember(person=_person(first, last, organisation, function), role=role)
                group.members.append(member)
                new_member_token(member)  # a working link is mailed when an organiser sends it again
        groups.append(group)
    db.session.flush()
    _guideline(rng, groups, chapters)
    _meetings(groups, users["organiser"].id, today)


def _guideline(rng, groups: list[TandemGroup], chapters: list[GuidelineChapter]) -> None:
    now = utcnow()
    for number, group in enumerate(groups):
        for chapter_index, title, texts in rng.sample(BLOCKS, 2):
            members = group.members
            block = GuidelineBlock(
                chapter=chapters[chapter_index],
                group=group,
                position=number,
                title=title if number == 0 else f"{title} ({group.region.name})",
                text=texts[-1],
                version=len(texts),
                state=rng.choice([BlockState.DRAFT, BlockState.IN_REVIEW, BlockState.IN_REVIEW]),
                groups=[group],
                contributors=[member.person for member in members[:2]],
            )
            block.versions = [
                BlockVersion(
                    number=n,
                    title=block.title,
                    text=text,
                    author=members[n % len(members)].person.full_name,
                    saved_at=now - timedelta(days=30 - 7 * n),
                )
                for n, text in enumerate(texts, 1)
            ]
            db.session.add(block)
            other = groups[(number + 1) % len(groups)]
            commenter = other.members[0].person
            block.comments = [
                BlockComment(
                    author=commenter.full_name,
                    author_group=other,
                    text="Das haben wir in unserer Region ähnlich gemacht – gute Erfahrungen!",
                )
            ]
            if rng.random() < 0.5:
                block.suggestions = [
                    BlockSuggestion(
                        author=commenter.full_name,
                        author_person_id=commenter.id,
                        author_group=other,
                        base_version=block.version,
                        text=block.text + " Dabei hilft eine gemeinsame Checkliste.",
                        reason="Eine Checkliste macht es für neue Tandems leichter.",
                    )
                ]


def _meetings(groups: list[TandemGroup], organiser_id: int, today) -> None:
    for number, group in enumerate(groups):
        produced = blocks_of_group(group)[:1]
        for index, days in enumerate((-120 + number, -60 + number, 30 + number), 1):
            day = today + timedelta(days=days)
            meeting = _meeting(group, index, datetime(day.year, day.month, day.day, 13, 0, tzinfo=BERLIN), organiser_id)
            if days < 0:
                lead = next(m for m in group.members if m.role == MemberRole.LEAD)
                meeting.minutes = f"Wir haben Erfahrungen ausgetauscht und am Thema „{group.topic}“ gearbeitet."
                meeting.minutes_by = lead.person.full_name
                meeting.minutes_at = meeting.event.ends_at
                meeting.blocks = produced
            db.session.add(meeting)
