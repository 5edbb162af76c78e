"""The ceremony's running order: the laudations in award order, generated from the winners, then edited by the
organisers (reordered, reworded, speeches and music added); and the greeting list of honoured guests."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from events.ceremonies.errors import CeremonyError
from events.ceremonies.guests import protocol_key
from events.ceremonies.models import Ceremony, Guest, GuestKind, ItemKind, RunningOrderItem
from events.core.audit import record_audit
from events.core.database import lock_row
from events.extensions import db


def running_order(ceremony: Ceremony) -> list[RunningOrderItem]:
    return db.session.scalars(
        select(RunningOrderItem)
        .where(RunningOrderItem.ceremony_id == ceremony.id)
        .order_by(RunningOrderItem.position, RunningOrderItem.id)
    ).all()


def laudation_title(guest: Guest) -> str:
    """ "Laudatio: Ehrenamt, 1. Platz – Erika Muster (Helferkreis Landshut)"."""
    award = ", ".join(
        part
        for part in (
            guest.category_name,
            _("%(place)d. Platz", place=guest.place) if guest.place else None,
            guest.prize_label if not guest.place else None,
        )
        if part
    )
    who = guest.full_name + (f" ({guest.organisation})" if guest.organisation else "")
    return _("Laudatio: %(award)s – %(who)s", award=award, who=who) if award else _("Laudatio: %(who)s", who=who)


def generate_laudations(ceremony: Ceremony) -> int:
    """Add a laudation for every winner who has none yet, in award order, after the items already there."""
    lock_row(Ceremony, ceremony.id)
    have = set(
        db.session.scalars(
            select(RunningOrderItem.guest_id).where(
                RunningOrderItem.ceremony_id == ceremony.id, RunningOrderItem.kind == ItemKind.LAUDATION
            )
        )
    )
    winners = db.session.scalars(
        select(Guest)
        .where(Guest.ceremony_id == ceremony.id, Guest.kind == GuestKind.WINNER)
        .order_by(Guest.award_order, Guest.id)
    ).all()
    position = _last_position(ceremony)
    added = 0
    for winner in winners:
        if winner.id in have:
            continue
        position += 1
        added += 1
        db.session.add(
            RunningOrderItem(
                ceremony_id=ceremony.id,
                position=position,
                kind=ItemKind.LAUDATION,
                title=laudation_title(winner),
                text=winner.laudation or "",
                guest_id=winner.id,
            )
        )
    record_audit("ceremony.running_order", ceremony.event, summary=f"{added} Laudationes angelegt")
    db.session.commit()
    return added


def _last_position(ceremony: Ceremony) -> int:
    return (
        db.session.scalar(
            select(func.max(RunningOrderItem.position)).where(RunningOrderItem.ceremony_id == ceremony.id)
        )
        or 0
    )


def add_item(ceremony: Ceremony, kind: str, title: str, text: str = "") -> RunningOrderItem:
    lock_row(Ceremony, ceremony.id)
    item = RunningOrderItem(
        ceremony_id=ceremony.id, position=_last_position(ceremony) + 1, kind=kind, title=title.strip(), text=text
    )
    db.session.add(item)
    db.session.commit()
    return item


def _item_of(ceremony: Ceremony, item_id: int) -> RunningOrderItem:
    item = db.session.get(RunningOrderItem, item_id)
    if item is None or item.ceremony_id != ceremony.id:
        raise CeremonyError("item_unknown")
    return item


def edit_item(ceremony: Ceremony, item_id: int, title: str, text: str) -> RunningOrderItem:
    item = _item_of(ceremony, item_id)
    item.title, item.text = title.strip(), text
    db.session.commit()
    return item


def delete_item(ceremony: Ceremony, item_id: int) -> None:
    db.session.delete(_item_of(ceremony, item_id))
    db.session.commit()


def move_item(ceremony: Ceremony, item_id: int, steps: int) -> None:
    """Move an item up (steps < 0) or down the running order; positions are renumbered 1..n."""
    lock_row(Ceremony, ceremony.id)
    items = running_order(ceremony)
    item = _item_of(ceremony, item_id)
    index = items.index(item)
    items.insert(max(0, min(len(items) - 1, index + steps)), items.pop(index))
    for position, each in enumerate(items, start=1):
        each.position = position
    db.session.commit()


def greeting_list(ceremony: Ceremony) -> list[Guest]:
    """The honoured guests and the jury in protocol order, as the speaker greets them."""
    ranked = db.session.scalars(
        select(Guest).where(Guest.ceremony_id == ceremony.id, Guest.kind.in_(GuestKind.WITH_RANK))
    ).all()
    return sorted(ranked, key=protocol_key)
