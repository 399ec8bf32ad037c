"""Countries of experience count for their region: an expert who worked in Mexico or Colombia has regional
experience for an activity in Peru, without anyone ticking "Latin America" on the profile."""

import pytest

from pontis.core.models import Region
from pontis.experts import matching

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db
TOPICS = ("border_management_policy",)


def test_countries_of_experience_count_for_their_region():
    # Given a Peru activity and experts with experience in Peru, in Mexico and Colombia, in Senegal, or a region link
    activity = make_activity(topics=TOPICS, countries=("PE",))
    peru = make_profile(topics=TOPICS, countries=("PE",))
    neighbours = make_profile(topics=TOPICS, countries=("MX", "CO"))
    elsewhere = make_profile(topics=TOPICS, countries=("SN",))
    linked = make_profile(topics=TOPICS, countries=())
    linked.regions_experience.set([Region.objects.get(code="lac")])
    # When they are ranked
    region = {c.profile.pk: c.parts["region"] for c in matching.rank(activity)}
    # Then the country itself scores in full, its region's countries as regional experience, others nothing
    assert region == {peru.pk: 1.0, neighbours.pk: 0.6, linked.pk: 0.6, elsewhere.pk: 0.0}


def test_regional_experience_shows_in_the_experts_own_criteria():
    activity = make_activity(topics=TOPICS, countries=("PE",))
    expert = make_profile(topics=TOPICS, countries=("CO",))
    met = dict(matching.criteria_for_expert(expert, activity))
    assert met[matching.PARTS["region"]] is True


def test_region_credit_costs_no_extra_query(django_assert_num_queries):
    activity = make_activity(topics=TOPICS, countries=("PE",))
    for _n in range(3):
        make_profile(topics=TOPICS, countries=("MX",))
    ctx = matching.ActivityContext.of(activity)
    ids = matching.candidate_ids(ctx)
    with django_assert_num_queries(2):  # the UNION ALL of links, languages and busy periods; the evaluations
        facts = matching.Facts(ids, ctx)
    assert all(facts.regions[pid] == ctx.region_ids for pid in ids)
