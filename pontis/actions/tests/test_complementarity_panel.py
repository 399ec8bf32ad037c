"""The request page's complementarity panel lists the most relevant Actions, not all of them.

Before: every Action sharing a country or a theme was loaded and listed; at 20,000 Actions the request page took
10 s and grew with the facility's history.
"""

import pytest
from django.urls import reverse

from pontis.actions.panels import COMPLEMENTARITY_SHOWN
from tests.queries import assert_flat, count_queries

from .factories import approved_request, make_action


def page(client, pk):
    return client.get(reverse("intake:detail", args=[pk]))


@pytest.mark.django_db
def test_the_panel_shows_the_most_relevant_few_in_flat_queries(client, officer):
    request = approved_request(countries=("PE",), themes=("legal",))
    both = make_action(officer, countries=("PE",), themes=("legal",))
    make_action(officer, countries=("CV",), themes=("legal",))
    client.force_login(officer)
    small, response = count_queries(lambda: page(client, request.pk))
    panel = next(p for p in response.context["panels"] if p["template"].endswith("complementarity_panel.html"))
    assert panel["codes"][0] == both.code and len(panel["codes"]) == 2

    for _ in range(COMPLEMENTARITY_SHOWN + 3):
        make_action(officer, countries=("CV",), themes=("legal",))
    large, response = count_queries(lambda: page(client, request.pk))
    panel = next(p for p in response.context["panels"] if p["template"].endswith("complementarity_panel.html"))
    assert len(panel["codes"]) == COMPLEMENTARITY_SHOWN
    assert panel["codes"][0] == both.code  # sharing the country and the theme stays first
    assert panel["limited"] is True
    assert_flat(small, large)


@pytest.mark.django_db
def test_ranking_goes_tier_by_tier_and_more_shared_first(officer):
    """Sharing a country and a theme beats sharing two countries alone; within a tier, sharing more comes first;
    theme-only Actions come last. Each tier is read only while the panel is not full."""
    from pontis.actions import selectors
    from pontis.core.models import Country, ThematicArea

    countries, themes = Country.objects.filter(code__in=("PE", "CV")), ThematicArea.objects.filter(code__in=("legal", "mad"))
    theme_only = make_action(officer, countries=("SN",), themes=("legal", "mad"))
    two_countries = make_action(officer, countries=("PE", "CV"), themes=("protection",))
    one_country = make_action(officer, countries=("PE",), themes=("protection",))
    both_one = make_action(officer, countries=("PE",), themes=("legal",))
    both_more = make_action(officer, countries=("PE", "CV"), themes=("legal", "mad"))
    make_action(officer, countries=("SN",), themes=("protection",))  # shares nothing
    ranked = selectors.actions_for_complementarity(countries=countries, themes=themes, limit=10)
    assert [a.pk for a in ranked] == [both_more.pk, both_one.pk, two_countries.pk, one_country.pk, theme_only.pk]
    assert [a.pk for a in selectors.actions_for_complementarity(countries=countries, themes=themes, limit=2)] == [
        both_more.pk, both_one.pk]


@pytest.mark.django_db
def test_every_tier_read_in_flat_queries(client, officer):
    """When the first tiers do not fill the panel, the later ones are read: the same queries at two sizes."""
    request = approved_request(countries=("PE",), themes=("legal",))

    def one_per_tier():
        make_action(officer, countries=("PE",), themes=("legal",))
        make_action(officer, countries=("PE",), themes=("mad",))
        make_action(officer, countries=("CV",), themes=("legal",))

    one_per_tier()
    client.force_login(officer)
    small, _response = count_queries(lambda: page(client, request.pk))
    for _ in range(3):
        one_per_tier()
    large, response = count_queries(lambda: page(client, request.pk))
    panel = next(p for p in response.context["panels"] if p["template"].endswith("complementarity_panel.html"))
    assert len(panel["codes"]) == COMPLEMENTARITY_SHOWN  # 4 sharing both, 4 the country, 2 of 4 the theme
    assert_flat(small, large)
