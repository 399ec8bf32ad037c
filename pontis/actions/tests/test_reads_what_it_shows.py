"""Pages and API answers read what they show, not every row of a large Action.

Measured on the stress data (20,000 Actions, up to 120 activities each): the requests' "at risk" page explained
every Action at risk (about 100, with every activity of each) to show them beside the requests; the API's Action
answer loaded every activity with its type, country and languages, every deliverable and every fiche version
(with its JSON rows) to answer a list of ids.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pontis.actions import panels, selectors
from pontis.actions.models import Activity
from pontis.core.models import ActivityType
from tests.queries import assert_flat, count_queries

from .factories import make_action


def add_activities(action, n, **fields):
    workshop = ActivityType.objects.get(code="workshop")
    start = action.activities.count()
    for i in range(start, start + n):
        Activity.objects.create(action=action, sequence=i + 1, type=workshop, title={"en": f"Workshop {i + 1}"},
                                start_date=datetime.date(2030, 1, 1) + datetime.timedelta(days=i), **fields)


@pytest.mark.django_db
def test_the_requests_at_risk_page_shows_the_first_actions_and_links_to_all(client, officer):
    today = timezone.localdate()
    for k in range(panels.RISK_ROWS_SHOWN + 4):
        make_action(officer, requested_on=today - datetime.timedelta(days=100 + k))
    client.force_login(officer)
    response = client.get(reverse("intake:at_risk"))
    assert response.status_code == 200
    assert len(response.context["actions"]) == panels.RISK_ROWS_SHOWN
    assert reverse("actions:at_risk").encode() in response.content
    # The Actions' own page still lists every one of them.
    first = selectors.actions_at_risk(today=today)[0][0]
    assert response.context["actions"][0]["code"] == first.code
    assert f'<a href="{reverse("actions:detail", args=[first.code])}">{first}</a>'.encode() in response.content


@pytest.mark.django_db
def test_at_risk_reads_only_the_open_activities_of_actions_with_an_agreed_fiche(officer):
    today = timezone.localdate()
    waiting = make_action(officer, requested_on=today - datetime.timedelta(days=100))
    add_activities(waiting, 5)  # fiche not agreed: its activities say nothing about the risk
    agreed = make_action(officer, requested_on=today - datetime.timedelta(days=100))
    agreed.fiche_agreed_on = today - datetime.timedelta(days=5)
    agreed.save(update_fields=["fiche_agreed_on"])
    add_activities(agreed, 3, status=Activity.Status.DELIVERED)
    add_activities(agreed, 2)
    with CaptureQueriesContext(connection) as captured:
        rows = dict(selectors.actions_at_risk(today=today))
    assert set(rows) == {waiting, agreed}
    activity_reads = [q["sql"] for q in captured.captured_queries if 'FROM "actions_activity"' in q["sql"]
                      and q["sql"].startswith('SELECT "actions_activity"')]
    assert len(activity_reads) == 1
    open_activities, drafts = selectors._rule_reads([waiting, agreed])
    loaded = {a.pk for activities in open_activities.values() for a in activities}
    assert loaded == set(agreed.activities.filter(status=Activity.Status.PLANNED).values_list("pk", flat=True))
    assert set(open_activities) == {agreed.pk} and set(drafts) <= {waiting.pk}
    assert "waiting for the fiche agreement" in str(rows[waiting])


@pytest.mark.django_db
def test_the_api_action_answer_lists_ids_without_loading_the_activities(api_client, officer):
    action = make_action(officer)
    add_activities(action, 2)
    client = api_client(officer)
    url = f"/api/v1/actions/{action.code}"
    small, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200 and len(response.json()["activities"]) == 2
    add_activities(action, 30)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    large = len(captured.captured_queries)
    assert_flat(small, large)
    assert response.json()["activities"] == list(action.activities.order_by("sequence", "id").values_list("pk", flat=True))
    activity_reads = [q["sql"] for q in captured.captured_queries if 'FROM "actions_activity"' in q["sql"]]
    assert len(activity_reads) == 1 and '"actions_activity"."title"' not in activity_reads[0]
    assert not any('FROM "actions_ficheversion"' in q["sql"] for q in captured.captured_queries)
