"""Similar elsewhere ranks its candidates by how much they share before loading them: the most shared first,
then the newest, at most ``CANDIDATES_PER_KIND`` loaded, in a number of queries that does not grow with the data."""

import pytest

from pontis.actions.models import Action
from pontis.knowledge import similar
from tests.queries import assert_flat, count_queries

from . import similar_world
from .similar_world import OTHER_TOPIC, TOPIC, make_item, make_past_action

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _meaning_off(settings):
    settings.PONTIS_MEANING_ENCODER = "off"


@pytest.fixture
def world():
    return similar_world.build()


def _candidates(world):
    source = similar.build_source("request", world.request)
    wide, theme_ids, topic_ids = similar._concept_tags(source)
    actions = similar.candidate_actions(world.officer, source, theme_ids, topic_ids, set(), set())
    items = similar.candidate_items(world.officer, source, wide, theme_ids, topic_ids, set(), set())
    return actions, items


def test_the_candidates_kept_are_those_sharing_most(world, monkeypatch):
    theme_only = [make_past_action(countries=("PE",), topics=(OTHER_TOPIC,)) for _n in range(3)]
    monkeypatch.setattr(similar, "CANDIDATES_PER_KIND", 3)
    actions, _items = _candidates(world)
    # Sharing the theme and the topic beats sharing the theme only; among equals the most recently closed first.
    shared_both = {world["senegal"].pk, world["peru"].pk, world["own_action"].pk}
    assert {a.pk for a in actions} == shared_both
    assert not {a.pk for a in actions} & {a.pk for a in theme_only}


def test_among_equals_the_newest_comes_first_and_ongoing_actions_last(world):
    actions, _items = _candidates(world)
    assert actions, "the world has candidates"
    ongoing = [a for a in actions if a.status == Action.Status.ONGOING]
    completed = [a for a in actions if a.status == Action.Status.COMPLETED]
    shared = {a.pk: len({t.code for t in a.themes.all()} | {t.code for t in a.topics.all()}) for a in actions}
    for earlier, later in zip(actions, actions[1:], strict=False):
        assert shared[earlier.pk] >= shared[later.pk]
    if ongoing and completed and shared[ongoing[0].pk] == shared[completed[-1].pk]:
        # No closing date sorts after every closing date among equally shared Actions.
        assert actions.index(ongoing[0]) > actions.index(completed[-1])


def test_pinned_candidates_come_first_even_sharing_less(world):
    theme_only = make_past_action(countries=("PE",), topics=(OTHER_TOPIC,))
    source = similar.build_source("request", world.request)
    wide, theme_ids, topic_ids = similar._concept_tags(source)
    actions = similar.candidate_actions(world.officer, source, theme_ids, topic_ids, {("action", theme_only.pk)}, set())
    assert actions[0].pk == theme_only.pk


def test_the_panel_costs_the_same_queries_with_many_more_candidates(world):
    small, found = count_queries(lambda: similar.similar_for(world.officer, "request", world.request.pk))
    for _n in range(8):
        make_past_action(countries=("SN",), topics=(TOPIC,))
        make_item(countries=("MX",), concepts=[world.concept])
    large, more = count_queries(lambda: similar.similar_for(world.officer, "request", world.request.pk))
    assert len(more) >= len(found)
    assert_flat(small, large)
