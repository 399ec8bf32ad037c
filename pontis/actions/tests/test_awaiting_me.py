""""Awaiting me" among the Actions: the fiche to agree (partner, then staff), proposals, follow-ups due. Each task
leaves the list once anyone entitled has done the work; a fixed number of queries at any size."""

import datetime

import pytest
from django.utils import timezone

from pontis.actions import services
from pontis.actions.awaiting import fiche_agree_tasks, follow_up_tasks, partner_agree_tasks
from pontis.actions.models import FollowUp
from pontis.core import registry
from pontis.core.models import Region
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .factories import agreed_action, fiche_content, make_action

PARTNER_AGREE = "Read and agree the Action Fiche"
STAFF_AGREE = "Record the agreement of the Action Fiche"
PROPOSAL = "Accept or decline the partner's proposed change"
FOLLOW_UP = "Record the outcome follow-up"


def labels(user, kind) -> list[str]:
    for group in registry.tasks_for(user):
        if str(group["kind"]) == kind:
            return [t.label for t in group["tasks"]]
    return []


@pytest.mark.django_db
def test_the_fiche_awaits_the_partner_then_the_staff_and_leaves_when_agreed(officer, focal_point, institution):
    colleague = user_with_role("focal_point", institution=institution)
    other_officer = user_with_role("officer")
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    assert labels(focal_point, PARTNER_AGREE) == []  # an empty draft is not asked for agreement
    services.fiche_save(version=draft, by=officer, content=fiche_content())
    assert labels(focal_point, PARTNER_AGREE) == [str(action)]
    assert labels(colleague, PARTNER_AGREE) == [str(action)]
    assert labels(officer, STAFF_AGREE) == []
    services.fiche_partner_agree(version=draft, by=colleague)
    assert labels(focal_point, PARTNER_AGREE) == []
    assert labels(officer, STAFF_AGREE) == [str(action)]
    services.fiche_agree(version=draft, by=other_officer)
    assert labels(officer, STAFF_AGREE) == [] and labels(other_officer, STAFF_AGREE) == []


@pytest.mark.django_db
def test_a_proposal_awaits_the_staff_until_decided(officer, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    proposal = services.fiche_propose(version=draft, by=focal_point, section="context", text="Our context.")
    assert labels(officer, PROPOSAL) == [str(action)]
    services.fiche_proposal_decide(proposal=proposal, by=user_with_role("officer"), accept=True)
    assert labels(officer, PROPOSAL) == []


@pytest.mark.django_db
def test_a_follow_up_due_awaits_staff_and_partner_and_leaves_both_when_recorded(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    follow_up = FollowUp.objects.create(action=action, months=6, due_on=timezone.localdate())
    FollowUp.objects.create(action=action, months=12, due_on=timezone.localdate() + datetime.timedelta(days=180))
    assert labels(officer, FOLLOW_UP) == []  # due, but the partner has not been asked yet
    assert services.followups_send_due_reminders() == 1
    expected = [f"{action}, 6 months after closure"]
    assert labels(officer, FOLLOW_UP) == expected
    assert labels(focal_point, FOLLOW_UP) == expected
    services.followup_record(follow_up=follow_up, by=focal_point, outcome="The SOPs are in use.")
    assert labels(officer, FOLLOW_UP) == [] and labels(focal_point, FOLLOW_UP) == []


@pytest.mark.django_db
def test_an_owned_action_awaits_its_owner_only(officer, focal_point, institution):
    owner, coordinator = user_with_role("officer"), user_with_role("officer")
    Region.objects.filter(countries__code="CV").update(coordinator=coordinator)
    action = make_action(officer, focal_point=focal_point, institution=institution)
    draft = services.current_draft(action)
    services.fiche_save(version=draft, by=officer, content=fiche_content())
    services.fiche_partner_agree(version=draft, by=focal_point)
    # Unowned in a coordinated region: the coordinator's.
    assert labels(coordinator, STAFF_AGREE) == [str(action)] and labels(officer, STAFF_AGREE) == []
    services.action_assign_owner(action=action, owner=owner, by=officer)
    assert labels(owner, STAFF_AGREE) == [str(action)] and labels(coordinator, STAFF_AGREE) == []


@pytest.mark.django_db
def test_the_providers_read_the_same_number_of_queries_at_any_size(officer, focal_point, institution):
    def build():
        action = make_action(officer, focal_point=focal_point, institution=institution)
        draft = services.current_draft(action)
        services.fiche_save(version=draft, by=officer, content=fiche_content())
        FollowUp.objects.create(action=action, months=6, due_on=timezone.localdate(), reminded_at=timezone.now())
        return action, draft

    build()
    _a, draft = build()
    services.fiche_partner_agree(version=draft, by=focal_point)
    measured = [(partner_agree_tasks, focal_point), (fiche_agree_tasks, officer), (follow_up_tasks, officer),
                (follow_up_tasks, focal_point)]
    small = [count_queries(lambda f=f, u=u: f(u))[0] for f, u in measured]
    assert all(n == 1 for n in small), small
    for _ in range(registry.TASKS_SHOWN + 2):
        _a, draft = build()
        services.fiche_partner_agree(version=draft, by=focal_point)
        build()
    large = [count_queries(lambda f=f, u=u: f(u))[0] for f, u in measured]
    for s, la in zip(small, large, strict=True):
        assert_flat(s, la)
