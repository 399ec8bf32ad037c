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
