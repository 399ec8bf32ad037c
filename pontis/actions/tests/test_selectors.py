import datetime

import pytest
from django.utils import timezone

from pontis.actions import selectors
from pontis.actions.models import Action
from pontis.core.models import Country, ThematicArea

from .factories import make_action

pytestmark = pytest.mark.django_db


def test_percentile_is_interpolated():
    assert selectors.percentile([], 90) is None
    assert selectors.percentile([10], 90) == 10.0
    assert selectors.percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90) == 91.0


def test_process_stats_per_stage(officer):
    base = datetime.date(2024, 1, 1)
    for days in (30, 60, 90):
        action = make_action(officer, requested_on=base)
        Action.objects.filter(pk=action.pk).update(approved_on=base + datetime.timedelta(days=days // 3),
                                                   fiche_agreed_on=base + datetime.timedelta(days=days // 2),
                                                   launched_on=base + datetime.timedelta(days=days))
    stats = selectors.process_stats(date_from=base, date_to=base)
    by_key = {s["key"]: s for s in stats["stages"]}
    assert stats["actions"] == 3
    assert (by_key["request_to_launch"]["median"], by_key["request_to_launch"]["p90"]) == (60.0, 84.0)
    assert by_key["request_to_launch"]["within_target"] == 3
    assert by_key["request_to_decision"]["median"] == 20.0
    assert selectors.process_stats(theme="protection")["actions"] == 0


def test_at_risk_lists_old_unlaunched_actions_with_reason(officer):
    today = timezone.localdate()
    old = make_action(officer, requested_on=today - datetime.timedelta(days=95))
    make_action(officer, requested_on=today - datetime.timedelta(days=10))
    result = selectors.actions_at_risk(today=today)
    assert [a.pk for a, _r in result] == [old.pk]
    assert result[0][1] == "95 days since the request: the 90-day target is missed; waiting for the fiche agreement"


def test_complementarity_orders_by_relevance(officer):
    both = make_action(officer, countries=("PE",), themes=("legal",))
    country_only = make_action(officer, countries=("PE",), themes=("protection",))
    make_action(officer, countries=("CV",), themes=("mad",))
    qs = selectors.actions_for_complementarity(countries=Country.objects.filter(code="PE"),
                                               themes=ThematicArea.objects.filter(code="legal"))
    assert [a.pk for a in qs] == [both.pk, country_only.pk]


def test_expert_sees_no_action_without_deployment(expert_user, officer):
    make_action(officer)
    assert list(selectors.actions_for(expert_user)) == []
