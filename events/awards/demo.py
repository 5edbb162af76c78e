"""Demo data of the awards: the regional prize of the Regierung von Niederbayern, with twelve nominations in every
state of the workflow, a jury of five (one declared conflict) and scores; the call is closed, the jury decided
(places 1-3 with 2,500 / 1,500 / 1,000 EUR and a recognition), the decision is released, its record made and the
winners page public, so a new user sees the end of the flow (the ceremony adds itself through the release)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from events.awards.jury import add_member, suggest_conflicts
from events.awards.links import give_links, placeholder_hash
from events.awards.models import (
    AwardProgramme,
    ConflictDeclaration,
    ConflictState,
    Criterion,
    DocumentRequest,
    JuryReview,
    Nomination,
    NominationRoute,
    NominationState,
    ProgrammeStatus,
    RoundKind,
    RoundState,
    Score,
)
from events.awards.programmes import create_programme
from events.core.models import District, Region
from events.core.types import utcnow
from events.extensions import db

JURORS = [
    ("jury2@treffpunkt.example", "Dr. Markus Huber", "Caritasverband Passau"),
    ("jury3@treffpunkt.example", "Selin Arslan", "Stadt Landshut, Amt für Integration"),
    ("jury4@treffpunkt.example", "Georg Wimmer", "Landratsamt Dingolfing-Landau"),
    ("jury5@treffpunkt.example", "Prof. Dr. Ingrid Sommer", "Hochschule Deggendorf"),
]
# who speaks for each of the twelve projects (the contact person, named on the ceremony's guest list)
CONTACTS = [
    "Amira Haddad",
    "Thomas Brandl",
    "Elif Yilmaz",
    "Johanna Maier",
    "Samuel Okafor",
    "Brigitte Kammerer",
    "Daniel Schuster",
    "Nadia Rahimi",
    "Lukas Eder",
    "Fatma Kaya",
    "Anna Gruber",
    "Tobias Reiter",
]
# (project, organisation, route, state) of the twelve nominations
NOMINATIONS = [
    ("Sprachcafé am Bahnhof", "Helferkreis Asyl Landshut", NominationRoute.SELF, NominationState.ELIGIBLE),
    ("Fahrradwerkstatt für alle", "Freiwilligenagentur Passau", NominationRoute.SELF, NominationState.ELIGIBLE),
    ("Lesepaten Straubing", "Stadtbücherei Straubing", NominationRoute.THIRD_PARTY, NominationState.ELIGIBLE),
    ("Interkultureller Garten Deggendorf", "Grünes Band e. V.", NominationRoute.SELF, NominationState.ELIGIBLE),
    ("Mentoring für Ausbildung", "Caritasverband Passau", NominationRoute.ORGANISER, NominationState.ELIGIBLE),
    ("Nähwerkstatt Vilsbiburg", "Frauentreff Vilsbiburg", NominationRoute.SELF, NominationState.ELIGIBLE),
    ("Fußball verbindet", "SV Miteinander Dingolfing e. V.", NominationRoute.THIRD_PARTY, NominationState.ELIGIBLE),
    ("Elterncafé Regen", "Familienzentrum Regen", NominationRoute.SELF, NominationState.SUBMITTED),
    ("Begleitung zu Behörden", "KoBE Freyung-Grafenau", NominationRoute.SELF, NominationState.MORE_INFORMATION),
    ("Kochen ohne Grenzen", "Initiative Tisch für alle", NominationRoute.THIRD_PARTY, NominationState.AWAITING_CONSENT),
    ("Hausaufgabenhilfe Kelheim", "Jugendtreff Kelheim", NominationRoute.SELF, NominationState.NOT_ELIGIBLE),
    ("Chor der Kulturen", "Musikverein Eggenfelden", NominationRoute.SELF, NominationState.DRAFT),
]


def load_award_demo(users: dict, password: str, rng: random.Random) -> list[tuple[str, str]]:
    """The programme, nominations, jury and scores; returns the extra jury logins."""
    from events.accounts.service import create_user

    region = db.session.scalars(select(Region).where(Region.name == "Niederbayern")).first()
    if region is None:
        return []
    programme = create_programme(
        {
            "name": "Integrationspreis „Integration vor Ort“ der Regierung von Niederbayern",
            "edition": utcnow().year,
            "motto": "Miteinander wachsen",
            "description": "Ausgezeichnet werden Projekte, die seit mindestens einem Jahr Menschen mit und ohne "
            "Migrationsgeschichte zusammenbringen.\n\n- 1. Platz: 2.500 Euro\n- 2. Platz: 1.500 Euro\n"
            "- 3. Platz: 1.000 Euro",
            "scope": "region",
            "state": "Bayern",
            "region_id": region.id,
            "deadline": utcnow() + timedelta(days=21),
            "budget_cents": 500_000,
            "min_active_months": 12,
            "required_attachments": 1,
            "questions": [{"label": "Wer macht mit, und wie viele Menschen erreicht das Projekt?", "required": True}],
            "contact_email": "integrationspreis@reg-nb.example",
        }
    )
    for position, (name, weight, counts) in enumerate(
        [
            ("Wirkung vor Ort", 2.0, True),
            ("Beteiligung von Migrantinnen und Migranten", 1.5, True),
            ("Nachhaltigkeit", 1.0, True),
            ("Übertragbar auf andere Orte", 1.0, False),
        ]
    ):
        db.session.add(
            Criterion(
                programme=programme,
                name=name,
                weight=weight,
                counts=counts,
                position=position,
                scale_min=1 if counts else 0,
                scale_max=5 if counts else 1,
                descriptors=["kaum", "in Ansätzen", "erkennbar", "deutlich", "herausragend"] if counts else [],
            )
        )
    programme.status = ProgrammeStatus.PUBLISHED
    programme.published_at = utcnow()
    for round_ in programme.rounds:
        round_.state = {RoundKind.SCREENING: RoundState.CLOSED, RoundKind.SCORING: RoundState.OPEN}.get(
            round_.kind, RoundState.PLANNED
        )
    db.session.commit()

    logins, members = [], []
    chair = add_member(programme, users["jury"].email, is_chair=True, organisation_name="Integrationsbeirat")
    members.append(chair)
    for email, name, organisation in JURORS:
        create_user(email, name, ["jury"], password)
        db.session.commit()
        members.append(add_member(programme, email, organisation_name=organisation))
        logins.append(("jury", email))

    districts = db.session.scalars(select(District).where(District.region_id == region.id).order_by(District.key)).all()
    nominations = [_nomination(programme, n, row, rng.choice(districts)) for n, row in enumerate(NOMINATIONS, 1)]
    db.session.commit()
    suggest_conflicts(programme)  # Dr. Huber works for the Caritasverband Passau: a suggestion for the chair

    # Selin Arslan declares a conflict on the Sprachcafé (she advised it); she scores everything else
    db.session.add(
        ConflictDeclaration(
            member=members[2],
            nomination=nominations[0],
            state=ConflictState.DECLARED,
            source="declared",
            conflict_type="professional",
            note="Ich habe das Projekt in der Gründungsphase beraten.",
        )
    )
    scoring_round = programme.round_of(RoundKind.SCORING)
    counting = [c for c in programme.criteria if c.counts]
    for member in members[1:]:  # the chair scores during the meeting
        for nomination in nominations[:7]:
            if (member is members[2] and nomination is nominations[0]) or (
                member is members[1] and nomination is nominations[4]
            ):
                continue
            quality = 2 + (7 - nominations.index(nomination)) * 0.4
            for criterion in programme.criteria:
                value = (
                    round(min(5, max(1, quality + rng.uniform(-1, 1)))) if criterion in counting else rng.randint(0, 1)
                )
                db.session.add(
                    Score(
                        round_id=scoring_round.id,
                        jury_member_id=member.id,
                        nomination_id=nomination.id,
                        criterion_id=criterion.id,
                        value=value,
                    )
                )
            db.session.add(
                JuryReview(
                    member=member,
                    nomination_id=nomination.id,
                    comment=rng.choice(["Überzeugend.", "Solide Arbeit.", "Wirkt nachhaltig.", ""]),
                    submitted_at=utcnow(),
                )
            )
    db.session.commit()
    _decide_and_release(programme, members, users["organiser"])
    return logins


LAUDATIONS = [
    "Ein Ort, an dem Sprache und Freundschaft wachsen – jede Woche, seit Jahren.",
    "Hier wird geschraubt, gelernt und gelacht: Mobilität für alle.",
    "Lesen verbindet Generationen und Herkunftsländer.",
]


def _decide_and_release(programme: AwardProgramme, members: list, organiser) -> None:
    """Close the call and the scoring (figures frozen), record the chair's decision from the jury's order, release
        it with the winners page public since two hours, have the decision record made and the certificates issued (the
    winners' Urkunden and the jury's thanks; the worker renders them)."""
    from events.awards.announcement import release_decisions
    from events.awards.certificates import issue_award_certificates
    from events.awards.decisions import proposal_for, record_decision
    from events.awards.prizes import Entry
    from events.awards.record import request_record
    from events.awards.results import freeze_round

    now = utcnow()
    programme.deadline, programme.status, programme.closed_at = now - timedelta(days=60), ProgrammeStatus.CLOSED, now
    programme.place_amounts = [250_000, 150_000, 100_000]
    programme.tie_break_text = "Bei Gleichstand entscheidet der höhere Median, danach die Stimme des Vorsitzes."
    scoring = programme.round_of(RoundKind.SCORING)
    scoring.frozen_results = freeze_round(programme, RoundKind.SCORING)
    scoring.state, scoring.closed_at = RoundState.CLOSED, now
    db.session.commit()
    candidates = proposal_for(programme, None).candidates
    entries = [
        Entry(c.id, "place", place=n, laudation=LAUDATIONS[n - 1]) for n, c in enumerate(candidates[:3], start=1)
    ]
    if len(candidates) > 3:
        entries.append(Entry(candidates[3].id, "recognition", laudation="Ein mutiger Anfang, der Nachahmer verdient."))
    chair = members[0]
    record_decision(programme, None, entries, [m.id for m in members], chair.user, "Einstimmig beschlossen.")
    release_decisions(programme, organiser, now - timedelta(hours=2))
    request_record(db.session.get(AwardProgramme, programme.id))
    issue_award_certificates(db.session.get(AwardProgramme, programme.id), organiser.id)


def _nomination(programme: AwardProgramme, n: int, row: tuple, district: District) -> Nomination:
    project, organisation, route, state = row
    consented = state not in (NominationState.AWAITING_CONSENT, NominationState.DRAFT)
    nomination = Nomination(
        programme=programme,
        route=route,
        state=state,
        project_name=project,
        description=f"{project}: Ehrenamtliche und Neuzugewanderte gestalten gemeinsam Angebote vor Ort.",
        active_since=date(2019 + n % 5, 1 + n % 12, 1),
        district_id=district.id,
        region_id=district.region_id,
        organisation_name=organisation,
        contact_name=CONTACTS[n - 1],
        contact_email=f"projekt{n}@beispiel.example",
        answers={"1": "Rund zwanzig Ehrenamtliche, jede Woche etwa fünfzig Besucherinnen und Besucher."},
        link_nonce="",
        token_hash=placeholder_hash(),
        consent_at=utcnow() if consented else None,
        consent_text="Einverstanden (Demodaten)." if consented else None,
        submitted_at=utcnow() if state != NominationState.DRAFT else None,
        screening_reason="Das Projekt liegt außerhalb des Regierungsbezirks."
        if state == NominationState.NOT_ELIGIBLE
        else "",
    )
    if route == NominationRoute.THIRD_PARTY:
        nomination.proposer_name = "Pfarrerin Maria Lechner"
        nomination.proposer_email = f"vorschlag{n}@beispiel.example"
        nomination.proposer_language = "de"
    db.session.add(nomination)
    db.session.flush()
    give_links(nomination, proposer=route == NominationRoute.THIRD_PARTY)
    if state == NominationState.MORE_INFORMATION:
        db.session.add(
            DocumentRequest(
                nomination=nomination,
                text="Bitte reichen Sie einen kurzen Bericht über das letzte Jahr nach.",
                due_on=date.today() + timedelta(days=14),
            )
        )
    return nomination
