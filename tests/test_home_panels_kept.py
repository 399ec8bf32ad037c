"""The home page at any size: each role's home reads the same number of queries with more data; the "My Actions"
panel reads only what it shows; what staff panels show identically to every staff member (the Actions needing
attention, the count of profiles not confirmed for a year) is kept in the worker for at most a minute, per language
and day, and never when PONTIS_FIGURES_CACHE_SECONDS is 0 (the tests' default)."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from pontis.actions import home as actions_home
from pontis.actions import selectors as action_selectors
from pontis.actions.tests.factories import make_action
from pontis.core import home as core_home
from pontis.experts import home as experts_home
from pontis.experts.models import ExpertProfile
from pontis.experts.services import profiles_stale
from pontis.intake.models import Request, RequestStatus
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db

ROLES = ("admin", "officer", "committee", "focal_point", "expert", "observer")


@pytest.fixture(autouse=True)
def _nothing_kept_between_tests():
    core_home.forget_kept()
    yield
    core_home.forget_kept()


def _http(user):
    http = RequestFactory().get("/")
    http.user = user
    return http


def _signed_in(user):
    """``user`` as the panels get it: their roles were read by the layout and the MFA check before any panel."""
    assert user.role_assignments
    return user


def _grow(officer, focal_point, institution, n):
    """``n`` more Actions of the focal point's institution, at risk (requested 80 days ago), and ``n`` more requests
    waiting for officers, the committee and the requester."""
    long_ago = timezone.localdate() - datetime.timedelta(days=80)
    for _ in range(n):
        make_action(officer, institution=institution, focal_point=focal_point, requested_on=long_ago)
    now = timezone.now()
    for status in (RequestStatus.SUBMITTED, RequestStatus.DEFERRED, RequestStatus.FORWARDED, RequestStatus.DRAFT):
        for _ in range(n):
            request = Request.objects.create(
                title={"en": f"A {status} request"},
                status=status,
                submitted_by=focal_point,
                submitted_at=now,
                forwarded_at=now,
                status_changed_at=now,
            )
            request.institutions.set([institution])


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_home_reads_the_same_number_of_queries_at_two_sizes(client, role, officer, focal_point, institution):
    user = focal_point if role == "focal_point" else user_with_role(role)
    _grow(officer, focal_point, institution, 1)
    client.force_login(user)
    small, response = count_queries(lambda: client.get("/"))
    assert response.status_code == 200
    _grow(officer, focal_point, institution, 12)
    large, response = count_queries(lambda: client.get("/"))
    assert response.status_code == 200
    assert_flat(small, large)


@pytest.mark.parametrize("role", ["committee", "focal_point"])
def test_my_actions_shows_what_the_selector_shows_reading_only_code_and_title(role, officer, focal_point, institution):
    user = focal_point if role == "focal_point" else user_with_role(role)
    make_action(officer, institution=user_with_role("focal_point").role_assignments[0].institution)  # not the person's
    for _ in range(actions_home.PANEL_SIZE + 2):
        make_action(officer, institution=institution, focal_point=focal_point)
    http = _http(_signed_in(user))
    n, panel = count_queries(lambda: actions_home.actions_panel(http), warm=False)
    expected = list(action_selectors.my_actions(user))
    assert [item["action"].pk for item in panel["items"]] == [a.pk for a in expected]
    assert len(panel["items"]) == actions_home.PANEL_SIZE
    assert n == 1  # a focal point's Actions chosen through the partner link in the same query
    shown, _r = count_queries(lambda: [(i["action"].code, i["action"].title) for i in panel["items"]], warm=False)
    assert shown == 0


def _at_risk_panel(user):
    http = _http(_signed_in(user))
    return count_queries(lambda: actions_home.actions_panel(http), warm=False)


def _staff_panel(user):
    http = _http(_signed_in(user))
    return count_queries(lambda: experts_home.staff_panel(http), warm=False)


def test_the_actions_needing_attention_are_kept_a_minute_per_language(settings, monkeypatch, officer):
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    clock = [1000.0]
    monkeypatch.setattr(core_home.time, "monotonic", lambda: clock[0])
    long_ago = timezone.localdate() - datetime.timedelta(days=80)
    actions = [make_action(officer, requested_on=long_ago) for _ in range(2)]
    expected = [(a.pk, str(r)) for a, r in action_selectors.actions_at_risk(limit=actions_home.PANEL_SIZE)]
    assert {pk for pk, _r in expected} == {a.pk for a in actions}
    first, panel = _at_risk_panel(officer)
    assert [(i["action"].pk, i["reason"]) for i in panel["items"]] == expected and first > 0
    # Another staff member within the minute: the same list, not read again.
    again, panel = _at_risk_panel(user_with_role("admin"))
    assert again == 0 and [(i["action"].pk, i["reason"]) for i in panel["items"]] == expected
    # In French, worded in French: computed for that language.
    with translation.override("fr"):
        french, panel = _at_risk_panel(officer)
        assert french > 0 and [i["reason"] for i in panel["items"]] != [r for _pk, r in expected]
    # A third Action at risk appears once the minute has passed.
    make_action(officer, requested_on=long_ago)
    assert _at_risk_panel(officer)[0] == 0
    clock[0] += core_home.PANEL_KEEP_SECONDS
    later, panel = _at_risk_panel(officer)
    assert later > 0 and len(panel["items"]) == 3


def test_nothing_is_kept_when_figures_are_not_cached(settings, officer):
    settings.PONTIS_FIGURES_CACHE_SECONDS = 0
    make_action(officer, requested_on=timezone.localdate() - datetime.timedelta(days=80))
    first, _p = _at_risk_panel(officer)
    second, _p = _at_risk_panel(officer)
    assert first == second > 0


def test_the_stale_profile_count_is_kept_a_minute(settings, monkeypatch, officer):
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    clock = [1000.0]
    monkeypatch.setattr(core_home.time, "monotonic", lambda: clock[0])
    old = timezone.now() - datetime.timedelta(days=400)
    ExpertProfile.objects.create(given_name="Ana", family_name="Silva", email="ana@example.org", reconfirmed_at=old)
    n, panel = _staff_panel(officer)
    assert n == 1 and panel["text"] == f"{profiles_stale().count()} profiles not confirmed for a year." == (
        "1 profiles not confirmed for a year."
    )
    ExpertProfile.objects.create(given_name="Ben", family_name="Lee", email="ben@example.org", reconfirmed_at=old)
    n, panel = _staff_panel(officer)
    assert n == 0 and panel["text"].startswith("1 ")
    clock[0] += core_home.PANEL_KEEP_SECONDS
    n, panel = _staff_panel(officer)
    assert n == 1 and panel["text"].startswith("2 ")


def test_people_outside_staff_never_read_the_kept_staff_figures(settings, focal_point, officer):
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    make_action(officer, requested_on=timezone.localdate() - datetime.timedelta(days=80))
    actions_home.actions_panel(_http(officer))  # kept for staff
    panel = actions_home.actions_panel(_http(focal_point))
    assert str(panel["title"]) == "My Actions" and panel["items"] == []
    assert experts_home.staff_panel(_http(focal_point)) is None
