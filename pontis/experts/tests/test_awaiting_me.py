""""Awaiting me" on the roster: experts to vet (staff), invitations to answer and the profile to complete
(experts). Each task leaves once done by anyone entitled; a fixed number of queries at any size."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from pontis.core import registry
from pontis.experts.awaiting import invitation_tasks, vet_tasks
from pontis.experts.services import deployments, profiles
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .factories import make_activity, make_profile

VET = "Vet the expert"
INVITATION = "Answer the invitation"
PROFILE = "Complete your expert profile"


def labels(user, kind) -> list[str]:
    for group in registry.tasks_for(user):
        if str(group["kind"]) == kind:
            return [str(t.label) for t in group["tasks"]]
    return []


def registered(**fields):
    return make_profile(status="registered", email_confirmed_at=timezone.now(), **fields)


@pytest.mark.django_db
def test_a_registered_expert_awaits_vetting_until_another_officer_activates_the_profile(officer, admin_user):
    profile = registered(given_name="Ana", family_name="Lopes")
    make_profile(status="registered")  # e-mail not confirmed yet: nothing to vet
    assert labels(officer, VET) == ["Ana Lopes"]
    assert labels(admin_user, VET) == ["Ana Lopes"]
    profiles.profile_transition(profile=profile, to="vetted", by=admin_user)
    profiles.profile_transition(profile=profile, to="active", by=admin_user)
    assert labels(officer, VET) == [] and labels(admin_user, VET) == []


@pytest.mark.django_db
def test_an_invitation_awaits_the_expert_until_answered(officer, expert_user, focal_point):
    profile = make_profile(user=expert_user)
    invitation = deployments.invitation_create(activity=make_activity(), profile=profile, by=officer)
    assert len(labels(expert_user, INVITATION)) == 1
    assert labels(officer, INVITATION) == [] and labels(focal_point, INVITATION) == []
    deployments.invitation_decline(invitation=invitation, reason="Not available", by=expert_user)
    assert labels(expert_user, INVITATION) == []


@pytest.mark.django_db
def test_a_profile_without_a_cv_asks_to_be_completed(expert_user):
    profile = make_profile(user=expert_user, reconfirmed_at=timezone.now())
    assert labels(expert_user, PROFILE) == ["Your CV and thematic areas"]
    profile.cv.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    assert labels(expert_user, PROFILE) == []


@pytest.mark.django_db
def test_the_providers_read_the_same_number_of_queries_at_any_size(officer, expert_user):
    profile = make_profile(user=expert_user)
    deployments.invitation_create(activity=make_activity(), profile=profile, by=officer)
    registered()
    small_vet, _ = count_queries(lambda: vet_tasks(officer))
    small_inv, _ = count_queries(lambda: invitation_tasks(expert_user))
    assert (small_vet, small_inv) == (1, 1)
    for _ in range(registry.TASKS_SHOWN + 2):
        registered()
        deployments.invitation_create(activity=make_activity(), profile=profile, by=user_with_role("officer"))
    large_vet, _ = count_queries(lambda: vet_tasks(officer))
    large_inv, rows = count_queries(lambda: invitation_tasks(expert_user))
    assert rows[0].total == registry.TASKS_SHOWN + 3
    assert_flat(small_vet, large_vet)
    assert_flat(small_inv, large_inv)
