"""Cancelling and closing an Action ask for confirmation: the first POST shows what will happen, only the second acts."""

import pytest
from django.urls import reverse

from pontis.actions import services
from pontis.actions.models import Action
from pontis.core.models import AuditEvent, GoodPracticeFeature

from .factories import agreed_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(officer, focal_point, institution):
    return agreed_action(officer, focal_point, institution)


def _status(action):
    return Action.objects.get(pk=action.pk).status


def _close_data(**extra):
    data = {"final_report": "The protocol was adopted.", "lessons_learnt": "Start with the three services."}
    for feature in GoodPracticeFeature.objects.filter(is_active=True):
        data[f"score_{feature.code}"] = "4"
        data[f"comment_{feature.code}"] = "Fine"
    data.update(extra)
    return data


def test_cancel_without_confirmation_changes_nothing(client, officer, action):
    audit_rows = AuditEvent.objects.count()
    client.force_login(officer)
    url = reverse("actions:cancel", args=[action.code])
    response = client.post(url, {"reason": "The ministry was dissolved"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cancel this Action?" in page and "button--danger" in page
    assert f'action="{url}"' in page and 'name="confirmed" value="1"' in page
    assert 'name="reason" value="The ministry was dissolved"' in page
    assert f'href="{reverse("actions:detail", args=[action.code])}"' in page
    assert _status(action) == "ongoing"
    assert AuditEvent.objects.count() == audit_rows


def test_cancel_with_confirmation_cancels(client, officer, action):
    client.force_login(officer)
    response = client.post(reverse("actions:cancel", args=[action.code]),
                           {"reason": "The ministry was dissolved", "confirmed": "1"})
    assert response.status_code == 302
    assert _status(action) == "cancelled"


def test_cancel_without_a_reason_asks_for_it_and_changes_nothing(client, officer, action):
    client.force_login(officer)
    response = client.post(reverse("actions:cancel", args=[action.code]), {"reason": "", "confirmed": "1"}, follow=True)
    assert "Say why the Action is cancelled." in response.content.decode()
    assert _status(action) == "ongoing"


def test_close_without_confirmation_changes_nothing_and_carries_the_report(client, officer, action):
    client.force_login(officer)
    url = reverse("actions:close", args=[action.code])
    response = client.post(url, _close_data())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Close this Action?" in page and "button--danger" in page and 'name="confirmed" value="1"' in page
    assert 'name="final_report" value="The protocol was adopted."' in page
    assert _status(action) == "ongoing"


def test_close_with_confirmation_closes(client, officer, action):
    for activity in action.activities.all():  # an Action closes once each activity is reported or cancelled
        services.activity_cancel(activity=activity, by=officer, reason="Not needed")
    client.force_login(officer)
    response = client.post(reverse("actions:close", args=[action.code]), _close_data(confirmed="1"))
    assert response.status_code == 302
    fresh = Action.objects.get(pk=action.pk)
    assert fresh.status == "completed" and fresh.self_assessment.count() == GoodPracticeFeature.objects.filter(
        is_active=True).count()


def test_close_with_errors_shows_the_form_with_its_error_summary_not_the_confirmation(client, officer, action):
    client.force_login(officer)
    response = client.post(reverse("actions:close", args=[action.code]), _close_data(final_report="", confirmed="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#id_final_report"' in page
    assert _status(action) == "ongoing"


def test_cancelling_an_activity_asks_first(client, officer, action):
    activity = action.activities.first()
    client.force_login(officer)
    url = reverse("actions:activity_move", args=[action.code, activity.pk, "cancel"])
    response = client.post(url, {"reason": "The venue burned down"})
    assert response.status_code == 200 and "Cancel this activity?" in response.content.decode()
    activity.refresh_from_db()
    assert activity.status != "cancelled"
    client.post(url, {"reason": "The venue burned down", "confirmed": "1"})
    activity.refresh_from_db()
    assert activity.status == "cancelled"
