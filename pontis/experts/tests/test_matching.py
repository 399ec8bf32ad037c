import datetime

import pytest
from django.utils import timezone

from pontis.experts import matching
from pontis.experts.models import Deployment, Evaluation, Unavailability
from pontis.experts.services import refresh_last_deployed
from tests.queries import assert_flat, count_queries

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
TOPICS = ("border_management_policy", "document_fraud_and_document_security")


def order(activity, weights=None):
    return [c.profile.pk for c in matching.rank(activity, weights)]


def pair(**differences):
    """Two experts identical except for what the test varies."""
    base = dict(topics=TOPICS, languages=(("en", "C2"),), countries=("SN",))
    a = make_profile(**{**base, **differences.get("a", {})})
    b = make_profile(**{**base, **differences.get("b", {})})
    return a, b


def test_topic_fit_moves_the_ranking():
    a, b = pair(a={"topics": TOPICS[:1]}, b={})
    assert order(make_activity(topics=TOPICS)) == [b.pk, a.pk]


def test_language_level_moves_the_ranking():
    a, b = pair(a={"languages": (("fr", "B1"),)}, b={"languages": (("fr", "native"),)})
    assert order(make_activity(topics=TOPICS, languages=("fr",))) == [b.pk, a.pk]


def test_experts_without_a_working_level_in_the_language_are_not_candidates():
    a, b = pair(a={"languages": (("fr", "A2"),)}, b={"languages": (("fr", "C1"),)})
    assert order(make_activity(topics=TOPICS, languages=("fr",))) == [b.pk]


def test_country_experience_beats_none():
    a, b = pair(a={"countries": ()}, b={"countries": ("SN",)})
    assert order(make_activity(topics=TOPICS, countries=("SN",))) == [b.pk, a.pk]


def test_unavailability_moves_the_ranking():
    a, b = pair()
    activity = make_activity(topics=TOPICS)
    Unavailability.objects.create(profile=b, start_date=activity.start_date, end_date=activity.end_date)
    ranked = matching.rank(activity)
    assert [c.profile.pk for c in ranked] == [a.pk, b.pk]
    assert ranked[1].parts["availability"] == 0.0


def test_better_evaluations_move_the_ranking():
    a, b = pair()
    old = make_activity(start=TODAY - datetime.timedelta(days=900), topics=TOPICS)
    for profile, mark in ((a, 2), (b, 5)):
        dep = Deployment.objects.create(profile=profile, activity=old, start_date=old.start_date, end_date=old.end_date,
                                        status="completed")
        Evaluation.objects.create(deployment=dep, evaluator_kind="staff", expertise=mark, communication=mark, adaptation=mark)
    assert order(make_activity(topics=TOPICS)) == [b.pk, a.pk]


def test_rotation_favours_experts_not_deployed_recently():
    a, b = pair()
    recent = make_activity(start=TODAY - datetime.timedelta(days=20), topics=TOPICS)
    Deployment.objects.create(profile=a, activity=recent, start_date=recent.start_date, end_date=recent.end_date,
                              status="completed")
    refresh_last_deployed(a)
    ranked = matching.rank(make_activity(topics=TOPICS))
    assert [c.profile.pk for c in ranked] == [b.pk, a.pk]
    assert ranked[0].parts["rotation"] == 1.0 and ranked[1].parts["rotation"] < 0.2


def test_weights_change_the_order():
    a = make_profile(topics=TOPICS, countries=())
    b = make_profile(topics=TOPICS[:1], countries=("SN",))
    activity = make_activity(topics=TOPICS)
    topic_heavy = {k: 0 for k in matching.DEFAULT_WEIGHTS} | {"topic": 100}
    region_heavy = {k: 0 for k in matching.DEFAULT_WEIGHTS} | {"region": 100}
    assert order(activity, topic_heavy) == [a.pk, b.pk]
    assert order(activity, region_heavy) == [b.pk, a.pk]


def test_inactive_experts_are_never_candidates():
    make_profile(topics=TOPICS, status="vetted")
    assert order(make_activity(topics=TOPICS)) == []


def test_parse_weights_clamps_and_ignores_garbage():
    assert matching.parse_weights({"w_topic": "500", "w_language": "abc", "w_region": "-3"})["topic"] == 100
    weights = matching.parse_weights({"w_language": "abc", "w_region": "-3"})
    assert weights["language"] == matching.DEFAULT_WEIGHTS["language"] and weights["region"] == 0


def test_team_respects_composition_rules(institution):
    activity = make_activity(topics=TOPICS, partners=[institution])
    # The best four: EU government women, one from the partner institution.
    best = [make_profile(topics=TOPICS, gender="female", nationality="FR", background="government", countries=("SN",))
            for _ in range(3)]
    insider = make_profile(topics=TOPICS, gender="male", nationality="FR", background="academia", countries=("SN",),
                           institution=institution)
    weaker_non_eu_man = make_profile(topics=TOPICS[:1], gender="male", nationality="SN", background="academia")
    ranked = matching.rank(activity)
    plain, _ = matching.suggest_team(ranked, size=3, rules=())
    assert {c.profile.pk for c in plain} <= {p.pk for p in best + [insider]}
    team, result = matching.suggest_team(ranked, size=3, rules=["non_eu", "gender_balance", "mix", "no_partner"])
    ids = {c.profile.pk for c in team}
    assert result == {"non_eu": True, "gender_balance": True, "mix": True, "no_partner": True}
    assert weaker_non_eu_man.pk in ids and insider.pk not in ids and len(ids) == 3


def test_team_reports_a_rule_the_roster_cannot_meet():
    activity = make_activity(topics=TOPICS)
    for _ in range(3):
        make_profile(topics=TOPICS, nationality="FR")
    team, result = matching.suggest_team(matching.rank(activity), size=2, rules=["non_eu"])
    assert len(team) == 2 and result == {"non_eu": False}


def test_non_eu_uses_membership_on_the_activity_date():
    # The United Kingdom was a member until 31 January 2020.
    uk = make_profile(topics=TOPICS, nationality="GB")
    before = matching.rank(make_activity(topics=TOPICS, start=datetime.date(2015, 5, 1)))
    after = matching.rank(make_activity(topics=TOPICS, start=datetime.date(2022, 5, 1)))
    assert [c.non_eu for c in before if c.profile.pk == uk.pk] == [False]
    assert [c.non_eu for c in after if c.profile.pk == uk.pk] == [True]


def test_rank_query_count_does_not_grow():
    activity = make_activity(topics=TOPICS)
    for _ in range(3):
        make_profile(topics=TOPICS)
    small_count, small = count_queries(lambda: matching.rank(activity))
    for _ in range(30):
        make_profile(topics=TOPICS)
    large_count, large = count_queries(lambda: matching.rank(activity))
    assert (len(small), len(large)) == (3, 33)
    assert_flat(small_count, large_count)


def test_criteria_for_expert_shows_only_their_parts():
    profile = make_profile(topics=TOPICS, countries=())
    criteria = dict((str(k), v) for k, v in matching.criteria_for_expert(profile, make_activity(topics=TOPICS)))
    assert criteria[str(matching.PARTS["topic"])] is True
    assert criteria[str(matching.PARTS["region"])] is False
