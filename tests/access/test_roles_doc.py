"""docs/roles.md's route list is the access table, rendered: the two never drift apart."""

from .render import DOC, REGENERATE, current_section, render
from .routes import all_routes
from .table import TABLE, row_for


def test_the_route_list_in_docs_roles_md_is_generated_from_the_access_table():
    section = current_section(DOC.read_text())

    assert section is not None, f"docs/roles.md has no generated route list; run: {REGENERATE}"
    assert section == render(), f"docs/roles.md's route list differs from tests/access/table.py; run: {REGENERATE}"


def test_every_row_of_the_table_names_a_route_that_exists():
    keys = {route.key for route in all_routes()}

    stale = [key for key in TABLE if key not in keys and not key.startswith("admin:")]

    assert stale == [], f"rows for routes that no longer exist: {stale}"


def test_every_route_has_a_row():
    missing = [route.key for route in all_routes() if row_for(route) is None]

    assert missing == [], f"routes without a row in tests/access/table.py: {missing}"


def test_a_row_only_names_the_methods_its_route_answers():
    methods = {route.key: set(route.methods) for route in all_routes()}

    wrong = [(key, m) for key, row in TABLE.items() if key in methods
             for m in row if m.split("@")[0] not in methods[key]]

    assert wrong == [], f"rows naming methods the route does not answer: {wrong}"
