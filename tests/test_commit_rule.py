"""One rule for commits: public service functions commit (or roll back), views never do (README, "Layout"). This
test reads every views module of events/ and names each call of commit or rollback on the session."""

from __future__ import annotations

import ast

import pytest

from tests.test_layers import EVENTS, is_views_module, module_name

TRANSACTION_ENDS = {"commit", "rollback"}


def transaction_calls(source: str) -> list[tuple[int, str]]:
    """(line, call) of every `<...>.session.commit()` / `.rollback()` (also `db.session().commit()`) in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in TRANSACTION_ENDS:
            continue
        owner = node.func.value.func if isinstance(node.func.value, ast.Call) else node.func.value
        if isinstance(owner, ast.Attribute) and owner.attr == "session" or getattr(owner, "id", None) == "session":
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_views_module_ends_a_transaction():
    problems = [
        f"{module_name(path)}:{line} calls {call}: move it into the service function the view calls"
        for path in sorted(EVENTS.rglob("*.py"))
        if is_views_module(module_name(path))
        for line, call in transaction_calls(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "views that commit or roll back:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ("db.session.commit()\n", 1),
        ("def view():\n    if ok:\n        db.session.rollback()\n", 1),
        ("db.session().commit()\n", 1),
        ("session.commit()\n", 1),
        ("save_person(person)\ndb.session.get(Person, 1)\n", 0),
        ("form.commit_message()\n", 0),
    ],
)
def test_the_checker_finds_commits_and_rollbacks(source, count):
    assert len(transaction_calls(source)) == count
