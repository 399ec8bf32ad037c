"""Every permission verb the code asks about is defined by a policy.

``can()`` raises ``UnknownPermission`` for a verb the policy lacks, but only when that line runs. This test reads
the apps' source with ``ast`` and checks every literal verb passed to ``can``/``ensure``/``permission_required``
(and the events services' ``_check``) against the verbs that the registered policies define, so that a typo is
found before any page is opened.
"""

import ast
from pathlib import Path

import pytest

from pontis.core.permissions import _policies

APPS = Path(__file__).resolve().parent.parent / "pontis"
CALLS = {"can": 1, "ensure": 1, "_check": 1, "permission_required": 1}


def _verbs_asked() -> list[tuple[str, int, str]]:
    asked = []
    for path in sorted(APPS.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            position = CALLS.get(name)
            if position is None or len(node.args) <= position:
                continue
            verb = node.args[position]
            if isinstance(verb, ast.Constant) and isinstance(verb.value, str):
                asked.append((str(path.relative_to(APPS)), node.lineno, verb.value))
    return asked


def test_the_walk_finds_the_verbs_the_services_ask_about():
    verbs = {verb for _path, _line, verb in _verbs_asked()}

    assert {"create", "change", "submit", "edit_fiche", "export"} <= verbs


@pytest.mark.django_db
def test_every_verb_asked_is_defined_by_a_policy():
    defined = {verb for policy in _policies.values() for verb in policy.verbs()}

    unknown = [f"{path}:{line} {verb!r}" for path, line, verb in _verbs_asked() if verb not in defined]

    assert unknown == []
