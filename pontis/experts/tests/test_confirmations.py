"""Anonymising an expert, cancelling a deployment and asking for erasure ask for confirmation first."""

import pytest
from django.urls import reverse

from pontis.experts import services
from pontis.experts.models import Deployment, ExpertProfile

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db


def test_anonymise_without_confirmation_changes_nothing(client, officer):
    profile = make_profile(given_name="Zuleika", family_name="Oyelaran")
    client.force_login(officer)
    url = reverse("experts:anonymise", args=[profile.pk])
    response = client.post(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Anonymise this expert?" in page and "This cannot be undone." in page
    assert "button--danger" in page and f'action="{url}"' in page and 'name="confirmed" value="1"' in page
    assert f'href="{reverse("experts:profile", args=[profile.pk])}"' in page
    fresh = ExpertProfile.objects.get(pk=profile.pk)
    assert fresh.anonymised_at is None and fresh.given_name == "Zuleika"


def test_anonymise_with_confirmation_anonymises(client, officer):
    profile = make_profile(given_name="Zuleika", family_name="Oyelaran")
    client.force_login(officer)
    response = client.post(reverse("experts:anonymise", args=[profile.pk]), {"confirmed": "1"})
    assert response.status_code == 302
    fresh = ExpertProfile.objects.get(pk=profile.pk)
    assert fresh.anonymised_at is not None and fresh.given_name != "Zuleika"


def test_anonymise_refused_to_an_expert_even_with_confirmation(client, expert_user):
    profile = make_profile()
    client.force_login(expert_user)
    assert client.post(reverse("experts:anonymise", args=[profile.pk]), {"confirmed": "1"}).status_code == 403
    assert ExpertProfile.objects.get(pk=profile.pk).anonymised_at is None


def _deployment(officer):
    activity = make_activity()
    profile = make_profile()
    return Deployment.objects.create(activity=activity, profile=profile, status="confirmed",
                                     start_date=activity.start_date, end_date=activity.end_date)


def test_cancelling_a_deployment_asks_first(client, officer):
    deployment = _deployment(officer)
    client.force_login(officer)
    url = reverse("experts:deployment_transition", args=[deployment.pk])
    response = client.post(url, {"to": "cancelled"})
    page = response.content.decode()
    assert response.status_code == 200 and "Cancel this deployment?" in page
    assert 'name="to" value="cancelled"' in page
    assert Deployment.objects.get(pk=deployment.pk).status == "confirmed"
    client.post(url, {"to": "cancelled", "confirmed": "1"})
    assert Deployment.objects.get(pk=deployment.pk).status == "cancelled"


def test_erasure_request_asks_first(client, expert_user):
    profile = make_profile(user=expert_user)
    client.force_login(expert_user)
    response = client.post(reverse("experts:erasure"), {"reason": "I changed jobs"})
    assert response.status_code == 200 and "Ask for your data to be erased?" in response.content.decode()
    assert ExpertProfile.objects.get(pk=profile.pk).erasure_requested_at is None
    client.post(reverse("experts:erasure"), {"reason": "I changed jobs", "confirmed": "1"})
    assert ExpertProfile.objects.get(pk=profile.pk).erasure_requested_at is not None


def test_services_are_unchanged_by_the_confirmation(officer):
    # the confirmation is a page step only: the service still acts when called (API, commands)
    profile = make_profile()
    services.profile_anonymise(profile=profile, by=officer)
    assert ExpertProfile.objects.get(pk=profile.pk).anonymised_at is not None
