"""Similar elsewhere: other countries only, precise reasons, visibility, pins and dismissals, flat queries."""

import pytest
from django.http import Http404

from pontis.actions.models import Action
from pontis.knowledge import meaning, similar
from pontis.knowledge.models import SimilarMark
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from . import similar_world
from .similar_world import THEME, TOPIC, make_item, make_past_action

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _meaning_off(settings):
    settings.PONTIS_MEANING_ENCODER = "off"


@pytest.fixture
def world():
    return similar_world.build()


def keys(suggestions):
    return {(s.kind, s.obj.pk) for s in suggestions}


def by_key(suggestions):
    return {(s.kind, s.obj.pk): s for s in suggestions}


def test_staff_see_past_work_from_other_countries_only(world):
    found = similar.similar_for(world.officer, "request", world.request.pk)
    assert keys(found) == {("action", world["senegal"].pk), ("action", world["peru"].pk),
                           ("action", world["own_action"].pk), ("practice", world["mexico_practice"].pk),
                           ("practice", world["mexico_staff"].pk)}
    for s in found:
        assert "CV" not in {c.code for c in s.obj.countries.all()}


def test_the_reasons_are_the_shared_things_with_their_weights(world):
    found = by_key(similar.similar_for(world.officer, "request", world.request.pk))
    senegal = found[("action", world["senegal"].pk)]
    reasons = {r.code: r for r in senegal.reasons}
    assert set(reasons) == {"theme", "topic", "region"}  # Senegal and Cabo Verde: both West Africa
    assert [str(t) for t in reasons["theme"].things] == ["Irregular Migration and Trafficking in Human Beings"]
    assert [str(t) for t in reasons["region"].things] == ["West Africa"]
    assert reasons["theme"].weight == similar.WEIGHTS["theme"]
    assert reasons["topic"].weight == similar.WEIGHTS["topic"]
    assert reasons["region"].weight == similar.WEIGHTS["region"]
    assert senegal.score == sum(r.weight for r in senegal.reasons) == 5
    peru = found[("action", world["peru"].pk)]
    assert {r.code for r in peru.reasons} == {"theme", "topic"} and peru.score == 4

    practice = found[("practice", world["mexico_practice"].pk)]
    concept = next(r for r in practice.reasons if r.code == "concept")
    assert concept.things == ["victim identification"]  # matched in the request's words
    assert {r.code for r in practice.reasons} == {"concept", "theme"}
    assert senegal.score > peru.score  # the region counts


def test_one_shared_theme_alone_is_not_enough(world):
    found = keys(similar.similar_for(world.officer, "request", world.request.pk))
    assert ("action", world["peru_theme_only"].pk) not in found
    assert ("action", world["design"].pk) not in found  # not past work
    assert ("action", world["cabo_verde"].pk) not in found  # the same country
    assert ("practice", world["mexico_draft"].pk) not in found


def test_a_focal_point_sees_neither_staff_items_nor_other_institutions_actions(world):
    found = similar.similar_for(world.focal_point, "request", world.request.pk)
    assert keys(found) == {("action", world["own_action"].pk), ("practice", world["mexico_practice"].pk)}
    # The expert of the practice is counted, not named.
    practice = by_key(found)[("practice", world["mexico_practice"].pk)]
    assert practice.experts == {"names": [], "count": 1}


def test_experts_are_named_for_staff_and_for_themselves(world):
    staff = by_key(similar.similar_for(world.officer, "request", world.request.pk))
    assert staff[("action", world["senegal"].pk)].experts == {"names": ["Ana Referral"], "count": 1}
    assert staff[("practice", world["mexico_practice"].pk)].experts == {"names": ["Ana Referral"], "count": 1}

    # The expert reads the practice's page: their own name only.
    expert_user = user_with_role("expert")
    profile = world["expert"]
    profile.user = expert_user
    profile.save(update_fields=["user"])
    other = make_item(countries=("PE",), concepts=[world.concept], experts=[profile, similar_world.make_profile()])
    found = by_key(similar.similar_for(expert_user, "practice", world["mexico_practice"].pk))
    assert found[("practice", other.pk)].experts == {"names": ["Ana Referral"], "count": 2}


def test_a_source_the_reader_may_not_see_is_not_found(world):
    stranger = user_with_role("focal_point")
    with pytest.raises(Http404):
        similar.similar_for(stranger, "request", world.request.pk)
    with pytest.raises(Http404):
        similar.similar_for(world.focal_point, "practice", world["mexico_staff"].pk)
    with pytest.raises(Http404):
        similar.similar_for(world.officer, "nonsense", world.request.pk)
    # The committee sees the request when forwarded, but suggestions are for staff and the requester.
    with pytest.raises(Http404):
        similar.similar_for(user_with_role("committee"), "request", world.request.pk)


