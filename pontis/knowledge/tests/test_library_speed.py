"""The library list at size: its filter choices are exactly the themes, countries and years of the items the
reader may see, read without a DISTINCT over every link, and the list costs the same queries whatever the data."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from pontis.core.models import Country, ThematicArea
from pontis.knowledge import selectors
from pontis.knowledge.permissions import LibraryItemPolicy
from pontis.knowledge.tests.portal_factories import library_item
from tests.queries import assert_flat, count_queries

pytestmark = pytest.mark.django_db

URL = "/library/"


def _item(*, year: int, **fields):
    item = library_item(**fields)
    item.year = year
    item.save(update_fields=["year"])
    return item


def _items():
    """Items that share countries and themes (so a plain join would repeat them), of every visibility."""
    themes = list(ThematicArea.objects.order_by("code")[:3])
    countries = list(Country.objects.filter(code__in=("CV", "SN", "PE", "MX")).order_by("code"))
    for i, visibility in enumerate(("public", "public", "members", "staff", "public")):
        item = _item(visibility=visibility, year=2020 + i % 3)
        item.themes.set(themes[: 1 + i % 3])
        item.countries.set(countries[i % 2 : i % 2 + 2])
    staff_only = _item(visibility="staff", year=2011)
    staff_only.countries.set(Country.objects.filter(code="JP"))
    _item(status="draft", year=2009).countries.set(Country.objects.filter(code="BR"))


def _expected(user) -> dict:
    visible = LibraryItemPolicy().visible_to(user).values("pk")
    return {
        "themes": list(ThematicArea.objects.filter(library_items__in=visible).distinct()),
        "countries": list(Country.objects.filter(library_items__in=visible).distinct().order_by("code")),
        "years": sorted(
            {year for year in LibraryItemPolicy().visible_to(user).values_list("year", flat=True) if year is not None},
            reverse=True,
        ),
    }


def test_the_filter_choices_are_those_of_the_visible_items_each_once(officer, observer):
    _items()
    for user in (AnonymousUser(), observer, officer):
        choices = selectors.item_filter_choices(user)
        assert choices == _expected(user)
    public = selectors.item_filter_choices(AnonymousUser())
    assert "JP" not in {c.code for c in public["countries"]} and 2011 not in public["years"]
    assert "JP" in {c.code for c in selectors.item_filter_choices(officer)["countries"]}
    assert [c.code for c in public["countries"]] == ["CV", "MX", "PE"]


@pytest.mark.parametrize("role", ["anonymous", "officer"])
def test_the_list_costs_the_same_queries_at_two_sizes(role, officer):
    client = Client()
    if role == "officer":
        client.force_login(officer)
    _items()
    small, response = count_queries(lambda: client.get(URL))
    assert response.status_code == 200
    _items()
    _items()
    large, response = count_queries(lambda: client.get(URL))
    assert response.status_code == 200
    assert_flat(small, large)
    assert (
        response.context["page"].paginator.count
        == LibraryItemPolicy().visible_to(officer if role == "officer" else AnonymousUser()).count()
    )
