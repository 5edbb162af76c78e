"""Packages stand in layers: a module imports only from its own package or from lower layers, also inside function
bodies, and nothing imports a views module (DESIGN.md, "Layers"). This test reads every module of events/ and names
each import that breaks the rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EVENTS = Path(__file__).resolve().parent.parent / "events"

# The layers, lowest first. A package of one layer may import from any lower layer, never from its own layer's other
# packages (they would grow into each other) and never from a higher one.
# - calendar sits above registration: a personal feed serves a registration's entry, found by its feed token. What an
#   event's entry says and its SEQUENCE live with the event (meetings.icalendar, meetings.calendar_sequence), the
#   invite a registrant is mailed with the registration (registration.invites), so registration needs no calendar.
# - certificates sit above checkin: certificates of attendance go to those who checked in.
# - meetings knows nothing of the packages above it: it announces changes and pages (meetings.signals), and
#   registration and privacy connect to them.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),  # database, audit log, mail outbox, time, access decorators, search
    ("documents", "directory", "accounts"),  # PDF and QR; organisations and people; users and sign-in
    ("meetings",),  # events, series, programme, questions, calendar entries and their SEQUENCE
    ("registration",),  # registrations, waiting list, invitations, tickets, personal links, invites
    ("calendar",),  # .ics downloads and feeds
    ("checkin",),  # scanning, devices, staff, figures
    ("certificates",),  # certificates, batches, verification
    ("awards", "tandems"),
    ("ceremonies",),  # an award programme's ceremony: guests, seating, running order, place cards and badges
    ("privacy", "admin", "pages", "demo", "mail"),  # across packages: retention, users admin, start page, demo data
)
# Modules every layer may use: settings and the extension objects.
BASE_MODULES = {"events.config", "events.extensions"}
# Modules above every layer: the application factory and the list of every model (for Alembic).
TOP_MODULES = {"events", "events.models"}

LAYER_OF = {package: number for number, packages in enumerate(LAYERS, start=1) for package in packages}


def is_views_module(module: str) -> bool:
    """Modules holding routes: views (or public and manage), api, or a name ending in _views."""
    last = module.rsplit(".", 1)[-1]
    return last in ("views", "public", "manage", "api") or last.endswith("_views")


def module_name(path: Path) -> str:
    parts = path.relative_to(EVENTS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) of every import of an events module in the source, at the top or inside a function:
    `from events.x import name` names events.x.name when that is a module, else events.x."""
    found = []
    own_package = module if is_package else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from .x import y
                base = own_package.rsplit(".", node.level - 1)[0] if node.level > 1 else own_package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.append((node.lineno, submodule if _exists(submodule) else target))
    return sorted({(line, name) for line, name in found if name == "events" or name.startswith("events.")})


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _exists(module: str) -> bool:
    relative = Path(*module.split(".")[1:]) if "." in module else Path()
    return (EVENTS / relative).with_suffix(".py").is_file() or (EVENTS / relative / "__init__.py").is_file()


def layer_problems(module: str, source: str, is_package: bool = False) -> list[str]:
    """What is wrong with the imports of one module, each naming the module, the line and the import."""
    if module in TOP_MODULES or module in BASE_MODULES:
        return []
    own = _package(module)
    if own not in LAYER_OF:
        return [f"{module}: the package {own!r} has no layer; add it to LAYERS in tests/test_layers.py"]
    problems = []
    for line, target in imported_modules(module, source, is_package):
        where = f"{module}:{line} imports {target}"
        if target in BASE_MODULES:
            continue
        if is_views_module(target) and not (is_package and target.rsplit(".", 1)[0] == module):
            problems.append(f"{where}: nothing imports a views module (only its own package's __init__)")
            continue
        if target in TOP_MODULES:
            problems.append(f"{where}: the application factory and events.models stand above every layer")
            continue
        other = _package(target)
        if other == own:
            continue
        if other not in LAYER_OF:
            problems.append(f"{where}: the package {other!r} has no layer")
        elif LAYER_OF[other] > LAYER_OF[own]:
            problems.append(
                f"{where}: upward, {other} (layer {LAYER_OF[other]}) is above {own} (layer {LAYER_OF[own]})"
            )
        elif LAYER_OF[other] == LAYER_OF[own]:
            problems.append(f"{where}: sideways, {other} and {own} share layer {LAYER_OF[own]}")
    return problems


def test_every_package_imports_only_from_lower_layers():
    problems = []
    for path in sorted(EVENTS.rglob("*.py")):
        problems += layer_problems(module_name(path), path.read_text(encoding="utf-8"), path.name == "__init__.py")
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_every_package_has_a_layer():
    packages = {path.parent.name for path in EVENTS.glob("*/__init__.py")} | {
        path.name for path in EVENTS.iterdir() if path.is_dir() and any(path.glob("*.py"))
    }
    assert packages - set(LAYER_OF) == set()


@pytest.mark.parametrize(
    ("module", "source", "named"),
    [
        # upward, at the top and inside a function
        ("events.meetings.changes", "from events.registration.models import Registration\n", "upward"),
        ("events.meetings.changes", "def f():\n    from events.registration import mails\n", "upward"),
        ("events.core.audit", "import events.accounts.service\n", "upward"),
        # sideways: the same layer
        ("events.directory.service", "from events.accounts.service import create_user\n", "sideways"),
        # a views module, even from above
        ("events.admin.service", "from events.accounts.views import login\n", "views module"),
        ("events.pages.service", "from events.registration import event_views\n", "views module"),
        # the application factory
        ("events.checkin.views", "from events import CONTENT_SECURITY_POLICY\n", "above every layer"),
        # a package nobody placed
        ("events.lottery.service", "from events.core.models import User\n", "has no layer"),
    ],
)
def test_the_checker_names_an_import_against_the_layers(module, source, named):
    problems = layer_problems(module, source)
    assert len(problems) == 1 and named in problems[0] and module in problems[0]


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("events.registration.service", "from events.meetings.models import Event\nfrom events.core import audit\n"),
        ("events.registration.service", "from events.registration.models import Registration\n"),
        ("events.registration.service", "from .models import Registration\nfrom events.extensions import db\n"),
        ("events.meetings.icalendar", "from events.config import PROJECT_ROOT\n"),
        ("events", "from events.registration import event_views\n"),
    ],
)
def test_the_checker_lets_downward_and_own_imports_pass(module, source):
    assert layer_problems(module, source) == []


def test_a_package_may_import_its_own_views_to_register_them():
    assert layer_problems("events.checkin", "from events.checkin import api, views\n", is_package=True) == []
    assert layer_problems("events.checkin", "from events.registration import event_views\n", is_package=True) != []
