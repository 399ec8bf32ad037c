"""Pages that used to fetch with ``get_object_or_404(..., owner=request.user)`` now fetch through the policy
(``get_visible_or_404`` + ``can``): the owner still gets the object, anybody else a 404 and no change."""

import datetime

import pytest
from django.urls import reverse

from pontis.core.models import Notification
from pontis.experts.models import Deployment, Unavailability
from pontis.experts.tests.factories import make_activity, make_profile
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _period(profile):
    return Unavailability.objects.create(profile=profile, start_date=datetime.date(2030, 5, 1),
                                         end_date=datetime.date(2030, 5, 2))


@pytest.mark.parametrize("who", ["other_expert", "officer"])
def test_nobody_but_the_expert_removes_an_unavailability(client, who):
    owner = user_with_role("expert")
    period = _period(make_profile(user=owner))
    someone = user_with_role("expert") if who == "other_expert" else user_with_role("officer")
    if who == "other_expert":
        make_profile(user=someone)
    client.force_login(someone)

    response = client.post(reverse("experts:unavailability_remove", args=[period.pk]))

    assert response.status_code == 404
    assert Unavailability.objects.filter(pk=period.pk).exists()


def test_the_expert_removes_their_own_unavailability(client):
    owner = user_with_role("expert")
    period = _period(make_profile(user=owner))
    client.force_login(owner)

    response = client.post(reverse("experts:unavailability_remove", args=[period.pk]))

    assert response.status_code == 302
    assert not Unavailability.objects.filter(pk=period.pk).exists()


def _deployment(user):
    activity = make_activity()
    return Deployment.objects.create(profile=make_profile(user=user), activity=activity, start_date=activity.start_date,
                                     end_date=activity.end_date, status="completed")


@pytest.mark.parametrize("who,status", [("expert", 200), ("other_expert", 404), ("officer", 404)])
def test_the_feedback_page_is_the_deployed_experts_alone(client, who, status):
    expert = user_with_role("expert")
    deployment = _deployment(expert)
    person = {"expert": expert, "other_expert": user_with_role("expert"), "officer": user_with_role("officer")}[who]
    client.force_login(person)

    assert client.get(reverse("experts:feedback", args=[deployment.pk])).status_code == status


def test_a_notification_is_marked_read_by_its_recipient_only(client):
    recipient, other = user_with_role("expert"), user_with_role("officer")
    note = Notification.objects.create(recipient=recipient, subject="Invitation")
    client.force_login(other)

    assert client.post(reverse("core:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None

    client.force_login(recipient)
    assert client.post(reverse("core:notification_read", args=[note.pk])).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
