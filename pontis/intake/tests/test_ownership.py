"""Ownership of requests: staff assign an active programme officer, audited with the old and new owner; the
regional coordinator is the default owner at submission; the owner control on the request page."""

import pytest
from django.urls import reverse

from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Region
from pontis.intake import services
from pontis.intake.models import Request
from tests.factories import user_with_role


def owner_rows(request):
    return [e.changes["owner"] for e in AuditEvent.objects.for_object(request).order_by("id") if "owner" in e.changes]


@pytest.mark.django_db
def test_staff_assign_an_officer_and_the_change_is_audited_with_old_and_new(make_request, officer, admin_user):
    first, second = user_with_role("officer"), user_with_role("officer")
    request = make_request("submitted")
    services.request_assign_owner(request=request, owner=first, by=officer)
    services.request_assign_owner(request=request, owner=second, by=admin_user)
    request.refresh_from_db()
    assert request.owner == second
    rows = owner_rows(request)
    assert len(rows) == 2
    assert [str(v) for v in rows[1]] in ([str(first.pk), str(second.pk)], [str(first), str(second)])
    # The same owner again changes nothing.
    services.request_assign_owner(request=request, owner=second, by=officer)
    assert len(owner_rows(request)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["committee", "focal_point", "admin", "expert"])
def test_only_an_active_programme_officer_can_own(make_request, officer, role):
    request = make_request("submitted")
    candidate, inactive = user_with_role(role), user_with_role("officer", is_active=False)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.request_assign_owner(request=request, owner=candidate, by=officer)
    assert refused.value.errors == {"owner": ["Choose an active programme officer."]}
    with pytest.raises(ValidationFailed):
        services.request_assign_owner(request=request, owner=inactive, by=officer)
    request.refresh_from_db()
    assert request.owner_id is None and AuditEvent.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["committee", "focal_point", "expert", "observer"])
def test_only_staff_assign_owners(make_request, officer, role):
    request = make_request("submitted")
    with pytest.raises(NotAllowed):
        services.request_assign_owner(request=request, owner=officer, by=user_with_role(role))
    request.refresh_from_db()
    assert request.owner_id is None


@pytest.mark.django_db
def test_a_submitted_request_takes_its_regional_coordinator_as_owner(make_request, officer):
    Region.objects.filter(countries__code="CV").update(coordinator=officer)
    request = make_request("submitted")
    assert request.owner == officer
    assert make_request("draft").owner_id is None  # a draft has no owner yet


@pytest.mark.django_db
def test_a_coordinator_who_is_no_longer_an_officer_is_not_made_owner(make_request):
    former = user_with_role("officer", is_active=False)
    Region.objects.filter(countries__code="CV").update(coordinator=former)
    assert make_request("submitted").owner_id is None


@pytest.mark.django_db
def test_the_owner_page_changes_the_owner_and_shows_it_on_the_request(client, make_request, officer):
    other = user_with_role("officer", given_name="Ines", family_name="Moreau")
    request = make_request("submitted")
    client.force_login(officer)
    detail = client.get(reverse("intake:detail", args=[request.pk])).content.decode()
    assert reverse("intake:owner", args=[request.pk]) in detail
    page = client.get(reverse("intake:owner", args=[request.pk]))
    assert page.status_code == 200 and "Ines Moreau" in page.content.decode()
    response = client.post(reverse("intake:owner", args=[request.pk]), {"owner": other.pk})
    assert response.status_code == 302
    assert Request.objects.get(pk=request.pk).owner == other
    assert "Ines Moreau" in client.get(reverse("intake:detail", args=[request.pk])).content.decode()


@pytest.mark.django_db
def test_the_owner_page_refuses_a_non_officer_with_a_message(client, make_request, officer, committee_member):
    request = make_request("submitted")
    client.force_login(officer)
    response = client.post(reverse("intake:owner", args=[request.pk]), {"owner": committee_member.pk})
    assert response.status_code == 200
    assert "Choose an active programme officer." in response.content.decode()
    assert Request.objects.get(pk=request.pk).owner_id is None
