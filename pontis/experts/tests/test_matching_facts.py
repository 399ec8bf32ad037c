"""What matching reads, written as SQL statements: the same facts, context, ranking and explanation as the
querysets they replaced (kept below as the reference), and the ranking kept between visits."""

import datetime

import pytest
from django.db.models import Avg, CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from pontis.actions.models import Action, ActionPartner, Activity
from pontis.core.models import Country, EUMembership, Language
from pontis.experts import matching
from pontis.experts.models import (
    Deployment,
    Evaluation,
    ExpertLanguage,
    ExpertProfile,
    Unavailability,
)
from pontis.experts.services import refresh_last_deployed
from tests.queries import assert_flat, count_queries

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
TOPICS = ("border_management_policy", "document_fraud_and_document_security")


# ---------------------------------------------------------------- the querysets the statements replaced


def _union(parts):
    return parts[0].order_by().union(*(q.order_by() for q in parts[1:]), all=True)


def context_by_orm(activity) -> dict:
    action = activity.action
    start = activity.start_date or action.start_date or timezone.localdate()
    by_action = {"action_id": action.pk}
    countries = Action.countries.through.objects.filter(**by_action)
    eu = EUMembership.objects.filter(joined_on__lte=start).filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
    parts = [
        Action.topics.through.objects.filter(**by_action).values_list(Value(0), "topic_id"),
        Action.themes.through.objects.filter(**by_action).values_list(Value(1), "thematicarea_id"),
        Activity.languages.through.objects.filter(activity_id=activity.pk).values_list(Value(2), "language_id"),
        countries.values_list(Value(3), "country_id"),
        countries.filter(country__region__isnull=False).values_list(Value(4), "country__region_id"),
        ActionPartner.objects.filter(**by_action).values_list(Value(5), "institution_id"),
        eu.values_list(Value(6), "country_id"),
    ]
    if activity.country_id:
        parts.append(Country.objects.filter(pk=activity.country_id, region__isnull=False).values_list(Value(4), "region_id"))
    sets = [set() for _kind in range(7)]
    for kind, value in _union(parts):
        sets[kind].add(value)
    if activity.country_id:
        sets[3].add(activity.country_id)
    if action.region_id:
        sets[4].add(action.region_id)
    names = ("topic_ids", "theme_ids", "language_ids", "country_ids", "region_ids", "partner_institution_ids",
             "eu_country_ids")
    return dict(zip(names, sets, strict=True))


def facts_by_orm(ids, ctx) -> dict:
    links = matching.Facts.LINKS
    language, busy_kind, here_kind, elsewhere_kind = matching.Facts.LANGUAGE, matching.Facts.BUSY, \
        matching.Facts.HERE, matching.Facts.ELSEWHERE
    none = Value("", output_field=CharField())
    parts = [model.objects.filter(expertprofile_id__id_in=ids, **{f"{column}__id_in": getattr(ctx, wanted)})
             .values_list(Value(n), "expertprofile_id", column, none) for n, (wanted, model, column) in enumerate(links)]
    parts.append(ExpertProfile.countries_experience.through.objects.filter(
        expertprofile_id__id_in=ids, country__region_id__id_in=ctx.region_ids)
        .values_list(Value(matching.Facts.REGION), "expertprofile_id", "country__region_id", none))
    parts.append(ExpertLanguage.objects.filter(profile_id__id_in=ids).values_list(
        Value(language), "profile_id", "language_id", "level"))
    here = ctx.activity.pk
    parts.append(Deployment.objects.filter(profile_id__id_in=ids, status__in=("confirmed", "completed"),
                                           start_date__lte=ctx.end, end_date__gte=ctx.start)
                 .exclude(activity_id=here).values_list(Value(busy_kind), "profile_id", Value(0), none))
    deployed_here = Deployment.objects.filter(activity_id=here).exclude(status="cancelled")
    parts.append(deployed_here.filter(profile_id__id_in=ids).values_list(Value(here_kind), "profile_id", Value(0), none))
    parts.append(Deployment.objects.filter(profile_id__id_in=ids).exclude(status="cancelled").exclude(activity_id=here)
                 .filter(Exists(deployed_here.filter(profile_id=OuterRef("profile_id"))))
                 .values_list(Value(elsewhere_kind), "profile_id", Value(0), Cast("start_date", CharField())))
    parts.append(Unavailability.objects.filter(profile_id__id_in=ids, start_date__lte=ctx.end, end_date__gte=ctx.start)
                 .values_list(Value(busy_kind), "profile_id", Value(0), none))
    sets = [{} for _link in links]
    languages, busy, here_ids, elsewhere = {}, set(), set(), {}
    for kind, pid, value, level in _union(parts):
        if kind == language:
            languages.setdefault(pid, {})[value] = level
        elif kind == busy_kind:
            busy.add(pid)
        elif kind == here_kind:
            here_ids.add(pid)
        elif kind == elsewhere_kind:
            start = datetime.date.fromisoformat(str(level)[:10])
            elsewhere[pid] = max(start, elsewhere.get(pid, start))
        else:
            sets[kind].setdefault(pid, set()).add(value)
    rows = (Evaluation.objects.filter(deployment__profile_id__id_in=ids).values("deployment__profile_id")
            .annotate(a=Avg("expertise"), b=Avg("communication"), c=Avg("adaptation")))
    ratings = {r["deployment__profile_id"]: (r["a"] + r["b"] + r["c"]) / 3 for r in rows}
    return {"topics": sets[0], "themes": sets[1], "countries": sets[2], "regions": sets[3], "languages": languages,
            "busy": busy, "here": here_ids, "elsewhere": elsewhere, "ratings": ratings}


