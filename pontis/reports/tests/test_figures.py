"""Exact figures of the registry on a small known facility, built here (``world()``; the API and query-count tests
reuse it).

Actions (C is cancelled, so never counted):
- D 2012-01: Cabo Verde (West Africa), irregular_thb, 2012, imported from history (no request in Pontis);
- A 2019-01: Cabo Verde and Morocco (West Africa and EU Neighbourhood), legal, 2019-03-01 to 2020-06-30, imported,
  requested 2018-11-01, launched 2019-01-15 (75 days); deliverables: a policy adopted, a strategy endorsed;
- B 2022-01: Senegal (West Africa), legal and protection, from 2022-02-01, from request R1 (submitted 2021-12-01,
  approved 2022-01-10), launched 2022-04-01 (121 days); deliverables: a communication strategy adopted, a manual
  drafted; request R2 (Thailand, mad) submitted 2022-03-05 and rejected;
- C 2023-01: Thailand (Asia), mad, cancelled.
Activities: A1 (2019-05-10, delivered: 3 women, 4 men), B1 (2022-03-10, reported: 10 women, 8 men, 2 other), B2
(planned, 5 and 5: not counted). Experts: a Croatian government expert deployed in 2012 (before Croatia joined) and
in 2022; a British government expert deployed in 2019 (a member) and in 2022 (no longer); a French government
expert in 2022; a Senegalese academic in 2019; a German NGO expert whose only deployment was cancelled.
Feedback on B1: five reaction ratings 5, 4, 4, 2, 5 from five people.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from pontis.actions.models import Action, Activity, Deliverable
from pontis.core.models import ActivityType, Country, DeliverableType, ThematicArea
from pontis.experts.models import Deployment
from pontis.experts.tests.factories import make_profile
from pontis.feedback.tests.test_indicators_world import make_questionnaire, make_response, rating
from pontis.intake.models import Request
from pontis.reports.figures import registry
from pontis.reports.figures.filters import Filters
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
D = datetime.date
_seq = itertools.count(1)
ALL = Filters()  # no filter


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def action(code, *, countries, themes, start, end=None, status="ongoing", request=None, requested=None,
           launched=None):
    a = Action.objects.create(code=code, title={"en": f"Action {code}"}, start_date=start, end_date=end,
                              status=status, source_request=request, requested_on=requested, launched_on=launched)
    a.countries.set(Country.objects.filter(code__in=countries))
    a.themes.set(ThematicArea.objects.filter(code__in=themes))
    return a


def activity(a, day, *, status="delivered", women=None, men=None, other=None):
    return Activity.objects.create(action=a, type=ActivityType.objects.get(code="workshop"), title={"en": "Workshop"},
                                   sequence=next(_seq), start_date=day, end_date=day, status=status,
                                   participants_women=women, participants_men=men, participants_other=other)


def request(by, *, submitted, status, countries, themes, decided=None):
    r = Request.objects.create(title={"en": f"Request {next(_seq)}"}, submitted_by=by, submitted_at=at(submitted),
                               status=status, decided_at=at(decided) if decided else None)
    r.countries.set(Country.objects.filter(code__in=countries))
    r.themes.set(ThematicArea.objects.filter(code__in=themes))
    return r


def deploy(profile, act, start, *, status="completed"):
    return Deployment.objects.create(profile=profile, activity=act, start_date=start,
                                     end_date=start + datetime.timedelta(days=2), status=status)


def deliverable(a, type_code, status):
    return Deliverable.objects.create(action=a, type=DeliverableType.objects.get(code=type_code),
                                      title={"en": type_code}, status=status)


def world():
    focal = user_with_role("focal_point")
    r1 = request(focal, submitted=D(2021, 12, 1), decided=D(2022, 1, 10), status="approved", countries=["SN"],
                 themes=["legal"])
    request(focal, submitted=D(2022, 3, 5), decided=D(2022, 4, 1), status="rejected", countries=["TH"],
            themes=["mad"])
    Request.objects.create(title={"en": "A draft"}, submitted_by=focal)  # never submitted: never counted
    d = action("2012-01", countries=["CV"], themes=["irregular_thb"], start=D(2012, 1, 1), end=D(2012, 12, 31),
               status="completed")
    a = action("2019-01", countries=["CV", "MA"], themes=["legal"], start=D(2019, 3, 1), end=D(2020, 6, 30),
               status="completed", requested=D(2018, 11, 1), launched=D(2019, 1, 15))
    b = action("2022-01", countries=["SN"], themes=["legal", "protection"], start=D(2022, 2, 1), request=r1,
               requested=D(2021, 12, 1), launched=D(2022, 4, 1))
    action("2023-01", countries=["TH"], themes=["mad"], start=D(2023, 5, 1), status="cancelled")
    d1 = activity(d, D(2012, 5, 1))
    a1 = activity(a, D(2019, 5, 10), women=3, men=4)
    b1 = activity(b, D(2022, 3, 10), status="reported", women=10, men=8, other=2)
    activity(b, D(2022, 9, 1), status="planned", women=5, men=5)
    deliverable(a, "policy", "adopted")
    deliverable(a, "strategy", "endorsed")
    deliverable(b, "communication_strategy", "adopted")
    deliverable(b, "manual", "drafted")
    hr = make_profile(gender="male", nationality="HR", background="government")
    gb = make_profile(gender="female", nationality="GB", background="government")
    fr = make_profile(gender="female", nationality="FR", background="government")
    sn = make_profile(gender="male", nationality="SN", background="academia")
    de = make_profile(gender="male", nationality="DE", background="non_government_organisation")
    deploy(hr, d1, D(2012, 5, 1))
    deploy(hr, b1, D(2022, 3, 10))
    deploy(gb, a1, D(2019, 5, 10))
    deploy(gb, b1, D(2022, 3, 10))
    deploy(fr, b1, D(2022, 3, 10))
    deploy(sn, a1, D(2019, 5, 10))
    deploy(de, a1, D(2019, 5, 10), status="cancelled")
    q, version = make_questionnaire(activity=b1)
    for n, value in enumerate((5, 4, 4, 2, 5)):
        make_response(q, version, day=D(2022, 3, 11), answers=[rating(f"r{n}", value)])
    return {"A": a, "B": b, "D": d}


def value(figure_id, filters=ALL, *, reveal=True):
    result = registry.compute(figure_id, filters, reveal=reveal)
    if registry.get(figure_id).kind != registry.NUMBER and not result.rows:
        return {}
    return result.as_json()


def rows(figure_id, filters=ALL, *, reveal=True):
    return {r.key: r for r in registry.compute(figure_id, filters, reveal=reveal).rows}


@pytest.fixture
def facility():
    return world()


# ---------------------------------------------------------------- Actions and countries


def test_actions_total_leaves_out_the_cancelled_action_and_follows_the_filters(facility):
    assert value("actions.total") == 3
    assert value("actions.total", Filters(date_from=D(2022, 1, 1))) == 1  # A ended in 2020, D in 2012
    assert value("actions.total", Filters(date_to=D(2015, 1, 1))) == 1
    assert value("actions.total", Filters(region="eu_neighbourhood")) == 1  # A, through Morocco
    assert value("actions.total", Filters(theme="protection")) == 1
    assert value("actions.total", Filters(country="CV")) == 2
    assert value("actions.countries") == 3


def test_an_action_in_two_regions_counts_in_both(facility):
    by_region = value("actions.by_region")
    assert by_region["west_africa"] == 3 and by_region["eu_neighbourhood"] == 1 and by_region["asia"] == 0
    assert sum(by_region.values()) == 4  # more than the 3 Actions, as the definition says
    assert value("actions.by_region", Filters(region="eu_neighbourhood")) == {
        "ces_africa": 0, "west_africa": 1, "asia": 0, "eu_neighbourhood": 1, "lac": 0, "global": 0}


def test_an_action_with_two_themes_counts_in_both(facility):
    by_theme = value("actions.by_theme")
    assert (by_theme["legal"], by_theme["protection"], by_theme["irregular_thb"], by_theme["mad"]) == (2, 1, 1, 0)


def test_actions_by_year_of_start_and_by_country(facility):
    assert value("actions.by_year") == {"2012": 1, **{str(y): 0 for y in range(2013, 2019)}, "2019": 1, "2020": 0,
                                        "2021": 0, "2022": 1}
    assert value("actions.by_country") == {"CV": 2, "MA": 1, "SN": 1}
    assert registry.get("actions.by_country").chart == "map"


# ---------------------------------------------------------------- requests


def test_years_before_the_first_request_recorded_are_unknown_never_zero(facility):
    result = registry.compute("requests.received_by_year", Filters(), reveal=True)
    by_year = {r.key: r for r in result.rows}
    assert [k for k, r in by_year.items() if r.unknown] == [str(y) for y in range(2012, 2021)]
    assert all(r.value is None for r in by_year.values() if r.unknown)
    assert (by_year["2021"].value, by_year["2022"].value) == (1, 1)
    assert "2021" in result.note
    total = registry.compute("requests.received", Filters(), reveal=True)
    assert total.value == 2 and "2021" in total.note


def test_requests_approved_by_year_of_decision(facility):
    by_year = rows("requests.approved_by_year")
    assert by_year["2021"].value == 0 and by_year["2022"].value == 1 and by_year["2020"].unknown
    assert value("requests.approved") == 1
    assert value("requests.received", Filters(country="TH")) == 1


def test_a_period_before_any_request_is_unknown_as_a_whole(facility):
    result = registry.compute("requests.received", Filters(date_to=D(2019, 12, 31)), reveal=True)
    assert result.value is None and result.unknown and result.as_json() is None
    assert [r.key for r in registry.compute("requests.received_by_year", Filters(date_from=D(2019, 1, 1),
                                                                                   date_to=D(2019, 12, 31)),
                                            reveal=True).rows] == ["2019"]


# ---------------------------------------------------------------- deliverables


def test_deliverables_by_type_status_and_the_policies_adopted(facility):
    assert value("deliverables.by_type") == {"policy": 1, "strategy": 1, "manual": 1, "communication_strategy": 1}
    assert value("deliverables.by_status") == {"drafted": 1, "validated": 0, "endorsed": 1, "adopted": 2}
    assert value("deliverables.policies_adopted") == 1  # the communication strategy is no policy
    assert value("deliverables.policies_adopted", Filters(region="west_africa", date_from=D(2021, 1, 1))) == 0


# ---------------------------------------------------------------- experts


def test_experts_registered_and_deployed(facility):
    assert value("experts.registered") == 5
    assert value("experts.deployed") == 4 and value("experts.deployments") == 6
    assert value("experts.by_gender") == {"female": 2, "male": 2, "other": 0, "undisclosed": 0}
    assert value("experts.by_background")["government"] == 3


def test_eu_membership_is_judged_on_the_deployments_start_date(facility):
    assert value("experts.government_by_member_state") == {"FR": 1, "GB": 1, "HR": 1}
    assert value("experts.eu") == {"eu": 3, "non_eu": 1}
    since_2021 = Filters(date_from=D(2021, 1, 1))
    assert value("experts.government_by_member_state", since_2021) == {"FR": 1, "HR": 1}  # GB left in 2020
    assert value("experts.eu", since_2021) == {"eu": 2, "non_eu": 1}
    before_croatia = Filters(date_to=D(2013, 6, 30))
    assert value("experts.government_by_member_state", before_croatia) == {}
    assert value("experts.eu", before_croatia) == {"eu": 0, "non_eu": 1}


def test_experts_by_region_theme_and_year(facility):
    by_region = value("experts.by_region")
    assert (by_region["west_africa"], by_region["eu_neighbourhood"]) == (4, 2)
    by_theme = value("experts.by_theme")
    assert (by_theme["legal"], by_theme["protection"], by_theme["irregular_thb"]) == (4, 3, 1)
    by_year = value("experts.by_year")
    assert (by_year["2012"], by_year["2019"], by_year["2022"], by_year["2016"]) == (1, 2, 3, 0)


def test_a_small_group_is_suppressed_for_an_observer_but_not_for_an_officer(facility):
    hidden = rows("experts.by_gender", reveal=False)
    assert hidden["male"].value is None and hidden["male"].suppressed
    assert hidden["other"].value == 0 and not hidden["other"].suppressed  # nobody: nothing to hide
    assert rows("experts.by_gender", reveal=True)["male"].value == 2
    assert value("experts.deployed", reveal=False) == 4  # a total is no breakdown


# ---------------------------------------------------------------- participants


def test_participants_of_delivered_and_reported_activities(facility):
    assert value("participants.total") == 27
    assert value("participants.by_gender") == {"women": 13, "men": 12, "other": 2}
    assert value("participants.by_gender", reveal=False) == {"women": 13, "men": 12, "other": None}
    by_region = value("participants.by_region")
    assert (by_region["west_africa"], by_region["eu_neighbourhood"], by_region["asia"]) == (27, 7, 0)
    by_theme = value("participants.by_theme")
    assert (by_theme["legal"], by_theme["protection"], by_theme["mad"]) == (27, 20, 0)
    # D's activity of 2012 was delivered without participant figures: it adds none.
    assert value("participants.by_year") == {**{str(y): 0 for y in range(2012, 2019)}, "2019": 7, "2020": 0,
                                             "2021": 0, "2022": 20}
    assert value("participants.total", Filters(date_from=D(2020, 1, 1))) == 20


# ---------------------------------------------------------------- feedback and speed


def test_satisfaction_and_knowledge_gain_come_from_the_feedback_indicators(facility):
    satisfaction = registry.compute("feedback.satisfaction", Filters(), reveal=True)
    assert satisfaction.value == 0.8 and "4 satisfied answers of 5, from 5 people" in satisfaction.note
    assert value("feedback.satisfaction", Filters(region="asia")) is None
    assert value("feedback.knowledge_gain") is None  # no knowledge question was asked


def test_rapid_reaction(facility):
    assert value("speed.median_days") == 98  # 75 and 121 days
    assert value("speed.within_target") == 0.5
    assert value("speed.median_days", Filters(date_to=D(2020, 1, 1))) == 75


# ---------------------------------------------------------------- the registry itself


def test_every_figure_has_a_definition_a_unit_a_section_and_computes_on_an_empty_facility():
    sections = {"requests", "actions", "deliverables", "experts", "participants", "feedback", "speed"}
    for f in registry.all_figures():
        assert str(f.label) and len(str(f.definition)) > 40 and str(f.unit), f.id
        assert f.section in sections, f.id
        registry.compute(f.id, Filters(region="asia", theme="legal", country="TH", date_from=D(2020, 1, 1),
                                       date_to=D(2020, 12, 31)), reveal=False)
    assert {f.section for f in registry.all_figures()} == sections
