"""Award objects for tests, made inside an app context; the fixtures of tests/awards/conftest.py and the access
table's world (tests/conftest.py) both use them."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from sqlalchemy import select

from events.awards.documents import store_document
from events.awards.jury import add_member
from events.awards.links import give_links, nominee_token, placeholder_hash
from events.awards.models import (
    AwardProgramme,
    ConflictDeclaration,
    Criterion,
    JuryMember,
    JuryReview,
    Nomination,
    NominationDocument,
    NominationRoute,
    NominationState,
    ProgrammeStatus,
    RoundKind,
    RoundState,
    Score,
)
from events.awards.programmes import create_programme
from events.core.models import District, Region, User, UserRole
from events.core.types import utcnow
from events.extensions import db


def _one_page_pdf() -> bytes:
    import io

    import pikepdf

    document, buffer = pikepdf.new(), io.BytesIO()
    document.add_blank_page()
    document.save(buffer)
    return buffer.getvalue()


PDF = _one_page_pdf()
_numbers = count(1)


def programme(
    *,
    name: str = "Integration vor Ort",
    region: str | None = "Niederbayern",
    deadline=None,
    status: str = ProgrammeStatus.PUBLISHED,
    min_active_months: int = 12,
    required_attachments: int = 0,
    questions: list | None = None,
    categories: list[str] | None = None,
    criteria: list[dict] | None = None,
    open_round: str | None = RoundKind.SCORING,
) -> AwardProgramme:
    """A regional programme of one Regierung with two weighted criteria and a yes/no one, published; by default
    its scoring round is open (the screening round closed)."""
    region_row = db.session.scalars(select(Region).where(Region.name == region)).first() if region else None
    made = create_programme(
        {
            "name": name,
            "edition": 2026,
            "motto": "Gemeinsam stark",
            "description": "Für Projekte, die **Zusammenhalt** stiften.",
            "scope": "region" if region_row else "state",
            "state": "Bayern",
            "region_id": region_row.id if region_row else None,
            "deadline": deadline or utcnow() + timedelta(days=30),
            "budget_cents": 500_000,
            "min_active_months": min_active_months,
            "required_attachments": required_attachments,
            "questions": questions or [],
            "contact_email": "integration@regierung.example",
        },
        categories or [],
    )
    for position, values in enumerate(
        criteria
        or [
            {"name": "Wirkung", "weight": 2.0, "descriptors": ["kaum", "etwas", "deutlich", "stark", "herausragend"]},
            {"name": "Beteiligung", "weight": 1.0},
            {"name": "Migrantinnen und Migranten gestalten mit", "counts": False, "scale_min": 0, "scale_max": 1},
        ]
    ):
        db.session.add(Criterion(programme=made, position=position, **values))
    made.status = status
    if open_round:
        for round_ in made.rounds:
            if round_.kind == open_round:
                round_.state = RoundState.OPEN
                break
            round_.state = RoundState.CLOSED
    db.session.commit()
    return made


def nomination(
    programme: AwardProgramme,
    *,
    project_name: str | None = None,
    state: str = NominationState.ELIGIBLE,
    route: str = NominationRoute.SELF,
    consent: bool = True,
    district_key: str = "09261",
    active_since: date | None = date(2023, 3, 1),
    organisation_name: str = "Helferkreis Miteinander e. V.",
    contact_name: str | None = None,
    proposer_name: str | None = None,
    language: str = "de",
) -> Nomination:
    """A nomination with a personal link (its token on `.token`), complete and, by default, admitted."""
    n = next(_numbers)
    district = db.session.scalars(select(District).where(District.key == district_key)).one()
    made = Nomination(
        programme_id=programme.id,
        route=route,
        state=state,
        project_name=project_name or f"Sprachcafé {n}",
        description="Jeden Donnerstag üben Ehrenamtliche mit Neuankommenden Deutsch.",
        active_since=active_since,
        district_id=district.id,
        region_id=district.region_id,
        organisation_name=organisation_name,
        contact_name=contact_name or f"Aylin Demir {n}",
        contact_email=f"bewerbung{n}@example.org",
        language=language,
        answers={},
        link_nonce="",
        token_hash=placeholder_hash(),
        consent_at=utcnow() if consent else None,
        consent_text="Einverstanden." if consent else None,
        submitted_at=utcnow() if state != NominationState.DRAFT else None,
    )
    if route == NominationRoute.THIRD_PARTY:
        made.proposer_name = proposer_name or "Paul Vorschlag"
        made.proposer_email = f"vorschlag{n}@example.org"
        made.proposer_language = "de"
    db.session.add(made)
    db.session.flush()
    give_links(made, proposer=route == NominationRoute.THIRD_PARTY)
    db.session.commit()
    made.token = nominee_token(made)
    return made


def jury_user(email: str | None = None, name: str | None = None) -> User:
    n = next(_numbers)
    user = User(
        email=email or f"juror{n}@example.org",
        display_name=name or f"Jurorin {n}",
        role_rows=[UserRole(role="jury")],
    )
    db.session.add(user)
    db.session.commit()
    return user


def juror(programme: AwardProgramme, user: User | None = None, **options) -> JuryMember:
    user = user or jury_user()
    return add_member(db.session.get(AwardProgramme, programme.id), user.email, **options)


def document(nomination: Nomination, filename: str = "Konzept.pdf", uploaded_by: str = "nominee") -> NominationDocument:
    """An attachment kept in the storage, whatever state the nomination is in."""
    made = NominationDocument(
        nomination_id=nomination.id,
        filename=filename,
        content_type="application/pdf",
        size=len(PDF),
        storage_key=store_document(PDF),
        uploaded_by=uploaded_by,
    )
    db.session.add(made)
    db.session.commit()
    return made


def scores(member: JuryMember, nomination: Nomination, values: list[int], *, submitted: bool = True) -> None:
    """A juror's values for the programme's criteria, in their order, written directly (no round check)."""
    programme = db.session.get(AwardProgramme, nomination.programme_id)
    scoring = programme.round_of(RoundKind.SCORING)
    for criterion, value in zip(programme.criteria, values, strict=False):
        db.session.add(
            Score(
                round_id=scoring.id,
                jury_member_id=member.id,
                nomination_id=nomination.id,
                criterion_id=criterion.id,
                value=value,
            )
        )
    db.session.add(
        JuryReview(jury_member_id=member.id, nomination_id=nomination.id, submitted_at=utcnow() if submitted else None)
    )
    db.session.commit()


def conflict(member: JuryMember, nomination: Nomination, state: str = "declared", source: str = "declared"):
    made = ConflictDeclaration(
        jury_member_id=member.id,
        nomination_id=nomination.id,
        state=state,
        source=source,
        conflict_type="personal",
    )
    db.session.add(made)
    db.session.commit()
    return made


def award_world(account) -> dict:
    """The award objects the access table's URLs point at: the world's jury account chairs the jury."""
    from events.awards.models import DocumentRequest

    made = programme(categories=[])
    chair = juror(made, db.session.get(User, account("jury").id), is_chair=True)
    admitted = nomination(made, project_name="Sprachcafé Landshut")
    submitted = nomination(made, project_name="Nähwerkstatt Vilsbiburg", state=NominationState.SUBMITTED)
    attached = document(admitted)
    request = DocumentRequest(
        nomination_id=admitted.id, text="Bitte den Finanzplan nachreichen.", due_on=date(2027, 1, 15)
    )
    db.session.add(request)
    other = juror(made)
    suggested = conflict(other, admitted, state="suggested", source="suggested")
    released = released_programme()
    return {
        "award_released_slug": released.slug,
        "award_programme": made.id,
        "award_slug": made.slug,
        "award_nomination": admitted.id,
        "award_submitted": submitted.id,
        "award_token": admitted.token,
        "award_document": attached.id,
        "award_request": request.id,
        "award_criterion": made.criteria[0].id,
        "award_round": made.round_of(RoundKind.SCORING).id,
        "award_member": other.id,
        "award_chair": chair.id,
        "award_conflict": suggested.id,
    }


def released_programme(name: str = "Integrationspreis Schwaben") -> AwardProgramme:
    """A programme whose decision is released and whose winners page is public: one winner, 2,500 EUR."""
    from events.awards.decision_models import AwardDecision, Prize

    made = programme(name=name, categories=[])
    winner = nomination(made, project_name="Sprachcafé Augsburg")
    made = db.session.get(AwardProgramme, made.id)
    made.place_amounts = [250_000, 150_000, 100_000]
    decision = AwardDecision(programme_id=made.id, category_key=0, decided_by_name="Dr. Vorsitz", present=[])
    decision.prizes.append(
        Prize(nomination_id=winner.id, kind="place", place=1, amount_cents=250_000, laudation="Sprache verbindet.")
    )
    db.session.add(decision)
    made.decision_released_at = utcnow() - timedelta(days=1)
    made.winners_public_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    return made
