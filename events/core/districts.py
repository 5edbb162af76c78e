"""Regions and districts, loaded from the project's data file."""

import csv
import time
from pathlib import Path

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, ValidationError
from wtforms.fields.choices import SelectChoice

from events.config import PROJECT_ROOT
from events.core.models import District, Region, district_label
from events.core.widgets import GroupedSelect
from events.extensions import db

DISTRICTS_FILE = PROJECT_ROOT / "data" / "districts.csv"


def load_districts(path: Path = DISTRICTS_FILE) -> tuple[int, int]:
    """Insert or update every region and district in the file; returns (created, updated)."""
    regions = {(r.state, r.name): r for r in db.session.scalars(select(Region))}
    districts = {d.key: d for d in db.session.scalars(select(District))}
    created = updated = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            region_key = (row["state"], row["region"])
            region = regions.get(region_key)
            if region is None:
                region = regions[region_key] = Region(state=row["state"], name=row["region"])
                db.session.add(region)
            district = districts.get(row["key"])
            if district is None:
                district = districts[row["key"]] = District(key=row["key"])
                db.session.add(district)
                created += 1
            elif (district.name, district.kind, district.region) != (row["name"], row["kind"], region):
                updated += 1
            district.name, district.kind, district.region = row["name"], row["kind"], region
    db.session.commit()
    forget_district_choices()
    return created, updated


def districts_by_region() -> list[tuple[Region, list[District]]]:
    """Regions in order of state and name, each with its districts sorted by name."""
    regions = db.session.scalars(
        select(Region).order_by(Region.state, Region.name).options(selectinload(Region.districts))
    ).all()
    return [(region, list(region.districts)) for region in regions]


# Districts change only when `flask districts load` runs; every process keeps the picker's list for a while.
CHOICES_CACHE_SECONDS = 600
_choices_cache: dict = {"until": 0.0, "groups": None, "version": 0}


def _district_groups() -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Each region's name with (id, name, kind) of its districts; labels are worded per language later."""
    now = time.monotonic()
    if _choices_cache["groups"] is None or now > _choices_cache["until"]:
        _choices_cache["groups"] = [
            (f"{region.name} ({region.state})", [(str(d.id), d.name, d.kind) for d in districts])
            for region, districts in districts_by_region()
        ]
        _choices_cache["until"] = now + CHOICES_CACHE_SECONDS
        _choices_cache["version"] += 1
    return _choices_cache["groups"]


def forget_district_choices() -> None:
    _choices_cache["groups"] = None


def district_choices_version() -> int:
    """Grows whenever the list behind district_choices is read afresh (for caches of pages that show it)."""
    return _choices_cache["version"]


class DistrictChoices(list):
    """The list district_choices gives: it also knows its values, so checking a choice is one set lookup."""

    def __init__(self, choices):
        super().__init__(choices)
        self._values_by_coerce = {}

    def allows(self, data, coerce) -> bool:
        values = self._values_by_coerce.get(coerce)
        if values is None:
            values = self._values_by_coerce[coerce] = frozenset(coerce(choice.value) for choice in self)
        return data in values


class DistrictField(SelectField):
    """A district picker (choices from district_choices), grouped by region.

    WTForms' SelectField walks every one of the 120 options to check a choice, on every post.
    """

    widget = GroupedSelect()

    def pre_validate(self, form):
        if not isinstance(self.choices, DistrictChoices):
            return super().pre_validate(form)
        if not self.choices.allows(self.data, self.coerce):
            raise ValidationError(_("Bitte wählen Sie einen Landkreis oder eine kreisfreie Stadt aus der Liste."))


def district_choices(empty_label: str | None = None) -> DistrictChoices:
    """Choices for a district select, grouped by region into optgroups; optionally led by an empty choice.

    The list is built once per list of districts, language and empty label; callers must not change it.
    """
    groups = _district_groups()
    key = (_choices_cache["version"], str(get_locale()), empty_label)
    built = _choices_cache.setdefault("built", {})
    if key not in built:
        choices = [SelectChoice("", empty_label)] if empty_label is not None else []
        for group, districts in groups:
            choices.extend(
                SelectChoice(value, district_label(name, kind), optgroup=group) for value, name, kind in districts
            )
        if len(built) > 16:  # lists for district lists that are gone
            built.clear()
        built[key] = DistrictChoices(choices)
    return built[key]
