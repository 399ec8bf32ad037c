"""Who sees which request is read without joins (subqueries on the institutions and countries of a request): the
same requests as the rule written with joins, each once, and the request page in the same queries at any size."""

import pytest
from django.db.models import Q
from django.urls import reverse

from pontis.accounts.models import Role
from pontis.accounts.services import role_grant
from pontis.core.models import Country
from pontis.core.permissions import visible_to
from pontis.intake import services
from pontis.intake.models import COMMITTEE_STATUSES, Request
from tests.factories import InstitutionFactory, user_with_role
from tests.queries import assert_flat, count_queries

from .conftest import complete_data


def _by_joins(user):
    """The rule as it reads with joins on the request's institutions and countries (what the policy answered)."""
    parts = []
    if user.has_role(Role.FOCAL_POINT):
        parts.append(Q(institutions__in=sorted(user.focal_institution_ids)) | Q(submitted_by=user))
    if user.has_any_role(Role.ADMIN, Role.OFFICER):
        parts.append(Q(submitted_at__isnull=False) | Q(submitted_by=user))
    if user.has_role(Role.COMMITTEE):
        parts.append(Q(status__in=COMMITTEE_STATUSES, forwarded_at__isnull=False))
    if user.has_role(Role.DELEGATION):
        parts.append(Q(submitted_at__isnull=False, countries__in=sorted(user.delegation_country_ids)))
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return set(Request.objects.filter(condition).values_list("pk", flat=True))


@pytest.fixture
def requests_of_two_institutions(make_request, focal_point, institution):
    other_institution = InstitutionFactory()
    other = user_with_role("focal_point", institution=other_institution)
    made = [make_request("draft"), make_request("submitted"), make_request("forwarded"), make_request("withdrawn")]
    joint = complete_data(institution, country="SN")
    joint["institutions"] = [institution, other_institution]
    joint["countries"] = [Country.objects.get(code="SN"), Country.objects.get(code="CV")]
    joint_request = services.request_save_draft(by=other, data=joint)
    services.request_submit(request=joint_request, by=other)
    made += [joint_request, services.request_save_draft(by=other, data=complete_data(other_institution))]
    # A draft with no institution yet: its author sees it.
    made.append(services.request_save_draft(by=focal_point, data={"title": {"en": "Started"}, "language": "en"}))
    return made, other


@pytest.mark.django_db
def test_each_role_sees_the_same_requests_as_with_joins_and_each_once(
    requests_of_two_institutions, focal_point, officer, committee_member
):
    _made, other = requests_of_two_institutions
    delegation = user_with_role("observer")
    role_grant(user=delegation, role="delegation", country=Country.objects.get(code="SN"))
    delegation.forget_cached_roles()
    both = user_with_role("officer")
    role_grant(user=both, role="focal_point", institution=InstitutionFactory())
    both.forget_cached_roles()
    for user in (focal_point, other, officer, committee_member, delegation, both):
        ids = list(visible_to(user, Request).values_list("pk", flat=True))
        assert len(ids) == len(set(ids))
        assert set(ids) == _by_joins(user)
        assert visible_to(user, Request).count() == len(ids)
    assert len(_by_joins(focal_point)) == 6 and len(_by_joins(other)) == 2 and len(_by_joins(delegation)) == 1


@pytest.mark.django_db
def test_the_focal_points_list_shows_their_requests_in_the_same_queries_at_any_size(client, make_request, focal_point):
    make_request("submitted")
    client.force_login(focal_point)
    small, response = count_queries(lambda: client.get(reverse("intake:list")))
    assert len(response.context["rows"]) == 1
    for _ in range(4):
        make_request("submitted")
    make_request("draft")
    large, response = count_queries(lambda: client.get(reverse("intake:list")))
    assert len(response.context["rows"]) == 6 and response.context["page"].paginator.count == 6
    assert_flat(small, large)


@pytest.mark.django_db
def test_the_request_page_reads_its_institutions_in_the_same_queries_at_any_size(client, make_request, officer):
    request = make_request("submitted")
    url = reverse("intake:detail", args=[request.pk])
    client.force_login(officer)
    small, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    more = [InstitutionFactory(country=Country.objects.get(code=code)) for code in ("SN", "CV", "MA")]
    request.institutions.add(*more)
    large, response = count_queries(lambda: client.get(url))
    institutions = list(response.context["obj"].institutions.all())
    assert len(institutions) == 4 and {i.country.code for i in more} == {"SN", "CV", "MA"}
    assert_flat(small, large)