def test_never_the_source_itself_and_never_its_country(world):
    source = world["senegal"]
    found = similar.similar_for(world.officer, "action", source.pk)
    assert ("action", source.pk) not in keys(found)
    for s in found:
        assert "SN" not in {c.code for c in s.obj.countries.all()}
    assert ("action", world["peru"].pk) in keys(found)
    item = world["mexico_practice"]
    found = similar.similar_for(world.officer, "practice", item.pk)
    assert ("practice", item.pk) not in keys(found)
    assert ("practice", world["mexico_staff"].pk) not in keys(found)  # Mexico too


def test_shared_deliverable_types_are_a_reason(world):
    source = make_past_action(countries=("PE",), topics=(), deliverable_types=("standard_operating_procedure",))
    found = by_key(similar.similar_for(world.officer, "action", source.pk))
    senegal = found[("action", world["senegal"].pk)]
    assert {r.code for r in senegal.reasons} == {"theme", "deliverable_type"}
    assert [str(t) for t in next(r for r in senegal.reasons if r.code == "deliverable_type").things] == [
        "Standard operating procedure"]


def test_meaning_is_a_reason_above_the_threshold(world, monkeypatch):
    loose = make_item(countries=("PE",), topics=())  # shares the theme only
    cosines = {("practice", loose.pk): 0.6}
    monkeypatch.setattr(meaning, "similar_to", lambda kind, pk, pairs: {p: c for p, c in cosines.items() if p in pairs})
    found = by_key(similar.similar_for(world.officer, "request", world.request.pk))
    assert {r.code for r in found[("practice", loose.pk)].reasons} == {"theme", "meaning"}
    cosines[("practice", loose.pk)] = 0.3
    assert ("practice", loose.pk) not in keys(similar.similar_for(world.officer, "request", world.request.pk))


def test_pins_come_first_and_dismissed_are_gone(world):
    source = ("request", world.request.pk)
    before = similar.similar_for(world.officer, *source)
    last = before[-1]
    similar.similar_mark_set(by=world.officer, source_kind="request", source_id=world.request.pk,
                             target_kind=last.kind, target_id=last.obj.pk, mark=SimilarMark.Mark.PINNED)
    after = similar.similar_for(world.officer, *source)
    assert (after[0].kind, after[0].obj.pk) == (last.kind, last.obj.pk) and after[0].pinned

    senegal = world["senegal"]
    for _ in range(2):  # twice: one row
        similar.similar_mark_set(by=world.officer, source_kind="request", source_id=world.request.pk,
                                 target_kind="action", target_id=senegal.pk, mark=SimilarMark.Mark.DISMISSED)
    assert SimilarMark.objects.filter(target_kind="action", target_id=senegal.pk).count() == 1
    assert ("action", senegal.pk) not in keys(similar.similar_for(world.officer, *source))
    # ...for this source only.
    assert ("action", senegal.pk) in keys(similar.similar_for(world.officer, "action", world["peru"].pk))

    similar.similar_mark_clear(by=world.officer, source_kind="request", source_id=world.request.pk)
    assert not SimilarMark.objects.exists()
    assert ("action", senegal.pk) in keys(similar.similar_for(world.officer, *source))


def test_only_staff_mark_and_nothing_changes_when_refused(world):
    from pontis.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        similar.similar_mark_set(by=world.focal_point, source_kind="request", source_id=world.request.pk,
                                 target_kind="action", target_id=world["own_action"].pk, mark=SimilarMark.Mark.PINNED)
    assert not SimilarMark.objects.exists()


def test_a_pinned_target_stays_invisible_to_who_may_not_see_it(world):
    similar.similar_mark_set(by=world.officer, source_kind="request", source_id=world.request.pk,
                             target_kind="practice", target_id=world["mexico_staff"].pk, mark=SimilarMark.Mark.PINNED)
    assert ("practice", world["mexico_staff"].pk) not in keys(
        similar.similar_for(world.focal_point, "request", world.request.pk))


def test_queries_do_not_grow_with_the_data(world):
    def call():
        return similar.similar_for(world.officer, "request", world.request.pk)

    small, found = count_queries(call)
    assert found
    expert = world["expert"]
    for i in range(12):
        action = make_past_action(countries=("SN", "PE")[i % 2:i % 2 + 1], topics=(TOPIC,),
                                  deliverable_types=("standard_operating_procedure",))
        similar_world.deploy(action, expert)
        make_item(countries=("MX",), themes=(THEME,), topics=(TOPIC,), concepts=[world.concept], experts=[expert])
    large, found = count_queries(call)
    assert len(found) == similar.SHOWN
    assert_flat(small, large)


def test_ongoing_actions_without_delivered_activities_are_not_past_work(world):
    fresh = make_past_action(countries=("SN",), topics=(TOPIC,), status=Action.Status.ONGOING, delivered=False)
    assert ("action", fresh.pk) not in keys(similar.similar_for(world.officer, "request", world.request.pk))
