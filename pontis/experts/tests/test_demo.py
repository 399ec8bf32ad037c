"""The demo roster follows the facility's ten-year figures and loads once."""

import pytest
from django.core.management import call_command

from pontis.experts.models import Deployment, ExpertProfile


@pytest.mark.django_db
def test_demo_roster_follows_the_documents_figures_and_is_idempotent(api_client, observer):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = (ExpertProfile.objects.count(), Deployment.objects.count())

    call_command("load_demo", stdout=open("/dev/null", "w"))

    assert (ExpertProfile.objects.count(), Deployment.objects.count()) == counts
    stats = api_client(observer).get("/api/v1/stats/experts").json()
    assert stats["registered"] == 675
    assert stats["deployed"] == 340
    assert stats["deployed_by_gender"] == {"male": 207, "female": 133, "other": 0, "undisclosed": 0}
    assert sum(stats["government_experts_by_eu_member_state"].values()) == 176
    assert len(stats["government_experts_by_eu_member_state"]) == 22


@pytest.mark.django_db
def test_demo_expert_account_has_a_consistent_profile():
    call_command("load_demo", stdout=open("/dev/null", "w"))

    profile = ExpertProfile.objects.select_related("user", "nationality").get(user__email="expert@pontis.example")

    assert (profile.given_name, profile.family_name) == (profile.user.given_name, profile.user.family_name)
    assert profile.biography.startswith(f"{profile.given_name} {profile.family_name} ")
    assert profile.nationality.code == "PT"
    assert profile.deployments.exists()