# ---------------------------------------------------------------- a roster that meets every branch


def _deploy(profile, activity, start, *, status="confirmed", days=2):
    return Deployment.objects.create(profile=profile, activity=activity, start_date=start,
                                     end_date=start + datetime.timedelta(days=days), status=status)


def _evaluate(deployment, marks, kind="staff"):
    Evaluation.objects.create(deployment=deployment, evaluator_kind=kind, expertise=marks[0], communication=marks[1],
                              adaptation=marks[2])


@pytest.fixture
def varied(institution):
    """An activity and a dozen candidates: busy elsewhere, deployed here (and before), evaluated with marks whose
    averages are not exact, away, speaking levels below and above the working ones, with countries and regions
    of experience, one of the partner institution, one of a country that left the EU."""
    start = TODAY + datetime.timedelta(days=40)
    activity = make_activity(topics=TOPICS, themes=("irregular_thb", "mad"), languages=("en", "fr"),
                             countries=("SN", "PE"), partners=[institution], start=start)
    other = make_activity(topics=TOPICS)
    past = make_activity(topics=TOPICS, start=TODAY - datetime.timedelta(days=400))
    EUMembership.objects.get_or_create(country=Country.objects.get(code="GB"), joined_on=datetime.date(1973, 1, 1),
                                       defaults={"left_on": datetime.date(2020, 1, 31)})
    people = [
        make_profile(topics=TOPICS, countries=("SN",), languages=(("en", "C2"), ("fr", "A2"))),
        make_profile(topics=TOPICS[:1], themes=("mad",), countries=("MX",), languages=(("fr", "B1"),)),
        make_profile(topics=TOPICS, nationality="GB", languages=(("en", "native"),), institution=institution),
        make_profile(topics=TOPICS, nationality=None, countries=("PE", "BR"), languages=(("en", "B2"),)),
        make_profile(topics=TOPICS, status="vetted", languages=(("en", "C1"),)),
        make_profile(topics=(), themes=("mad", "irregular_thb"), languages=(("en", "B2"), ("fr", "C2"))),
        make_profile(topics=TOPICS, languages=(("en", "A1"),)),
    ]
    people[0].regions_experience.set([Country.objects.get(code="SN").region])
    _deploy(people[0], other, start)  # busy elsewhere on the dates
    here = _deploy(people[1], activity, start)  # deployed here: neither busy nor "deployed recently"
    _evaluate(_deploy(people[1], past, TODAY - datetime.timedelta(days=400), status="completed"), (5, 4, 4))
    _deploy(people[2], other, start, status="cancelled")
    _evaluate(_deploy(people[2], past, TODAY - datetime.timedelta(days=400), status="completed"), (4, 4, 3))
    _evaluate(Deployment.objects.filter(profile=people[2], activity=past).get(), (2, 5, 3), kind="focal_point")
    _deploy(people[3], activity, start, status="cancelled")
    Unavailability.objects.create(profile=people[4], start_date=start - datetime.timedelta(days=1), end_date=start)
    Unavailability.objects.create(profile=people[5], start_date=start + datetime.timedelta(days=30),
                                  end_date=start + datetime.timedelta(days=31))
    for person in people:
        refresh_last_deployed(person)
    assert here.pk
    return activity, people


def test_facts_read_what_the_querysets_read(varied):
    activity, people = varied
    activity = Activity.objects.select_related("action").get(pk=activity.pk)
    ctx = matching.ActivityContext.of(activity)
    ids = [p.pk for p in people]

    facts = matching.Facts(ids, ctx)
    expected = facts_by_orm(ids, ctx)

    assert {name: getattr(facts, name) for name in expected} == expected
    assert facts.busy and facts.here and facts.elsewhere and facts.regions and len(facts.ratings) == 2
    assert facts.ratings[people[2].pk] == pytest.approx((4 + 4 + 3 + 2 + 5 + 3) / 6)


