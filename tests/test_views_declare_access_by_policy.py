"""Every page declares its access once, and the rule lives in the policy, not in the view.

A view that repeats a role list (``@roles_required(Role.ADMIN, Role.OFFICER)``, a module constant such as
``ACTION_ROLES``, an ``is_staff(user)`` flag for its template) keeps a second copy of a rule the policy already
encodes; the two drift apart and a person sees a button the service then refuses, or the reverse. Pages declare
``@permission_required(Model, "verb")`` (the policy's answer for the model), ``@signed_in`` or ``@public``; they fetch
objects with ``get_visible_or_404`` and ask ``can(user, verb, obj)`` for what the template shows.

Two checks: the source of every ``pontis/*/views.py`` (with ``ast``), and the routed views themselves (what
``AccessDeclarationMiddleware`` reads).
"""

import ast
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

APPS = Path(__file__).resolve().parent.parent / "pontis"
VIEW_MODULES = sorted(APPS.glob("*/views.py"))

# Names that carry a role rule: the decorators that take a role list, and the role predicates.
ROLE_RULES = {"roles_required", "staff_required", "is_staff", "has_role", "has_any_role"}

# (file relative to pontis/, function or "<module>"): why it may name roles itself. Keep this short: a page that is
# truly about roles and has no object type. Empty: even the people pages ask UserPolicy ("list", "create").
ALLOWED: dict[tuple[str, str], str] = {}


def _is_role_member(node) -> bool:
    """``Role.ADMIN`` (a member of the role vocabulary), not ``Role.choices`` (the vocabulary itself, for a filter)."""
    return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"
            and node.attr.isupper())


def role_rules_in(source: str, relative_name: str) -> list[tuple[int, str, str]]:
    """(line, where, what) for every role rule written in a views module, less the allowed ones."""
    tree = ast.parse(source, filename=relative_name)
    found = []
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and any(_is_role_member(n) for n in ast.walk(statement)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names = ", ".join(ast.unparse(t) for t in targets)
            found.append((statement.lineno, "<module>", f"role list {names}"))
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    owner = {}
    for function in functions:
        for node in ast.walk(function):
            owner.setdefault(id(node), function.name)
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name in ROLE_RULES:
            found.append((node.lineno, owner.get(id(node), "<module>"), name))
        elif isinstance(node, ast.alias) and node.name in ROLE_RULES:
            found.append((getattr(node, "lineno", 0), "<module>", f"import {node.name}"))
    return sorted({item for item in found if (relative_name, item[1]) not in ALLOWED})


def test_the_walk_finds_every_views_module():
    names = {str(p.relative_to(APPS)) for p in VIEW_MODULES}

    assert {"accounts/views.py", "intake/views.py", "actions/views.py", "experts/views.py", "events/views.py",
            "core/views.py"} <= names


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(APPS)))
def test_no_view_repeats_a_role_rule_the_policy_encodes(path):
    offenders = role_rules_in(path.read_text(), str(path.relative_to(APPS)))

    assert offenders == [], f"{path.relative_to(APPS)}: declare @permission_required(Model, verb) and ask can(); " + ", ".join(
        f"line {line} in {where}: {what}" for line, where, what in offenders)


def test_the_check_sees_role_lists_role_decorators_and_staff_flags():
    source = (
        "from pontis.core.permissions import roles_required, staff_required\n"
        "ACTION_ROLES = (Role.ADMIN, Role.OFFICER)\n"
        "CHOICES = Role.choices\n"
        "\n"
        "@roles_required(*ACTION_ROLES)\n"
        "def listing(request):\n"
        "    return render(request, 'x.html', {'staff': is_staff(request.user)})\n"
        "\n"
        "@staff_required\n"
        "def page(request):\n"
        "    return request.user.has_any_role(Role.EXPERT)\n"
    )

    assert role_rules_in(source, "demo/views.py") == [
        (1, "<module>", "import roles_required"),
        (1, "<module>", "import staff_required"),
        (2, "<module>", "role list ACTION_ROLES"),
        (5, "listing", "roles_required"),
        (7, "listing", "is_staff"),
        (9, "page", "staff_required"),
        (11, "page", "has_any_role"),
    ]


def _routed_views(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routed_views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _pontis_views():
    views = [(route, view) for route, view in _routed_views(get_resolver().url_patterns)
             if (getattr(view, "__module__", "") or "").startswith("pontis.")]
    assert len(views) > 60  # every app's pages, not an empty walk
    return views


def test_every_routed_page_declares_its_access_for_the_middleware():
    undeclared = [route for route, view in _pontis_views() if not getattr(view, "pontis_access", None)]

    assert undeclared == []


def test_every_routed_page_takes_its_rule_from_a_policy_not_a_role_list():
    by_roles = [(route, view.pontis_access) for route, view in _pontis_views()
                if not (view.pontis_access in ("public", "signed_in") or view.pontis_access.startswith("policy:"))]

    assert by_roles == []
