"""SDG targets and GCM objectives of an Action: set by staff in the page and over the API, shown with their labels."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from pontis.actions.tests.factories import make_action
from pontis.core.models import AuditEvent, GCMObjective, SDGTarget

pytestmark = pytest.mark.django_db


def test_staff_set_the_goals_in_the_page_and_the_action_shows_their_labels(client, officer, focal_point, institution):
    # Given an Action with no goal yet
    action = make_action(officer, focal_point=focal_point, institution=institution)
    target = SDGTarget.objects.get(code="10.7")
    objective = GCMObjective.objects.get(number=10)
    client.force_login(officer)
    url = reverse("actions:goals", args=[action.code])
    assert client.get(url).status_code == 200

    # When an officer chooses a target and an objective
    response = client.post(url, {"sdg_targets": [target.pk], "gcm_objectives": [objective.pk]})

    # Then they are saved with an audit row and shown with their labels in the reader's language
    assert response.status_code == 302
    assert list(action.sdg_targets.all()) == [target] and list(action.gcm_objectives.all()) == [objective]
    assert AuditEvent.objects.for_object(action).filter(action=AuditEvent.Action.UPDATE).count() == 1
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("actions:detail", args=[action.code])).content.decode()
    assert escape(f"10.7 {target.name['fr']}") in page
    assert escape(f"10. {objective.name['fr']}") in page


def test_the_partner_may_not_change_the_goals(client, officer, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    client.force_login(focal_point)

    response = client.post(reverse("actions:goals", args=[action.code]), {"sdg_targets": [SDGTarget.objects.first().pk]})

    assert response.status_code == 403
    assert not action.sdg_targets.exists()


def test_the_api_sets_and_returns_the_goals_by_code(officer, focal_point, institution, api_client):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    api = api_client(officer)

    answer = api.patch(f"/api/v1/actions/{action.code}", {"sdg_targets": ["10.7"], "gcm_objectives": ["gcm10", "gcm1"]},
                       content_type="application/json")

    assert answer.status_code == 200
    assert answer.json()["sdg_targets"] == ["10.7"]
    assert sorted(answer.json()["gcm_objectives"]) == ["gcm1", "gcm10"]
    assert sorted(action.gcm_objectives.values_list("number", flat=True)) == [1, 10]


def test_the_api_refuses_an_unknown_code_and_changes_nothing(officer, focal_point, institution, api_client):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    action.sdg_targets.set([SDGTarget.objects.get(code="10.7")])

    answer = api_client(officer).patch(f"/api/v1/actions/{action.code}", {"sdg_targets": ["99.9"]},
                                       content_type="application/json")

    assert answer.status_code == 422
    assert list(action.sdg_targets.values_list("code", flat=True)) == ["10.7"]


def test_the_partner_may_not_change_the_goals_over_the_api(officer, focal_point, institution, api_client):
    action = make_action(officer, focal_point=focal_point, institution=institution)

    answer = api_client(focal_point).patch(f"/api/v1/actions/{action.code}", {"sdg_targets": ["10.7"]},
                                           content_type="application/json")

    assert answer.status_code == 403
    assert not action.sdg_targets.exists()
