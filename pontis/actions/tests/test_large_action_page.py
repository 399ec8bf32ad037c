"""A large Action's page lists its first activities and a link to all of them, in the same queries at any size.

Before: every activity was rendered on the page (120 on the largest Actions of the stress data), and the page's
cost grew with them.
"""

import datetime

import pytest
from django.urls import reverse

from pontis.actions.models import Activity
from pontis.actions.views import ACTIVITIES_SHOWN
from pontis.core.models import ActivityType
from tests.queries import assert_flat, count_queries

from .factories import make_action


def add_activities(action, n):
    workshop = ActivityType.objects.get(code="workshop")
    start = action.activities.count()
    for i in range(start, start + n):
        Activity.objects.create(action=action, sequence=i + 1, type=workshop, title={"en": f"Workshop {i + 1}"},
                                start_date=datetime.date(2030, 1, 1) + datetime.timedelta(days=i))


@pytest.mark.django_db
def test_a_large_action_lists_the_first_activities_and_links_to_all(client, officer):
    action = make_action(officer)
    add_activities(action, 2)
    url = reverse("actions:detail", args=[action.code])
    client.force_login(officer)
    small, response = count_queries(lambda: client.get(url))
    assert len(response.context["activities"]) == 2 and b"?activities=all" not in response.content

    add_activities(action, ACTIVITIES_SHOWN + 3)
    large, response = count_queries(lambda: client.get(url))
    assert len(response.context["activities"]) == ACTIVITIES_SHOWN
    assert response.context["activities_total"] == ACTIVITIES_SHOWN + 5
    assert b"?activities=all" in response.content and b"Workshop 1<" in response.content
    assert f"Workshop {ACTIVITIES_SHOWN + 1}<".encode() not in response.content
    assert_flat(small, large)

    every = client.get(url, {"activities": "all"})
    assert len(every.context["activities"]) == ACTIVITIES_SHOWN + 5
    assert f"Workshop {ACTIVITIES_SHOWN + 5}<".encode() in every.content
