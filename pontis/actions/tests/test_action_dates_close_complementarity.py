"""Action dates come from the activities while the Action has none; "Close the Action" only when it can be
closed; the complementarity panel says what each Action shares with the request."""

import datetime

import pytest
from django.urls import reverse

from pontis.actions import selectors, services
from pontis.actions.models import Action, Activity
from tests.queries import assert_flat, count_queries

from .factories import agreed_action, all_scores, approved_request, make_action, workshop

pytestmark = pytest.mark.django_db

D = datetime.date


def fmt(day):
    """A date as the pages mark it up (its text is the language's format)."""
    return f'<time datetime="{day.isoformat()}">'



def dated_action(officer, start, end, **kwargs):
    action = make_action(officer, **kwargs)
    services.activity_create(action=action, by=officer, type=workshop(), start_date=start, end_date=start)
    services.activity_create(action=action, by=officer, type=workshop(), start_date=end - datetime.timedelta(days=2),
                             end_date=end)
    services.activity_create(action=action, by=officer, type=workshop())  # not dated yet
    return action


def test_list_and_page_show_the_activities_dates_when_the_action_has_none(client, officer):
    action = dated_action(officer, D(2031, 3, 3), D(2031, 6, 30))
    client.force_login(officer)

    listed = client.get(reverse("actions:list")).content.decode()
    detail = client.get(reverse("actions:detail", args=[action.code])).content.decode()

    for html in (listed, detail):
        assert fmt(D(2031, 3, 3)) in html and fmt(D(2031, 6, 30)) in html
        assert "? – ?" not in html
    assert "(from its activities)" in detail

    Action.objects.filter(pk=action.pk).update(start_date=D(2031, 1, 15), end_date=D(2031, 12, 31))
    detail = client.get(reverse("actions:detail", args=[action.code])).content.decode()
    assert fmt(D(2031, 1, 15)) in detail and fmt(D(2031, 12, 31)) in detail and "(from its activities)" not in detail


def test_an_action_without_dated_activities_says_so(client, officer):
    action = make_action(officer)
    client.force_login(officer)
    assert "Not dated yet" in client.get(reverse("actions:detail", args=[action.code])).content.decode()


def test_the_list_reads_the_dates_in_the_same_queries_however_many_rows(client, officer):
    dated_action(officer, D(2031, 3, 3), D(2031, 6, 30))
    client.force_login(officer)
    small, _ = count_queries(lambda: client.get(reverse("actions:list")))
    for month in range(1, 9):
        dated_action(officer, D(2031, month, 1), D(2031, month, 20))
    large, response = count_queries(lambda: client.get(reverse("actions:list")))
    assert response.content.decode().count("</time> – <time") == 9
    assert_flat(small, large)


def test_close_is_offered_only_when_the_service_would_close(client, officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    assert action.status == Action.Status.ONGOING and action.activities.count() == 2
    client.force_login(officer)
    close_url = reverse("actions:close", args=[action.code])

    html = client.get(reverse("actions:detail", args=[action.code])).content.decode()
    assert close_url not in html
    assert "2 activities are not yet reported or cancelled." in html
    assert services.action_close_blockers(action) == {"activities": "2 activities are not yet reported or cancelled."}

    Activity.objects.filter(action=action).update(status=Activity.Status.REPORTED)
    html = client.get(reverse("actions:detail", args=[action.code])).content.decode()
    assert close_url in html and "not yet reported" not in html
    assert services.action_close_blockers(action) == {}
    services.action_close(action=action, by=officer, final_report="Done.", lessons_learnt="Many.", scores=all_scores())
    html = client.get(reverse("actions:detail", args=[action.code])).content.decode()
    assert close_url not in html


def test_the_complementarity_panel_names_what_each_action_shares(client, officer):
    request = approved_request(countries=("PE",), themes=("irregular_thb",))
    both = make_action(officer, countries=("PE",), themes=("irregular_thb",))
    country_only = make_action(officer, countries=("PE",), themes=("legal",))
    niger = make_action(officer, countries=("NE",), themes=("irregular_thb",))
    thailand = make_action(officer, countries=("TH",), themes=("irregular_thb",))

    ranked = selectors.actions_for_complementarity(countries=request.countries.all(), themes=request.themes.all())
    assert {a.pk: a.shares for a in ranked} == {both.pk: "country_and_theme", country_only.pk: "country",
                                                niger.pk: "theme", thailand.pk: "theme"}

    client.force_login(officer)
    html = client.get(reverse("intake:detail", args=[request.pk])).content.decode()
    panel = html.split('id="compl-title"', 1)[1].split("</section>", 1)[0]
    same_both, rest = panel.split("Same country, other thematic areas")
    same_country, same_theme = rest.split("Same thematic area, other countries")
    assert "Same country and thematic area" in same_both and both.code in same_both
    assert niger.code not in same_both and thailand.code not in same_both
    assert country_only.code in same_country
    assert niger.code in same_theme and thailand.code in same_theme and "Niger" in same_theme
