"""What experts tells the actions app through core.registry: who takes part in an Action, how many experts
staff an activity. actions never imports experts; without a provider it sees no participant and judges no staffing."""

import datetime

import pytest
from django.utils import timezone

from pontis.actions import selectors as action_selectors
from pontis.core import registry
from pontis.core.errors import IllegalTransition
from pontis.core.models import AuditEvent
from pontis.experts import services
from tests.queries import assert_flat, count_queries

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db


def test_an_expert_sees_the_action_deployed_on_until_the_deployment_is_cancelled(officer, expert_user):
    activity = make_activity()
    assert list(action_selectors.actions_for(expert_user)) == []
    deployment = services.deployment_create(activity=activity, profile=make_profile(user=expert_user), by=officer)
    assert [a.pk for a in action_selectors.actions_for(expert_user)] == [activity.action_id]
    services.deployment_transition(deployment=deployment, to="cancelled", by=officer)
    assert list(action_selectors.actions_for(expert_user)) == []


def test_without_a_provider_actions_sees_no_participant(officer, expert_user, monkeypatch):
    activity = make_activity()
    services.deployment_create(activity=activity, profile=make_profile(user=expert_user), by=officer)
    monkeypatch.setattr(registry, "_participation", [])
    monkeypatch.setattr(registry, "_activity_people", [])
    assert registry.action_ids_taking_part(expert_user) == set()
    assert registry.activity_people_count(activity) is None
    assert list(action_selectors.actions_for(expert_user)) == []


def test_at_risk_names_an_activity_soon_without_experts_until_one_is_confirmed(officer):
    today = timezone.localdate()
    activity = make_activity(start=today + datetime.timedelta(days=10))
    action = activity.action
    type(action).objects.filter(pk=action.pk).update(requested_on=today - datetime.timedelta(days=20),
                                                      fiche_agreed_on=today - datetime.timedelta(days=5))
    reasons = dict((a.pk, r) for a, r in action_selectors.actions_at_risk(today=today))
    assert "waiting for experts" in reasons[action.pk]
    services.deployment_create(activity=activity, profile=make_profile(), by=officer)
    assert action.pk not in dict((a.pk, r) for a, r in action_selectors.actions_at_risk(today=today))


def test_invitation_moves_go_through_the_one_transition(officer, expert_user):
    invitation = services.invitation_create(activity=make_activity(), profile=make_profile(user=expert_user), by=officer)
    services.invitation_decline(invitation=invitation, by=expert_user, reason="Busy that month")
    history = AuditEvent.objects.filter(object_id=str(invitation.pk), action=AuditEvent.Action.TRANSITION)
    assert list(history.values_list("changes", "note")) == [({"status": ["pending", "declined"]}, "Busy that month")]
    with pytest.raises(IllegalTransition) as refused:
        services.invitation_withdraw(invitation=invitation, by=officer)
    assert refused.value.code == "illegal_transition"


def test_at_risk_counts_the_experts_of_all_soon_activities_in_flat_queries(officer):
    """The experts on activities starting soon are counted for a whole batch of Actions in one query, not one
    query per activity (the staff home page and the "at risk" page grew with the facility)."""
    today = timezone.localdate()

    def soon_action(*, staffed: bool):
        activity = make_activity(start=today + datetime.timedelta(days=10))
        type(activity.action).objects.filter(pk=activity.action_id).update(
            requested_on=today - datetime.timedelta(days=20), fiche_agreed_on=today - datetime.timedelta(days=5))
        if staffed:
            services.deployment_create(activity=activity, profile=make_profile(), by=officer)
        return activity.action_id

    unstaffed, staffed = [soon_action(staffed=False)], [soon_action(staffed=True)]
    small, listed = count_queries(lambda: action_selectors.actions_at_risk(today=today))
    assert [a.pk for a, _why in listed] == unstaffed
    unstaffed += [soon_action(staffed=False) for _ in range(3)]
    staffed += [soon_action(staffed=True) for _ in range(3)]
    large, listed = count_queries(lambda: action_selectors.actions_at_risk(today=today))
    assert sorted(a.pk for a, _why in listed) == sorted(unstaffed)
    assert_flat(small, large)
    _count, first = count_queries(lambda: action_selectors.actions_at_risk(today=today, limit=2))
    assert len(first) == 2
