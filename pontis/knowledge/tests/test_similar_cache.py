"""Similar elsewhere keeps a computed list of suggestions for a short time, per reader and per state of the source:
a pin, a dismissal or a change to the source shows at once, another reader or another language never gets it."""

import pytest
from django.core.cache import cache
from django.utils import translation

from pontis.core.models import Topic
from pontis.knowledge import similar
from pontis.knowledge.models import SimilarMark
from tests.factories import user_with_role
from tests.queries import count_queries

from . import similar_world
from .similar_world import OTHER_TOPIC, TOPIC, make_past_action

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.PONTIS_MEANING_ENCODER = "off"
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    settings.PONTIS_SIMILAR_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    return similar_world.build()


def keys(suggestions):
    return [(s.kind, s.obj.pk) for s in suggestions]


def _fresh(world, *args):
    """What the panel would show computed now, the kept list aside."""
    cache.clear()
    return keys(similar.similar_for(*args))


def test_a_kept_list_is_the_computed_one_and_costs_fewer_queries(world):
    def call():
        return similar.similar_for(world.officer, "request", world.request.pk)

    first, computed = count_queries(call, warm=False)
    again, kept = count_queries(call, warm=False)
    assert keys(kept) == keys(computed) and kept
    assert [(s.score, s.experts, [(r.code, r.things) for r in s.reasons]) for s in kept] == [
        (s.score, s.experts, [(r.code, r.things) for r in s.reasons]) for s in computed
    ]
    assert again < first


def test_a_pin_and_a_dismissal_show_at_once(world):
    before = keys(similar.similar_for(world.officer, "request", world.request.pk))
    last = before[-1]
    similar.similar_mark_set(
        by=world.officer,
        source_kind="request",
        source_id=world.request.pk,
        target_kind=last[0],
        target_id=last[1],
        mark=SimilarMark.Mark.PINNED,
    )
    assert keys(similar.similar_for(world.officer, "request", world.request.pk))[0] == last
    similar.similar_mark_set(
        by=world.officer,
        source_kind="request",
        source_id=world.request.pk,
        target_kind="action",
        target_id=world["senegal"].pk,
        mark=SimilarMark.Mark.DISMISSED,
    )
    assert ("action", world["senegal"].pk) not in keys(similar.similar_for(world.officer, "request", world.request.pk))
    similar.similar_mark_clear(by=world.officer, source_kind="request", source_id=world.request.pk)
    assert keys(similar.similar_for(world.officer, "request", world.request.pk)) == before


def test_a_change_to_the_source_shows_at_once(world):
    before = keys(similar.similar_for(world.officer, "request", world.request.pk))
    world.request.topics.set(Topic.objects.filter(code=OTHER_TOPIC))
    after = keys(similar.similar_for(world.officer, "request", world.request.pk))
    assert after != before
    assert after == _fresh(world, world.officer, "request", world.request.pk)


def test_each_reader_and_each_language_has_its_own_list(world):
    officer = similar.similar_for(world.officer, "request", world.request.pk)
    focal = similar.similar_for(world.focal_point, "request", world.request.pk)
    assert ("practice", world["mexico_staff"].pk) in keys(officer)
    assert ("practice", world["mexico_staff"].pk) not in keys(focal)
    assert keys(focal) == _fresh(world, world.focal_point, "request", world.request.pk)
    # Another officer with the same roles still gets a list computed for them.
    other = user_with_role("officer")
    assert keys(similar.similar_for(other, "request", world.request.pk)) == keys(officer)
    with translation.override("fr"):
        french = similar.similar_for(world.officer, "request", world.request.pk)
    senegal = next(s for s in french if s.obj.pk == world["senegal"].pk)
    theme = next(r for r in senegal.reasons if r.code == "theme")
    assert (
        theme.things
        != next(r for r in next(s for s in officer if s.obj.pk == world["senegal"].pk).reasons if r.code == "theme").things
    )


def test_other_data_shows_once_the_list_expires_and_at_once_when_nothing_is_kept(world, settings):
    similar.similar_for(world.officer, "request", world.request.pk)
    newer = make_past_action(countries=("SN",), topics=(TOPIC,))
    assert ("action", newer.pk) not in keys(similar.similar_for(world.officer, "request", world.request.pk))
    cache.clear()  # what expiry does
    assert ("action", newer.pk) in keys(similar.similar_for(world.officer, "request", world.request.pk))
    settings.PONTIS_SIMILAR_CACHE_SECONDS = 0
    later = make_past_action(countries=("SN",), topics=(TOPIC,))
    assert ("action", later.pk) in keys(similar.similar_for(world.officer, "request", world.request.pk))
