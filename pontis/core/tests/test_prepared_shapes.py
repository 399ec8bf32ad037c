"""``core.awaiting.prepared_rows`` answers what the queryset answers, whatever its shape: model instances, tuples of
a ``values_list()`` (annotations named among fields included, in the order named), single values of a flat one,
and a text stand-in (a slug or code compared with ``=``); a ``values()`` queryset (dicts) is not kept and runs as
it is. Each is asked twice with different values, so the second answer comes from the kept statement."""

import pytest
from django.db.models import F, IntegerField, TextField, Value
from django.db.models.functions import Cast

from pontis.core import awaiting
from pontis.core.models import Country, ThematicArea

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    awaiting.forget_prepared()
    yield
    awaiting.forget_prepared()


def _two_countries():
    return list(Country.objects.order_by("pk").values_list("pk", "code")[:2])


def _kept(key) -> bool:
    """Whether the statement ``key`` was kept (not left to run as an ordinary queryset)."""
    (prepared,) = [prepared for cache_key, prepared in awaiting._prepared.items() if cache_key[0] == key]
    return prepared is not None


def _ask(key, build, values_list, **kinds):
    """Each of ``values_list`` through the kept statement, and what the queryset answers for it."""
    return [(awaiting.prepared_rows(key, build, values, **kinds), list(build(**values))) for values in values_list]


def test_tuples_in_the_order_named_with_annotations_among_fields():
    (a, _), (b, _) = _two_countries()

    def build(country):
        return (Country.objects.filter(pk=country).annotate(name_text=Cast("name", TextField()), one=Value(1))
                .values_list("one", "code", "name_text", "pk"))

    for kept, queryset in _ask("shapes.tuples", build, [{"country": a}, {"country": b}]):
        assert kept == queryset and kept and type(kept[0]) is tuple
    assert _kept("shapes.tuples")


def test_flat_values_and_a_union():
    (a, _), (b, _) = _two_countries()

    def flat(country):
        return Country.objects.filter(pk=country).values_list("code", flat=True)

    def union(country):
        kind = Value(0, output_field=IntegerField())
        return (Country.objects.filter(pk=country).order_by().annotate(kind=kind, place=F("pk"))
                .values_list("kind", "place", "code")
                .union(ThematicArea.objects.order_by().annotate(kind=Value(1, output_field=IntegerField()),
                                                                place=F("sort_order")).values_list("kind", "place", "code"),
                       all=True)
                .order_by("kind", "place", "code"))

    for kept, queryset in _ask("shapes.flat", flat, [{"country": a}, {"country": b}]):
        assert kept == queryset and type(kept[0]) is str
    for kept, queryset in _ask("shapes.union", union, [{"country": a}, {"country": b}]):
        assert kept == queryset and kept[0][0] == 0
    assert _kept("shapes.flat") and _kept("shapes.union")


def test_a_text_stand_in():
    (_, a), (_, b) = _two_countries()

    def build(code):
        return Country.objects.filter(code=code).values_list("pk", "code")

    answers = _ask("shapes.text", build, [{"code": a}, {"code": b}, {"code": "no such code"}], texts=("code",))
    for kept, queryset in answers:
        assert kept == queryset
    assert answers[0][0][0][1] == a and answers[1][0][0][1] == b and answers[2][0] == []
    assert _kept("shapes.text")


def test_model_instances_and_dicts():
    (a, _), (b, _) = _two_countries()

    def instances(country):
        return Country.objects.filter(pk=country)

    def dicts(country):
        return Country.objects.filter(pk=country).values("pk", "code")

    for kept, queryset in _ask("shapes.models", instances, [{"country": a}, {"country": b}]):
        assert [(c.pk, c.code, c.name) for c in kept] == [(c.pk, c.code, c.name) for c in queryset]
        assert isinstance(kept[0], Country)
    assert _kept("shapes.models")
    for kept, queryset in _ask("shapes.dicts", dicts, [{"country": a}, {"country": b}]):
        assert kept == queryset and type(kept[0]) is dict
    assert not _kept("shapes.dicts")
