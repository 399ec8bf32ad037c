"""The home page's panels read the same things as before, in a flat number of queries, with cheaper conditions:

- "My requests" (focal points): the institution's and the person's own requests chosen through two indexes (a
  union as the subquery), the five shown and their total in one query; the same total and the same five, in the
  same order, as ``requests_of_requester``;
- "Awaiting me" for officers: the regional rule (owned, or unowned in a region the officer coordinates, or unowned
  in no coordinated region) reads the countries from the country table, and answers what the join through the
  regions answered;
- TOTP is asked once per page: the MFA gate and the account panel share a positive answer, never a negative one.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q
from django.test import RequestFactory

from pontis.accounts import home as accounts_home
from pontis.accounts.middleware import user_has_mfa
from pontis.core.models import Country, Region
from pontis.intake import home, selectors, services
from pontis.intake.awaiting import owned_or_unowned_for
from pontis.intake.models import Request
from pontis.intake.tests.conftest import complete_data
from tests.factories import give_totp, user_with_role
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db


def _request(by, institution, *, submit=True, country="CV"):
    request = services.request_save_draft(by=by, data=complete_data(institution, country=country))
    if submit:
        services.request_submit(request=request, by=by)
    return Request.objects.get(pk=request.pk)


def _panel(user):
    http = RequestFactory().get("/")
    http.user = user
    return home.my_requests_panel(http)


def _expected(user):
    rows = list(selectors.requests_of_requester(user))
    return len(rows), [r.pk for r in rows[: home.PANEL_SIZE]]


def test_my_requests_shows_what_the_requester_selector_answers_in_one_query_at_any_size(focal_point, institution):
    colleague = user_with_role("focal_point", institution=institution)
    elsewhere = user_with_role("focal_point")
    _request(focal_point, institution)
    _request(colleague, institution, submit=False)  # a draft of the same institution
    _request(elsewhere, elsewhere.role_assignments[0].institution)  # another institution's: not shown
    small, panel = count_queries(lambda: _panel(focal_point))
    assert (panel["total"], [r.pk for r in panel["items"]]) == _expected(focal_point)
    assert panel["total"] == 2
    for i in range(home.PANEL_SIZE + 2):
        _request(focal_point if i % 2 else colleague, institution, submit=bool(i % 3))
    large, panel = count_queries(lambda: _panel(focal_point))
    assert (panel["total"], [r.pk for r in panel["items"]]) == _expected(focal_point)
    assert panel["total"] == home.PANEL_SIZE + 4 and len(panel["items"]) == home.PANEL_SIZE
    assert small == 1
    assert_flat(small, large)
    # What the panel's template reads is loaded: no query per row while it is shown.
    shown, _n = count_queries(lambda: [(r.title, r.get_status_display(), r.created_at) for r in panel["items"]], warm=False)
    assert shown == 0


def test_my_requests_of_a_person_with_nothing_reads_one_query(focal_point):
    n, panel = count_queries(lambda: _panel(focal_point))
    assert panel["total"] == 0 and panel["items"] == [] and n == 1


def _through_regions(user) -> Q:
    """The regional rule as first written: every request's countries joined to their regions."""
    through = Request.countries.through
    in_my_region = Exists(through.objects.filter(request_id=OuterRef("pk"), country__region__coordinator=user))
    coordinated = Exists(through.objects.filter(request_id=OuterRef("pk"), country__region__coordinator__isnull=False))
    return Q(owner=user) | Q(owner__isnull=True) & (in_my_region | ~coordinated)


def test_the_regional_rule_answers_what_the_join_through_the_regions_answered(focal_point, institution):
    coordinator, other, plain = (user_with_role("officer") for _ in range(3))
    cv, sn = Country.objects.get(code="CV"), Country.objects.get(code="SN")
    requests = [_request(focal_point, institution, country=code) for code in ("CV", "CV", "SN", "SN")]
    Request.objects.filter(pk=requests[0].pk).update(owner=other)  # owned by someone else
    Request.objects.filter(pk__in=[r.pk for r in requests[1:]]).update(owner=None)
    cases = [
        {},  # no region coordinated: every unowned request is every officer's
        {cv.region_id: coordinator},  # Cabo Verde's region coordinated
        {cv.region_id: coordinator, sn.region_id: other},  # both regions, by two people
    ]
    for case in cases:
        Region.objects.update(coordinator=None)
        for region_id, person in case.items():
            Region.objects.filter(pk=region_id).update(coordinator=person)
        for user in (coordinator, other, plain):
            expected = set(Request.objects.filter(_through_regions(user)).values_list("pk", flat=True))
            assert set(Request.objects.filter(owned_or_unowned_for(user)).values_list("pk", flat=True)) == expected


def test_totp_is_asked_once_per_page_and_a_missing_one_is_asked_again(settings, officer):
    settings.PONTIS_RELAX_MFA = False
    http = RequestFactory().get("/")
    http.user = officer
    assert officer.role_assignments  # read once, as the layout does before the panels
    n, answer = count_queries(lambda: (user_has_mfa(officer), accounts_home.account_panel(http)), warm=False)
    assert answer[0] is True and n == 1  # the account panel reuses the gate's answer
    newcomer = user_with_role("officer", mfa=False)
    assert user_has_mfa(newcomer) is False
    give_totp(newcomer)
    assert user_has_mfa(newcomer) is True  # a negative answer is not kept
    Authenticator.objects.filter(user=officer).delete()
    assert user_has_mfa(user_with_role("officer", mfa=False)) is False


def test_an_officer_without_totp_is_still_sent_to_set_it_up(settings, client):
    settings.PONTIS_RELAX_MFA = False
    client.force_login(user_with_role("officer", mfa=False))
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
