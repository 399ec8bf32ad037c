"""The candidates page: reached from the activity page, namesakes told apart, any vetted expert found and invited."""

import pytest
from django.urls import reverse

from pontis.accounts.models import Institution
from pontis.actions.models import Activity
from pontis.experts.models import Invitation
from tests.factories import InstitutionFactory
from tests.queries import assert_flat, count_queries

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db


def _candidates(activity):
    return reverse("experts:activity_experts", args=[activity.pk])


def _activity_page(activity):
    return reverse("actions:activity", args=[activity.action.code, activity.pk])


def test_the_activity_page_links_staff_to_the_candidates(client, officer):
    activity = make_activity()
    client.force_login(officer)

    response = client.get(_activity_page(activity))

    assert response.status_code == 200
    assert f'href="{_candidates(activity)}"' in response.content.decode()


@pytest.mark.parametrize("status", [Activity.Status.DELIVERED, Activity.Status.REPORTED, Activity.Status.CANCELLED])
def test_no_link_where_the_activity_can_no_longer_take_experts(client, officer, status):
    activity = make_activity()
    Activity.objects.filter(pk=activity.pk).update(status=status)
    client.force_login(officer)

    response = client.get(_activity_page(activity))

    assert response.status_code == 200 and _candidates(activity) not in response.content.decode()


def test_people_who_do_not_match_experts_see_no_link(client, committee_member):
    activity = make_activity()
    client.force_login(committee_member)

    response = client.get(_activity_page(activity))

    assert _candidates(activity) not in response.content.decode()


def test_namesakes_are_told_apart_by_nationality_and_institution(client, officer):
    activity = make_activity(topics=("border_management_policy",))
    registered = InstitutionFactory(name={"en": "Direction de la Police aux Frontières"}, acronym="DPF")
    make_profile(given_name="Aminata", family_name="Diallo", nationality="SN", institution_name="Ministère de l'Intérieur",
                 topics=("border_management_policy",))
    make_profile(given_name="Aminata", family_name="Diallo", nationality="ML", institution=registered,
                 topics=("border_management_policy",))
    client.force_login(officer)

    response = client.get(_candidates(activity))

    html = response.content.decode()
    assert [c.profile.full_name for c in response.context["ranked"]] == ["Aminata Diallo", "Aminata Diallo"]
    assert "Senegal · Ministère de l&#x27;Intérieur" in html
    assert f"Mali · {Institution.objects.get(pk=registered.pk)}" in html


def test_an_expert_outside_the_ranking_is_found_explained_and_invited(client, officer):
    activity = make_activity(topics=("border_management_policy",), themes=("irregular_thb",))
    for n in range(3):
        make_profile(family_name=f"Ranked{n}", topics=("border_management_policy",))
    # Shares no topic or thematic area with the Action: matching never ranks her, a search finds her.
    outsider = make_profile(given_name="Olga", family_name="Vasquez-Outsider", themes=("mad",), nationality="PE")
    client.force_login(officer)

    page = client.get(_candidates(activity))
    assert outsider.pk not in [c.profile.pk for c in page.context["ranked"]]

    found = client.get(_candidates(activity), {"find": "vasquez"})
    assert found.status_code == 200
    [candidate] = found.context["found"]
    assert candidate.profile.pk == outsider.pk
    assert set(candidate.parts) == {"topic", "language", "region", "availability", "evaluation", "rotation"}
    assert candidate.parts["topic"] == 0 and candidate.parts["availability"] == 1.0
    html = found.content.decode()
    assert "Vasquez-Outsider" in html and "Peru" in html

    response = client.post(reverse("experts:invite", args=[activity.pk]), {"profile": outsider.pk, "role": "expert"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(profile=outsider)
    assert invitation.activity == activity and invitation.invited_by == officer
    again = client.get(_candidates(activity), {"find": "vasquez"})
    assert "Invited" in again.content.decode()


def test_the_search_covers_vetted_experts_and_no_one_else(client, officer):
    activity = make_activity()
    make_profile(family_name="Zorro", given_name="Vetted", status="vetted")
    make_profile(family_name="Zorro", given_name="Registered", status="registered")
    make_profile(family_name="Zorro", given_name="Inactive", status="inactive")
    make_profile(family_name="Zorro", given_name="Gone", anonymised_at="2026-01-01T00:00:00Z")
    client.force_login(officer)

    response = client.get(_candidates(activity), {"find": "zorro"})

    assert [c.profile.given_name for c in response.context["found"]] == ["Vetted"]
    html = response.content.decode()
    assert "Vetted, not yet active" in html and "Activate the profile to invite" in html


def test_a_search_keeps_the_weights_and_a_search_alone_keeps_the_default_rules(client, officer):
    activity = make_activity()
    make_profile(family_name="Keeper")
    client.force_login(officer)

    alone = client.get(_candidates(activity), {"find": "keeper"})
    weighted = client.get(_candidates(activity), {"find": "keeper", "size": "2", "w_topic": "50"})

    assert [label for label, _ok in alone.context["rule_result"]] and len(alone.context["rule_result"]) == 4
    assert ("w_topic", "50") in weighted.context["keep"] and weighted.context["weights"]["topic"] == 50


def test_a_too_long_search_is_a_form_error_not_a_crash(client, officer):
    activity = make_activity()
    client.force_login(officer)

    response = client.get(_candidates(activity), {"find": "x" * 500})

    assert response.status_code == 200 and response.context["find_form"].errors
    assert response.context["found"] is None


def test_the_candidates_page_costs_the_same_queries_whatever_the_roster_size(client, officer):
    activity = make_activity(topics=("border_management_policy",))
    client.force_login(officer)
    for n in range(3):
        make_profile(family_name=f"Match{n}", topics=("border_management_policy",))
    params = {"find": "match"}
    small, _response = count_queries(lambda: client.get(_candidates(activity), params))
    for n in range(25):
        make_profile(family_name=f"Match{n + 3}", topics=("border_management_policy",), languages=(("en", "C2"), ("fr", "B1")))
    large, response = count_queries(lambda: client.get(_candidates(activity), params))

    assert_flat(small, large)
    assert len(response.context["found"]) == 10 and response.context["found_more"]


def test_hostile_text_in_the_candidates_search_answers_a_page_and_is_escaped(client, officer):
    from tests.test_hostile_text import assert_escaped, assert_not_server_error, get_form, hostile

    activity = make_activity()
    client.force_login(officer)

    @hostile
    def run(value):
        response = get_form(client, _candidates(activity), {"find": value})
        assert_not_server_error(response)
        if response.status_code == 200:
            assert_escaped(response.content.decode())

    run()
