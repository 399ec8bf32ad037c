"""The Actions "at risk" page explains only the Actions of the page shown; an Action's page reads its activities
apart (the ones listed) and nothing of them it does not show; the Actions list shapes its rows in Python (the same
text as its templates); the process page's filter renders its options once per language. The same rows, in the
same queries at any size.

Before: the page explained every Action at risk (about 100 on the stress data, each with its open activities and
draft fiche) to show 25, and the Action's page loaded every activity with its country and languages and every
deliverable with its files and languages.
"""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from pontis.actions import selectors
from pontis.actions.forms import ProcessFilterForm
from pontis.actions.models import Action, Activity, Deliverable
from pontis.actions.views import dates_html
from pontis.core.models import ActivityType, DeliverableType, Region, ThematicArea
from tests.queries import assert_flat, count_queries

from .factories import make_action
from .test_large_action_page import add_activities


def _at_risk(officer, n, *, today):
    return [make_action(officer, requested_on=today - datetime.timedelta(days=100 + k)) for k in range(n)]


def _soon_without_experts(officer, *, today):
    """A recent Action (20 days) with an agreed fiche and an activity starting in 10 days: at risk only when nobody
    is confirmed on that activity."""
    action = make_action(officer, requested_on=today - datetime.timedelta(days=20))
    type(action).objects.filter(pk=action.pk).update(fiche_agreed_on=today - datetime.timedelta(days=5))
    Activity.objects.create(
        action=action,
        sequence=1,
        type=ActivityType.objects.get(code="workshop"),
        title={"en": "Soon"},
        start_date=today + datetime.timedelta(days=10),
    )
    return action


@pytest.mark.django_db
def test_the_pages_hold_the_same_rows_as_the_full_list_in_its_order(officer):
    today = timezone.localdate()
    _at_risk(officer, 30, today=today)
    recent = _soon_without_experts(officer, today=today)
    make_action(officer, requested_on=today - datetime.timedelta(days=10))  # not at risk
    full = selectors.actions_at_risk(today=today)
    pages = selectors.actions_at_risk_pages(today=today)
    assert pages.count() == len(full) == 31 and full[-1][0].pk == recent.pk
    for start, stop in ((0, 25), (25, 50), (29, 31), (30, 31), (5, 6)):
        assert [(a.pk, why) for a, why in pages[start:stop]] == [(a.pk, why) for a, why in full[start:stop]]
    assert pages[30][0].pk == recent.pk and [a.pk for a, _ in pages] == [a.pk for a, _ in full]


@pytest.mark.django_db
def test_the_page_explains_only_its_actions_in_the_same_queries_at_any_size(client, officer):
    today = timezone.localdate()
    _at_risk(officer, 2, today=today)
    _soon_without_experts(officer, today=today)
    client.force_login(officer)
    url = reverse("actions:at_risk")
    small, response = count_queries(lambda: client.get(url))
    assert response.context["page"].paginator.count == 3
    _at_risk(officer, 30, today=today)
    _soon_without_experts(officer, today=today)
    large, response = count_queries(lambda: client.get(url))
    page = response.context["page"]
    assert page.paginator.count == 34 and len(page.object_list) == 25
    assert_flat(small, large)
    last = client.get(url, {"page": 2})
    assert len(last.context["page"].object_list) == 9
    assert last.context["page"].object_list[-1][0].pk == selectors.actions_at_risk(today=today)[-1][0].pk


@pytest.mark.django_db
def test_the_action_page_lists_its_deliverables_and_activities_in_the_same_queries_at_any_size(client, officer):
    action = make_action(officer)
    add_activities(action, 2)
    kind = DeliverableType.objects.first()
    Deliverable.objects.create(action=action, type=kind, title={"en": "Report 0"})
    url = reverse("actions:detail", args=[action.code])
    client.force_login(officer)
    small, response = count_queries(lambda: client.get(url))
    assert response.context["activities_total"] == 2
    add_activities(action, 30)
    for k in range(1, 6):
        Deliverable.objects.create(action=action, type=kind, title={"en": f"Report {k}"})
    large, response = count_queries(lambda: client.get(url))
    html = response.content.decode()
    assert response.context["activities_total"] == 32 and len(response.context["activities"]) == 25
    assert [a.sequence for a in response.context["activities"]] == list(range(1, 26))
    for k in range(6):
        assert f"Report {k}</a>" in html
    assert_flat(small, large)


@pytest.mark.parametrize("language", ("en", "fr", "es", "pt", "ru"))
def test_the_dates_of_a_row_are_what_the_dates_template_renders(language):
    day1, day2 = datetime.date(2026, 1, 5), datetime.date(2026, 3, 9)
    cases = [
        (day1, day2, day1, day2),  # its own dates
        (day1, day2, None, None),  # from its activities
        (day1, day1, None, day1),
        (day1, None, day1, None),
        (None, day2, None, None),
        (None, None, None, None),
    ]
    with translation.override(language):
        for dates_from, dates_to, start, end in cases:
            action = Action(code="2026-001", start_date=start, end_date=end)
            action.dates_from, action.dates_to = dates_from, dates_to
            for explain in (False, True):
                expected = render_to_string("actions/_dates.html", {"action": action, "explain": explain})
                assert dates_html(action, explain=explain) == expected


@pytest.mark.django_db
def test_the_action_list_rows_show_title_region_themes_and_dates(client, officer):
    action = make_action(officer, themes=("legal", "mad"))
    client.force_login(officer)
    response = client.get(reverse("actions:list"))
    row = response.context["rows"][0]
    html = response.content.decode()
    assert row["action"].pk == action.pk and row["themes"] == "; ".join(str(t) for t in action.themes.all())
    assert f'<a href="{reverse("actions:detail", args=[action.code])}">{action.code}</a>' in html
    assert f"<td>{row['themes']}</td>" in html and f"<td>{row['dates']}</td>" in html


@pytest.mark.django_db
def test_the_process_filter_offers_every_region_and_theme_and_marks_the_chosen_ones(client, officer):
    client.force_login(officer)
    html = client.get(reverse("actions:process"), {"region": "asia", "theme": "legal"}).content.decode()
    for region in Region.objects.all():
        assert f'<option value="{region.code}"' in html
    for theme in ThematicArea.objects.filter(is_active=True):
        assert f'<option value="{theme.code}"' in html
    assert '<option value="asia" selected>' in html and '<option value="legal" selected>' in html
    form = ProcessFilterForm({"region": "asia", "theme": "legal"})
    assert form.is_valid() and form.cleaned_data["region"].code == "asia" and form.cleaned_data["theme"].code == "legal"
