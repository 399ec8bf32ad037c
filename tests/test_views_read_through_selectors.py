"""Views and API routes read through selectors and policies, never through ``Model.objects`` directly.

A query written inside a view skips the policy (who may see what) and the selector's ``select_related`` (one query
per row), and the next app copies it. This test reads every ``views.py`` and ``api.py`` of the apps with ``ast``
and fails on any attribute access ``.objects`` inside a function, naming the file, line and function.
"""

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parent.parent / "pontis"
MODULES = sorted([*APPS.glob("*/views.py"), *APPS.glob("*/api.py")])

# (file relative to pontis/, function): why it may query directly. Keep this short; prefer a selector.
ALLOWED: dict[tuple[str, str], str] = {}


def _objects_accesses(source: str, relative_name: str) -> list[tuple[int, str]]:
    """(line, function) of every ``.objects`` inside a function of ``source``, less the allowed ones."""
    tree = ast.parse(source, filename=relative_name)
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        name = getattr(function, "name", "<lambda>")
        for node in ast.walk(function):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                if (relative_name, name) not in ALLOWED:
                    found.append((node.lineno, name))
    return sorted(set(found))


def test_the_walk_finds_every_views_and_api_module():
    names = {str(p.relative_to(APPS)) for p in MODULES}

    assert {"actions/views.py", "actions/api.py", "intake/views.py", "intake/api.py", "experts/views.py",
            "experts/api.py", "events/api.py", "core/api.py", "accounts/views.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(APPS)))
def test_no_view_or_api_function_queries_objects_directly(path):
    offenders = _objects_accesses(path.read_text(), str(path.relative_to(APPS)))

    assert offenders == [], f"{path.relative_to(APPS)}: use a selector or get_visible_or_404 at " + ", ".join(
        f"line {line} in {name}()" for line, name in offenders)


def test_the_check_sees_a_query_in_a_view_or_a_nested_helper():
    source = (
        "def page(request):\n"
        "    return Thing.objects.filter(owner=request.user)\n"
        "\n"
        "def route(request):\n"
        "    rows = lambda: Other.objects.all()\n"
        "    return rows\n"
    )

    assert _objects_accesses(source, "core/views.py") == [(2, "page"), (5, "<lambda>"), (5, "route")]
