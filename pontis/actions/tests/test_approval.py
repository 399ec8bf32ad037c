"""Approval lives in actions: the committee's decision (written by intake's service) and the Action, atomically,
linked once by ``Action.source_request`` and readable both ways."""

import io

import pytest

from pontis.accounts.demo import load_foundation
from pontis.actions import services
from pontis.actions.demo import load_demo_approvals
from pontis.actions.models import Action
from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent
from pontis.intake.demo import load_demo_requests
from pontis.intake.models import Decision, Request
from pontis.intake.tests.conftest import make_request  # noqa: F401  (fixture)


def test_approve_creates_the_action_linked_both_ways(make_request, committee_member):  # noqa: F811
    request = make_request("forwarded")
    action = services.request_approve(request=request, by=committee_member, reason="Fits the priorities")
    request = Request.objects.get(pk=request.pk)
    assert request.status == "approved"
    assert list(request.decisions.values_list("outcome", "reason")) == [("approve", "Fits the priorities")]
    assert action.source_request_id == request.pk
    assert request.action == action  # the reverse side of the one link
    assert Action.objects.get(source_request=request) == action
    assert action.countries.get().code == "CV"
    history = AuditEvent.objects.filter(object_id=str(request.pk), action=AuditEvent.Action.TRANSITION)
    assert {"status": ["forwarded", "approved"]} in list(history.values_list("changes", flat=True))


def test_a_failure_creating_the_action_leaves_the_request_undecided(make_request, committee_member, monkeypatch):  # noqa: F811
    request = make_request("forwarded")

    def broken(**kwargs):
        raise ValidationFailed("no code left")

    monkeypatch.setattr("pontis.actions.services.approval.action_create_from_request", broken)
    with pytest.raises(ValidationFailed):
        services.request_approve(request=request, by=committee_member)
    request = Request.objects.get(pk=request.pk)
    assert request.status == "forwarded" and request.decided_at is None
    assert not Decision.objects.filter(request=request).exists()
    assert not Action.objects.exists()


def test_approve_refused_to_officer_and_for_a_request_not_forwarded(make_request, officer, committee_member):  # noqa: F811
    forwarded = make_request("forwarded")
    with pytest.raises(NotAllowed):
        services.request_approve(request=forwarded, by=officer)
    deferred = make_request("deferred")
    with pytest.raises(IllegalTransition):
        services.request_approve(request=deferred, by=committee_member)
    assert not Action.objects.exists()
    assert Request.objects.get(pk=forwarded.pk).status == "forwarded"


def test_approve_through_the_api_and_the_page(make_request, committee_member, api_client, client):  # noqa: F811
    first, second = make_request("forwarded"), make_request("forwarded")
    response = api_client(committee_member).post(f"/api/v1/requests/{first.pk}/approve", {"reason": "ok"},
                                                 content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["action_code"] == Action.objects.get(source_request=first).code
    client.force_login(committee_member)
    page = client.get(f"/requests/{second.pk}/").content.decode()
    assert f"/actions/requests/{second.pk}/approve/" in page  # the approval form, a panel added by actions
    client.post(f"/actions/requests/{second.pk}/approve/", {"reason": "ok"})
    second = Request.objects.get(pk=second.pk)
    assert second.status == "approved" and second.action.source_request_id == second.pk
    page = client.get(f"/requests/{second.pk}/").content.decode()
    assert f"/actions/{second.action.code}/" in page


def test_demo_approval_runs_after_the_requests_and_twice_without_duplicates(db):
    load_foundation(io.StringIO())
    load_demo_requests(io.StringIO())
    load_demo_approvals(io.StringIO())
    load_demo_approvals(io.StringIO())
    approved = Request.objects.get(status="approved")
    assert approved.action.source_request == approved
    assert Action.objects.filter(source_request__isnull=False).count() == 1
