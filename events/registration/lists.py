"""The organiser's list of registrations: filters, counts of every answer, and the figures behind the charts."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta

from blinker import Namespace
from sqlalchemy import select

from events.core.models import District, Organisation, Region
from events.core.timezone import BERLIN, berlin_date
from events.extensions import db
from events.meetings.models import Event, QuestionKind, SessionKind
from events.registration.models import Registration, RegistrationStatus, WorkshopChoice
from events.registration.overview import search_registrations

_signals = Namespace()
# sender: an event id; a receiver returns a select of the ids of its registrations that were admitted at the door.
# checkin connects to it (it sits above registration); without a receiver the list offers no check-in filter.
admitted_registrations = _signals.signal("admitted-registrations")

CHECKED_IN, NOT_CHECKED_IN = "yes", "no"


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date_or_none(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class RegistrationFilter:
    """What the organiser narrowed the list to; read leniently from the page's address (a value that does not
    parse is no filter, so an edited or outdated address never fails)."""

    status: str = ""
    q: str = ""  # name, address or organisation
    workshop: int | None = None
    region: int | None = None
    district: int | None = None
    kind: str = ""  # kind of the directory organisation
    answer: str = ""  # "<question id>:<option chosen>" ("yes"/"no" for yes/no questions)
    checked_in: str = ""  # CHECKED_IN or NOT_CHECKED_IN
    registered_from: date | None = None  # registered on or after this day (Europe/Berlin)
    registered_until: date | None = None  # ... on or before this day

    @classmethod
    def from_args(cls, args) -> RegistrationFilter:
        return cls(
            status=args.get("status", "") if args.get("status") in set(RegistrationStatus) else "",
            q=args.get("q", "").strip()[:100],
            workshop=_int_or_none(args.get("workshop")),
            region=_int_or_none(args.get("region")),
            district=_int_or_none(args.get("district")),
            kind=args.get("kind", "")[:40],
            answer=args.get("answer", "")[:320],
            checked_in=args.get("checked_in", "") if args.get("checked_in") in (CHECKED_IN, NOT_CHECKED_IN) else "",
            registered_from=_date_or_none(args.get("registered_from")),
            registered_until=_date_or_none(args.get("registered_until")),
        )

    def args(self) -> dict:
        """The filter as the page's address carries it (only what is set)."""
        return {key: str(value) for key, value in asdict(self).items() if value not in (None, "")}

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the status narrows the list."""
        return any(getattr(self, f.name) not in (None, "") for f in fields(self) if f.name != "status")


def _answered(answer, wanted: str) -> bool:
    return wanted in answer if isinstance(answer, list) else answer == wanted


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BERLIN)


def filtered_registrations(event: Event, wanted: RegistrationFilter):
    """The query of the registrations the filter lets through, in the list's order."""
    query = search_registrations(event, wanted.status, wanted.q)
    if wanted.workshop is not None:
        query = query.where(
            Registration.id.in_(
                select(WorkshopChoice.registration_id).where(WorkshopChoice.session_id == wanted.workshop)
            )
        )
    if wanted.district is not None:
        query = query.where(Registration.district_id == wanted.district)
    if wanted.region is not None:
        query = query.where(
            Registration.district_id.in_(select(District.id).where(District.region_id == wanted.region))
        )
    if wanted.kind:
        query = query.where(
            Registration.organisation_id.in_(select(Organisation.id).where(Organisation.kind == wanted.kind))
        )
    question, _colon, option = wanted.answer.partition(":")
    if question.isdigit() and option:
        # answers are JSON of either shape (text or list of texts); an event has some hundred registrations
        rows = db.session.execute(
            select(Registration.id, Registration.answers).where(Registration.event_id == event.id)
        ).all()
        query = query.where(
            Registration.id.in_([rid for rid, answers in rows if _answered((answers or {}).get(question, ""), option)])
        )
    if wanted.checked_in:
        admitted = [result for _receiver, result in admitted_registrations.send(event.id) if result is not None]
        if admitted:
            inside = Registration.id.in_(admitted[0])
            query = query.where(inside if wanted.checked_in == CHECKED_IN else ~inside)
    if wanted.registered_from is not None:
        query = query.where(Registration.created_at >= _day_start(wanted.registered_from))
    if wanted.registered_until is not None:
        query = query.where(Registration.created_at < _day_start(wanted.registered_until + timedelta(days=1)))
    return query


def check_in_filter_offered() -> bool:
    return bool(admitted_registrations.receivers)


@dataclass
class AnswerCount:
    question: str  # its label; "" for the dietary needs
    counts: list[tuple[str, int, str | None]]  # (answer as people read it, how many, its value for the filter)
    answered: int  # how many gave any answer


def answer_counts(event: Event, yes: str, no: str) -> list[AnswerCount]:
    """How many active registrations gave each answer of each question (a text question: how many answered), and
    how many named dietary needs, grouped by what they wrote (ignoring case). yes, no: the words for yes/no answers.
    """
    rows = db.session.execute(
        select(Registration.answers, Registration.dietary_needs)
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.id)  # a need spelt several ways is shown as the first registrant wrote it
    ).all()
    result = []
    for question in event.questions:
        given = [(answers or {}).get(str(question.id)) for answers, _diet in rows]
        given = [answer for answer in given if answer not in (None, "", [])]
        counted = Counter(a for answer in given for a in (answer if isinstance(answer, list) else [answer]))
        if question.kind == QuestionKind.YESNO:
            options = [("yes", yes), ("no", no)]
        elif question.kind in QuestionKind.WITH_OPTIONS:
            listed = list(question.options or [])
            options = [(o, o) for o in listed] + [(o, o) for o, _n in counted.most_common() if o not in listed]
        else:
            options = []
        counts = [(label, counted[value], f"{question.id}:{value}") for value, label in options]
        result.append(AnswerCount(question.label, counts, len(given)))
    diets: Counter = Counter()
    spelling: dict[str, str] = {}
    for _answers, diet in rows:
        if diet and diet.strip():
            key = diet.strip().casefold()
            spelling.setdefault(key, diet.strip())
            diets[key] += 1
    result.append(AnswerCount("", [(spelling[k], n, None) for k, n in diets.most_common()], sum(diets.values())))
    return result


def registrations_per_day(event: Event) -> list[tuple[date, int]]:
    """How many registrations (whatever became of them) were made on each day, from the first to the last one."""
    made = [
        berlin_date(created)
        for created in db.session.scalars(select(Registration.created_at).where(Registration.event_id == event.id))
    ]
    if not made:
        return []
    per_day = Counter(made)
    first, last = min(made), max(made)
    return [(first + timedelta(days=n), per_day[first + timedelta(days=n)]) for n in range((last - first).days + 1)]


@dataclass
class FilterChoices:
    workshops: list  # the event's workshops
    regions: list[tuple[int, str]]
    questions: list  # the event's questions with choices (yes/no, single, multiple)


def filter_choices(event: Event) -> FilterChoices:
    return FilterChoices(
        workshops=[s for s in event.sessions if s.kind == SessionKind.WORKSHOP],
        regions=db.session.execute(select(Region.id, Region.name).order_by(Region.name)).all(),
        questions=[q for q in event.questions if q.kind != QuestionKind.TEXT],
    )
