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
    assert [a.pk for a in panel["actions"]][0] == both.pk and len(panel["actions"]) == 2

    for _ in range(COMPLEMENTARITY_SHOWN + 3):
        make_action(officer, countries=("CV",), themes=("legal",))
    large, response = count_queries(lambda: page(client, request.pk))
    panel = next(p for p in response.context["panels"] if p["template"].endswith("complementarity_panel.html"))
    assert len(panel["actions"]) == COMPLEMENTARITY_SHOWN
    assert panel["actions"][0].pk == both.pk  # sharing the country and the theme stays first
    assert panel["limited"] is True
    assert_flat(small, large)
