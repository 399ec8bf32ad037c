"""The access matrix: every route and method, as every principal, on objects of both institutions.

What each principal must get is declared once, in tests/access/table.py; docs/roles.md's route list is generated
from it (``python -m tests.access.render``). A route without a row, or a URL parameter without a sample, fails.
Every refused write also proves that nothing was written and no audit row was added.
"""

import os

import pytest
from django.db import transaction
from django.test import override_settings

from .harness import ALLOWED, ERROR, REFUSALS, WRITE_METHODS, Principals, attempt, expects_allowed, matches
from .routes import all_routes
from .samples import samples_for
from .table import expected_for, row_for
from .world import PRINCIPALS, build_world

ROUTES = all_routes()


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module inside a transaction that is rolled back at the end."""
    media = tmp_path_factory.mktemp("access-media")
    with override_settings(MEDIA_ROOT=str(media)), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            principals = Principals(world)
            yield world, principals
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _ids(route):
    return route.key


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=_ids)
def test_route(matrix, route):
    world, principals = matrix
    variants = samples_for(route)
    assert variants, f"{route.key} ({route.pattern}): no sample value for {', '.join(route.params)} in tests/access/samples.py"
    recording = bool(os.environ.get("PONTIS_ACCESS_RECORD"))
    assert recording or row_for(route) is not None, f"{route.key} ({route.pattern}) has no row in tests/access/table.py"
    failures = []
    observed = {}
    for method in route.methods:
        for variant, make_kwargs in variants.items():
            path = route.path(**make_kwargs(world))
            for principal in PRINCIPALS:
                expected = expected_for(route, method, variant, principal)
                got = attempt(principals, principal, method, path, route.is_api, dict(route.bodies).get(method))
                observed[(method, variant, principal)] = got.outcome
                label = f"{method} {path} [{variant or '-'}] as {principal}"
                if got.outcome == ERROR or got.status >= 500:
                    failures.append(f"{label}: server error {got.status}")
                elif expected is None:
                    failures.append(f"{label}: the row does not say what {principal} gets (got {got.outcome})")
                elif not matches(method, got.outcome, expected):
                    failures.append(f"{label}: expected {expected}, got {got.outcome} ({got.status})")
                refused = got.outcome in REFUSALS or not matches(method, got.outcome, ALLOWED)
                if method in WRITE_METHODS and (refused or not expects_allowed(method, expected)):
                    if got.writes:
                        failures.append(f"{label}: refused ({got.status}) but wrote: {got.writes[:3]}")
                    if got.audit_rows:
                        failures.append(f"{label}: refused ({got.status}) but wrote {got.audit_rows} audit row(s)")
    if recording:
        _record(route, observed)
    assert not failures, f"{route.key}: {len(failures)} mismatch(es)\n" + "\n".join(failures)


def _record(route, observed):
    """Developer aid: append what was observed, to review against docs/roles.md when writing a new row."""
    import json

    with open(os.environ["PONTIS_ACCESS_RECORD"], "a") as out:
        for (method, variant, principal), outcome in observed.items():
            out.write(json.dumps([route.key, route.pattern, method, variant, principal, outcome]) + "\n")


@pytest.mark.django_db
def test_the_harness_sees_a_write_and_undoes_it(matrix):
    """The no-change check is not blind: a permitted write shows its SQL and audit row, then is rolled back."""
    world, principals = matrix
    notification = world.obj["notification_own"]

    got = attempt(principals, "focal_point", "POST", f"/notifications/{notification.pk}/read/", is_api=False)

    assert got.outcome in ("ok", "redirect")
    assert any("core_notification" in sql for sql in got.writes)
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
def test_the_harness_sees_an_audit_row(matrix):
    world, principals = matrix
    request = world.obj["request_a_draft"]

    got = attempt(principals, "focal_point", "POST", f"/api/v1/requests/{request.pk}/submit", is_api=True)

    assert got.status == 200 and got.audit_rows >= 1 and got.writes