def test_the_activity_context_reads_what_the_querysets_read(varied):
    activity, _people = varied
    activity.country = Country.objects.get(code="MX")
    activity.save()
    activity = Activity.objects.select_related("action").get(pk=activity.pk)

    ctx = matching.ActivityContext.of(activity)

    assert {name: getattr(ctx, name) for name in context_by_orm(activity)} == context_by_orm(activity)
    assert Country.objects.get(code="GB").pk not in ctx.eu_country_ids
    assert ctx.partner_institution_ids and ctx.region_ids and ctx.language_ids


def test_ranking_and_explanations_follow_the_facts_the_querysets_read(varied, monkeypatch):
    """The ranking and each explanation from the statements equal those computed from the querysets' facts."""
    activity, people = varied
    activity = Activity.objects.select_related("action").get(pk=activity.pk)
    ids = [p.pk for p in people]
    ranked = matching.rank(activity, limit=0)
    explained = matching.explain(activity, ids)

    class ReferenceFacts(matching.Facts):
        def __init__(self, ids, ctx):
            for name, value in facts_by_orm(ids, ctx).items():
                setattr(self, name, value)

    monkeypatch.setattr(matching, "Facts", ReferenceFacts)
    expected_ranked = matching.rank(activity, limit=0)
    expected_explained = matching.explain(activity, ids)

    def seen(candidates):
        return [(c.profile.pk, c.score, c.parts, c.non_eu, c.partner_institution) for c in candidates]

    assert seen(ranked) == seen(expected_ranked) and len(ranked) >= 4
    assert seen(explained) == seen(expected_explained) and len(explained) == len(people)


# ---------------------------------------------------------------- the ranking kept between visits


@pytest.fixture
def kept(settings):
    settings.PONTIS_MATCHING_CACHE_SECONDS = 60
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_a_kept_ranking_is_the_same_and_costs_only_the_profiles(kept):
    activity = make_activity(topics=TOPICS)
    for n in range(4):
        make_profile(topics=TOPICS[: n % 2 + 1], family_name=f"Kept{n}")
    fresh = [(c.profile.pk, c.score, c.parts) for c in matching.rank(activity)]

    queries, again = count_queries(lambda: matching.rank(activity), warm=False)

    assert [(c.profile.pk, c.score, c.parts) for c in again] == fresh and len(fresh) == 4
    assert queries == 2  # the activity's sets (the key) and the profiles shown


def test_a_kept_ranking_shows_current_names_and_leaves_out_an_erased_expert(kept):
    activity = make_activity(topics=TOPICS)
    first, second = make_profile(topics=TOPICS), make_profile(topics=TOPICS)
    matching.rank(activity)

    ExpertProfile.objects.filter(pk=first.pk).update(family_name="Renamed")
    second.delete()

    assert [c.profile.family_name for c in matching.rank(activity)] == ["Renamed"]


def test_an_edited_activity_or_other_weights_are_ranked_afresh(kept):
    activity = make_activity(topics=TOPICS, languages=("en",))
    speaker = make_profile(topics=TOPICS, languages=(("fr", "C2"),))
    assert matching.rank(activity) == []

    activity.languages.set(Language.objects.filter(code="fr"))

    assert [c.profile.pk for c in matching.rank(activity)] == [speaker.pk]
    weights = {**matching.DEFAULT_WEIGHTS, "topic": 0}
    assert matching.ranking_key(matching.ActivityContext.of(activity), weights, 50) != matching.ranking_key(
        matching.ActivityContext.of(activity), matching.DEFAULT_WEIGHTS, 50)
    assert matching.rank(activity, weights)[0].score != matching.rank(activity)[0].score


@pytest.mark.parametrize("keep", [False, True])
def test_the_candidates_page_costs_the_same_queries_whatever_the_roster_size(client, officer, settings, keep):
    from django.core.cache import cache

    settings.PONTIS_MATCHING_CACHE_SECONDS = 60 if keep else 0
    client.force_login(officer)
    activity = make_activity(topics=TOPICS)

    def add(n):
        for _ in range(n):
            make_profile(topics=TOPICS)

    add(3)
    url = f"/experts/activities/{activity.pk}/"
    small, _response = count_queries(lambda: client.get(url))
    add(30)
    cache.clear()
    large, response = count_queries(lambda: client.get(url))

    assert_flat(small, large)
    assert len(response.context["ranked"]) == 33
