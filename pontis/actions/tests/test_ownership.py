"""Ownership of Actions: inherited from the request at approval, assigned by staff (audited, officers only), and
"My requests and Actions": what a person owns and follows, paged, in a flat number of queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from pontis.actions import services
from pontis.actions.models import Action
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Follow
from pontis.intake.models import Request
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .factories import approved_request, make_action


@pytest.mark.django_db
def test_an_approved_request_gives_its_owner_to_its_action(officer, committee_member):
    request = approved_request()
    Request.objects.filter(pk=request.pk).update(owner=officer)
    request.refresh_from_db()
    action = services.action_create_from_request(request=request, by=committee_member)
    assert action.owner == officer


@pytest.mark.django_db
def test_staff_assign_an_officer_audited_and_others_are_refused(officer, committee_member):
    action = make_action(officer)
    other = user_with_role("officer")
    services.action_assign_owner(action=action, owner=other, by=officer)
    action.refresh_from_db()
    assert action.owner == other
    rows = [e.changes["owner"] for e in AuditEvent.objects.for_object(action) if "owner" in e.changes]
    assert len(rows) == 1 and [str(v) for v in rows[0]] in ([str(None), str(other.pk)], ["None", str(other)],
                                                            [str(None), str(other)])
    before = AuditEvent.objects.count()
    with pytest.raises(NotAllowed):
        services.action_assign_owner(action=action, owner=officer, by=committee_member)
    with pytest.raises(ValidationFailed):
        services.action_assign_owner(action=action, owner=committee_member, by=officer)
    action.refresh_from_db()
    assert action.owner == other and AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_owner_page_of_an_action(client, officer):
    action = make_action(officer)
    other = user_with_role("officer", given_name="Ines", family_name="Moreau")
    client.force_login(officer)
    assert reverse("actions:owner", args=[action.code]) in client.get(reverse("actions:detail", args=[action.code])).content.decode()
    response = client.post(reverse("actions:owner", args=[action.code]), {"owner": other.pk})
    assert response.status_code == 302
    assert Action.objects.get(pk=action.pk).owner == other
    assert client.post(reverse("actions:owner", args=[action.code]), {"owner": ""}).status_code == 200
    assert Action.objects.get(pk=action.pk).owner == other


def follow(user, obj):
    Follow.objects.create(user=user, target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk)


@pytest.mark.django_db
def test_my_requests_and_actions_lists_what_i_own_and_follow(client, officer, committee_member):
    other = user_with_role("officer")
    mine, followed, not_mine = make_action(officer), make_action(officer), make_action(officer)
    services.action_assign_owner(action=mine, owner=officer, by=officer)
    services.action_assign_owner(action=not_mine, owner=other, by=officer)
    follow(officer, followed)
    request = approved_request()
    Request.objects.filter(pk=request.pk).update(owner=officer)
    client.force_login(officer)
    page = client.get(reverse("actions:mine")).content.decode()
    assert mine.code in page and followed.code in page and not_mine.code not in page
    assert reverse("intake:detail", args=[request.pk]) in page
    assert "You own it" in page and "You follow it" in page
    # The committee may open it; focal points may not.
    client.force_login(committee_member)
    assert client.get(reverse("actions:mine")).status_code == 200
    client.force_login(user_with_role("focal_point"))
    assert client.get(reverse("actions:mine")).status_code == 403


@pytest.mark.django_db
def test_my_requests_and_actions_is_paged_in_a_flat_number_of_queries(client, officer):
    for _ in range(2):
        services.action_assign_owner(action=make_action(officer), owner=officer, by=officer)
    client.force_login(officer)
    small, _ = count_queries(lambda: client.get(reverse("actions:mine")))
    for _ in range(25):
        action = make_action(officer)
        services.action_assign_owner(action=action, owner=officer, by=officer)
        follow(officer, action)
    large, response = count_queries(lambda: client.get(reverse("actions:mine")))
    assert "Page 1 of 2" in response.content.decode()
    assert_flat(small, large)
