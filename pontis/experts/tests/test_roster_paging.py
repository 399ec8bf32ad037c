"""The roster can be paged to its last expert, with or without a search, in a flat number of queries."""

import re
from html import unescape

import pytest
from django.urls import reverse

from pontis.experts import views
from pontis.experts.models import ExpertProfile
from tests.queries import assert_flat, count_queries

from .factories import make_profile

pytestmark = pytest.mark.django_db

ROSTER = reverse("experts:roster")


def _names(response) -> list[str]:
    return [p.family_name for p in response.context["page"]]


def _walk(client, url, params=None, link="next_url", limit=50):
    """Follow a page's Next (or Previous) link until there is none; answers the family names in the order read."""
    response = client.get(url, params or {})
    seen = [_names(response)]
    for _ in range(limit):
        target = getattr(response.context["page"], link)
        if not target:
            break
        response = client.get(ROSTER + target)  # links are the query string of the roster's own address
        assert response.status_code == 200
        seen.append(_names(response))
    return seen, response


@pytest.fixture
def sixty(db):
    """60 experts, with families of namesakes (same family and given name) across page boundaries."""
    profiles = []
    for n in range(60):
        family = f"Name{n // 7:02d}"  # seven experts share each family name
        given = "Aminata" if n % 7 < 4 else f"G{n % 7}"  # four of each family are full namesakes
        profiles.append(make_profile(family_name=family, given_name=given, status="active" if n % 2 else "vetted"))
    return profiles


def _order(profiles):
    return [p.family_name for p in sorted(profiles, key=lambda p: (p.family_name, p.given_name, p.pk))]


def test_next_links_reach_the_last_expert_without_skipping_or_repeating_namesakes(client, officer, sixty):
    client.force_login(officer)

    pages, last = _walk(client, ROSTER)

    assert [len(p) for p in pages] == [25, 25, 10]
    assert sum(pages, []) == _order(sixty)
    read_ids = [p.pk for p in last.context["page"]]
    assert read_ids[-1] == sorted(sixty, key=lambda p: (p.family_name, p.given_name, p.pk))[-1].pk
    assert last.context["page"].number == 3 and last.context["page"].num_pages == 3
    assert "Experts 51 to 60 of 60" in unescape(last.content.decode())


def test_the_last_page_link_shows_the_last_experts_and_previous_goes_back(client, officer, sixty):
    client.force_login(officer)
    first = client.get(ROSTER)
    last_link = [link for link in first.context["page"].links if link.label == "3"]
    assert last_link, first.context["page"].links

    last = client.get(ROSTER + last_link[0].url)
    assert _names(last) == _order(sixty)[50:]
    assert last.context["page"].number == 3 and not last.context["page"].has_next

    back, _response = _walk(client, ROSTER + last_link[0].url, link="previous_url")
    assert back == [_order(sixty)[50:], _order(sixty)[25:50], _order(sixty)[:25]]


def test_a_search_past_the_count_cap_still_pages_to_its_end(client, officer, sixty, monkeypatch):
    monkeypatch.setattr(views, "ROSTER_COUNT_CAP", 10)
    client.force_login(officer)
    active = [p for p in sixty if p.status == "active"]

    pages, last = _walk(client, ROSTER, {"status": "active"})
    first = client.get(ROSTER, {"status": "active"})

    assert first.context["page"].is_capped and "More than 10 experts match" in first.content.decode()
    assert sum(pages, []) == _order(active)
    # "Last page" (its number is not known past the cap) shows the last 25 in order.
    last_link = first.context["page"].links[-1]
    assert last_link.label == "" and "last=1" in last_link.url and "status=active" in last_link.url
    assert _names(client.get(ROSTER + last_link.url)) == _order(active)[-25:]


def test_page_links_keep_the_filters(client, officer, sixty):
    client.force_login(officer)

    response = client.get(ROSTER, {"status": "vetted"})

    page = response.context["page"]
    assert page.next_url.startswith("?status=vetted&") and "after=" in page.next_url
    # The export links carry the filters, never the position in the list.
    assert re.search(r'export\.csv\?status=vetted"', response.content.decode())


def test_an_old_page_number_link_and_bad_cursors_still_answer_a_page(client, officer, sixty):
    client.force_login(officer)

    assert _names(client.get(ROSTER, {"page": "2"})) == _order(sixty)[25:50]
    assert _names(client.get(ROSTER, {"page": "99"})) == _order(sixty)[50:]
    for bad in ({"after": "nonsense"}, {"after": "99999999"}, {"before": "-3"}, {"page": "0"}, {"last": "yes"}):
        response = client.get(ROSTER, bad)
        assert response.status_code == 200
        assert len(response.context["page"]) in (25, 10)


def test_an_anonymised_expert_is_not_listed(client, officer, sixty):
    gone = sixty[0]
    ExpertProfile.objects.filter(pk=gone.pk).update(anonymised_at="2026-01-01T00:00:00Z")
    client.force_login(officer)

    ids, response = [], client.get(ROSTER)
    while True:
        ids += [p.pk for p in response.context["page"]]
        if not response.context["page"].next_url:
            break
        response = client.get(ROSTER + response.context["page"].next_url)

    assert gone.pk not in ids and len(ids) == len(set(ids)) == 59
    assert "59 experts" in response.content.decode()


@pytest.mark.parametrize("params", [{}, {"status": "active"}, {"q": "aminata"}])
def test_roster_pages_cost_the_same_queries_whatever_the_roster_size(client, officer, params):
    client.force_login(officer)
    for n in range(30):
        make_profile(family_name=f"Small{n:02d}", given_name="Aminata", languages=(("en", "C2"), ("fr", "B2")))

    def middle_page():
        first = client.get(ROSTER, params)
        return client.get(ROSTER + first.context["page"].next_url)

    small_first, _response = count_queries(lambda: client.get(ROSTER, params))
    small_next, _response = count_queries(middle_page)
    for n in range(60):
        make_profile(family_name=f"Large{n:02d}", given_name="Aminata", languages=(("en", "C2"), ("ar", "native")),
                     themes=("irregular_thb", "mad"))
    large_first, _response = count_queries(lambda: client.get(ROSTER, params))
    large_next, _response = count_queries(middle_page)

    assert_flat(small_first, large_first)
    assert_flat(small_next, large_next)
