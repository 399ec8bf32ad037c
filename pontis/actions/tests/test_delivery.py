"""The 90-day clock stops on the actual day of delivery, a day that can be true; no stage time is negative."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from pontis.actions import selectors, services
from pontis.actions.models import Action, Activity
from pontis.core.errors import ValidationFailed
from pontis.core.models import AuditEvent

from .factories import agreed_action

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; a page read in another language earlier must not leak into them."""
    with translation.override("en"):
        yield


@pytest.fixture
def action(officer, focal_point, institution):
    return agreed_action(officer, focal_point, institution)  # requested 20 days ago; first activity starts in 10 days


def _confirmed(action, officer, *, start=None):
    activity = action.activities.order_by("sequence").first()
    if start is not None:
        services.activity_update(activity=activity, by=officer, start_date=start, end_date=start + 2 * DAY)
    services.activity_confirm(activity=activity, by=officer)
    return Activity.objects.get(pk=activity.pk)


def _unchanged(activity, action):
    activity.refresh_from_db()
    action.refresh_from_db()
    return (activity.status, activity.delivered_on, action.launched_on)


def test_an_activity_that_has_not_started_cannot_be_delivered(officer, action):
    # Given an activity planned to start in ten days
    activity = _confirmed(action, officer)
    assert activity.start_date > TODAY()
    # When it is marked delivered today, Then it is refused and the clock keeps running
    with pytest.raises(ValidationFailed) as refused:
        services.activity_deliver(activity=activity, by=officer, delivered_on=TODAY())
    assert refused.value.field == "delivered_on"
    assert "has not started yet" in str(refused.value.message)
    assert _unchanged(activity, action) == ("confirmed", None, None)
    assert not AuditEvent.objects.for_object(activity).filter(changes__status=["confirmed", "delivered"]).exists()
    assert action.clock()["launched"] is False


def test_delivery_date_is_required_and_bounded(officer, action):
    activity = _confirmed(action, officer, start=TODAY() - 5 * DAY)
    for day, words in ((None, "Give the date"), (TODAY() + DAY, "in the future"),
                       (TODAY() - 6 * DAY, "before the activity's start date")):
        with pytest.raises(ValidationFailed) as refused:
            services.activity_deliver(activity=activity, by=officer, delivered_on=day)
        assert words in str(refused.value.message)
        assert _unchanged(activity, action) == ("confirmed", None, None)


def test_delivery_cannot_precede_the_request(officer, action):
    # An activity dated before the request (typed in later) cannot make the clock run backwards
    activity = _confirmed(action, officer, start=action.requested_on - 10 * DAY)
    with pytest.raises(ValidationFailed) as refused:
        services.activity_deliver(activity=activity, by=officer, delivered_on=action.requested_on - DAY)
    assert "before the request" in str(refused.value.message)
    assert _unchanged(activity, action) == ("confirmed", None, None)


def test_the_actual_date_stops_the_clock_and_feeds_the_process_page(officer, action):
    # Given an activity that started 8 days ago and was delivered 6 days ago (the request was 20 days ago)
    activity = _confirmed(action, officer, start=TODAY() - 8 * DAY)
    services.activity_deliver(activity=activity, by=officer, delivered_on=TODAY() - 6 * DAY)
    action.refresh_from_db()
    # Then the clock stops at 14 days, not at today's 20
    assert (Activity.objects.get(pk=activity.pk).delivered_on, action.launched_on) == (TODAY() - 6 * DAY, TODAY() - 6 * DAY)
    assert action.clock()["days"] == 14 and action.clock()["launched"] is True
    stage = {s["key"]: s for s in selectors.process_stats()["stages"]}["request_to_launch"]
    assert (stage["count"], stage["median"]) == (1, 14.0)


def test_no_stage_time_is_negative(officer):
    # Given dates recorded out of order (a history import: launched before the fiche was agreed again)
    base = datetime.date(2024, 3, 1)
    Action.objects.create(code="2024-01", requested_on=base, approved_on=base + 10 * DAY, fiche_agreed_on=base + 40 * DAY,
                          launched_on=base + 30 * DAY)
    Action.objects.create(code="2024-02", requested_on=base + 5 * DAY, launched_on=base)
    # Then the process page counts those stages as taking no time, never fewer than zero days
    stages = {s["key"]: s for s in selectors.process_stats()["stages"]}
    assert (stages["fiche_to_launch"]["count"], stages["fiche_to_launch"]["median"]) == (1, 0.0)
    assert sorted([stages["request_to_launch"]["median"], stages["request_to_launch"]["p90"]]) == [15.0, 27.0]
    assert Action.objects.get(code="2024-02").clock()["days"] == 0


def test_deliver_form_offers_today_and_requires_a_date(client, officer, action):
    activity = _confirmed(action, officer, start=TODAY() - 3 * DAY)
    client.force_login(officer)
    page = client.get(reverse("actions:activity", args=[action.code, activity.pk])).content.decode()
    assert f'type="date" name="delivered_on" value="{TODAY().isoformat()}" required' in page
    url = reverse("actions:activity_move", args=[action.code, activity.pk, "deliver"])
    client.post(url, {"delivered_on": ""})
    assert _unchanged(activity, action) == ("confirmed", None, None)
    client.post(url, {"delivered_on": (TODAY() - DAY).isoformat()})
    assert _unchanged(activity, action) == ("delivered", TODAY() - DAY, TODAY() - DAY)


def test_deliver_api_requires_the_date(api_client, officer, action):
    activity = _confirmed(action, officer, start=TODAY() - 3 * DAY)
    client = api_client(officer)
    url = f"/api/v1/activities/{activity.pk}/deliver"
    missing = client.post(url, json.dumps({}), content_type="application/json")
    assert missing.status_code == 422
    future = client.post(url, json.dumps({"delivered_on": (TODAY() + DAY).isoformat()}), content_type="application/json")
    assert future.status_code == 422
    assert _unchanged(activity, action) == ("confirmed", None, None)
    done = client.post(url, json.dumps({"delivered_on": TODAY().isoformat()}), content_type="application/json")
    assert done.status_code == 200 and done.json()["delivered_on"] == TODAY().isoformat()


def test_migration_fills_the_delivery_date_of_earlier_deliveries(officer, action):
    from importlib import import_module

    from django.apps import apps

    fill = import_module("pontis.actions.migrations.0005_fill_activity_delivered_on").fill
    # Given two activities delivered before the date was recorded: one with its move in the history, one without
    first, second = action.activities.order_by("sequence")[:2]
    Activity.objects.filter(pk__in=[first.pk, second.pk]).update(status="delivered", delivered_on=None)
    AuditEvent.objects.create(action="transition", content_type_id=AuditEvent.objects.for_object(first).first().content_type_id,
                              object_id=str(first.pk), object_repr="x", changes={"status": ["confirmed", "delivered"]},
                              at=timezone.now() - 3 * DAY)
    # When the migration runs
    fill(apps, None)
    # Then each gets the day of its move, or its end date; the Action's clock stops at the earliest
    first.refresh_from_db()
    second.refresh_from_db()
    action.refresh_from_db()
    assert first.delivered_on == timezone.localdate(timezone.now() - 3 * DAY)
    assert second.delivered_on == second.end_date
    assert action.launched_on == min(first.delivered_on, second.delivered_on)
