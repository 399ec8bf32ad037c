"""The Actions list's filter and the Action Fiche page read only what they show: the same queries at any size.

The filter's options are rendered once per language (core.forms.CachedSelect), the selected one marked on each page;
the fiche page reads its Action and the fiche versions, not every activity of a large Action.
"""

import pytest
from django.urls import reverse

from pontis.actions.forms import ActionFilterForm
from pontis.core.models import Region, ThematicArea
from tests.queries import assert_flat, count_queries

from .factories import make_action
from .test_large_action_page import add_activities


@pytest.mark.django_db
def test_the_list_filter_offers_every_region_theme_and_status_and_marks_the_chosen_ones(client, officer):
    make_action(officer)
    client.force_login(officer)
    html = client.get(reverse("actions:list"), {"status": "design", "region": "asia", "theme": "legal"}).content.decode()
    for region in Region.objects.all():
        assert f'<option value="{region.code}"' in html
    for theme in ThematicArea.objects.filter(is_active=True):
        assert f'<option value="{theme.code}"' in html
    assert '<option value="design" selected>' in html and '<option value="asia" selected>' in html
    assert '<option value="legal" selected>' in html and '<option value="" selected>' not in html
    form = ActionFilterForm({"status": "design", "region": "asia", "theme": "legal"})
    assert form.is_valid() and form.cleaned_data["region"].code == "asia" and form.cleaned_data["theme"].code == "legal"


@pytest.mark.django_db
def test_the_list_reads_no_vocabulary_per_page_and_the_same_queries_at_any_size(client, officer):
    make_action(officer)
    client.force_login(officer)
    small, response = count_queries(lambda: client.get(reverse("actions:list")))
    assert len(response.context["page"].object_list) == 1
    for _ in range(6):
        make_action(officer, countries=("CV", "SN"), themes=("legal", "mad"))
    large, response = count_queries(lambda: client.get(reverse("actions:list")))
    assert len(response.context["page"].object_list) == 7
    assert_flat(small, large)


@pytest.mark.django_db
def test_the_fiche_page_costs_the_same_queries_however_many_activities_the_action_has(client, officer):
    action = make_action(officer)
    url = reverse("actions:fiche", args=[action.code])
    client.force_login(officer)
    small, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200 and response.context["version"].number == 1
    add_activities(action, 30)
    large, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200 and [v.number for v in response.context["versions"]] == [1]
    assert_flat(small, large)
