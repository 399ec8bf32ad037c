"""/sitemap.xml lists only public pages, each in the languages it really has text in; robots.txt points to it;
a ``?lang=xx`` address shows the page in that language."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from pontis.events.tests.factories import make_meeting
from pontis.knowledge import portal
from pontis.knowledge.models import LibraryItem
from tests.queries import assert_flat, count_queries

from .portal_factories import library_item, publish_action

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _sitemap(client) -> dict[str, set[str]]:
    """{location: {hreflang of its alternates}}."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {url.find("s:loc", NS).text: {link.get("hreflang") for link in url.findall("x:link", NS)}
            for url in root.findall("s:url", NS)}


def _paths(entries) -> set[str]:
    return {re.sub(r"^http://testserver", "", loc).split("?")[0] for loc in entries}


def test_only_public_things_appear(client, officer):
    shown = publish_action(officer, slug="shown-action")
    publish_action(officer, published=False, slug="unpublished-action")
    withdrawn = publish_action(officer, slug="withdrawn-action")
    portal.published_action_unpublish(published=withdrawn, by=officer)
    public = library_item(title={"en": "Public"})
    for slug, extra in (("members-only", {"visibility": "members"}), ("staff-only", {"visibility": "staff"}),
                        ("draft-item", {"status": "draft"}), ("withdrawn-item", {"status": "withdrawn"})):
        LibraryItem.objects.create(kind="case_study", slug=slug, title={"en": slug}, **{
            "visibility": "public", "status": "published", **extra})
    make_meeting(slug="open-meeting", is_public=True)
    make_meeting(slug="closed-meeting", is_public=False)

    paths = _paths(_sitemap(client))

    assert {reverse("portal:action", args=[shown.slug]), reverse("library:detail", args=[public.slug]),
            reverse("events:detail", args=["open-meeting"]), reverse("portal:home"), reverse("portal:actions")} <= paths
    for hidden in ("unpublished-action", "withdrawn-action", "members-only", "staff-only", "draft-item",
                   "withdrawn-item", "closed-meeting"):
        assert not any(hidden in path for path in paths), hidden


def test_staff_asking_see_the_same_sitemap(client, officer):
    publish_action(officer, published=False, slug="unpublished-action")
    LibraryItem.objects.create(kind="case_study", slug="staff-only", title={"en": "x"}, visibility="staff",
                               status="published")
    client.force_login(officer)

    paths = _paths(_sitemap(client))

    assert not any("unpublished-action" in p or "staff-only" in p for p in paths)


def test_alternates_list_only_real_translations(client, officer):
    pa = publish_action(officer, slug="bilingual", title={"en": "Borders", "fr": "Frontières", "es": "Fronteras"},
                        summary={"en": "Summary", "fr": "Résumé"}, results={})
    item = library_item(title={"en": "Handbook", "ru": "Руководство"}, summary={"en": "About it"})
    bare = library_item(title={"pt": "Manual"})

    entries = _sitemap(client)

    action_path = reverse("portal:action", args=[pa.slug])
    action_entries = {loc: langs for loc, langs in entries.items() if action_path in loc}
    assert set(action_entries) == {f"http://testserver{action_path}?lang=en", f"http://testserver{action_path}?lang=fr"}
    assert all(langs == {"en", "fr"} for langs in action_entries.values())

    item_path = reverse("library:detail", args=[item.slug])
    assert {loc: langs for loc, langs in entries.items() if item_path in loc} == {
        f"http://testserver{item_path}?lang=en": {"en"}}
    bare_path = reverse("library:detail", args=[bare.slug])
    assert {loc: langs for loc, langs in entries.items() if bare_path in loc} == {
        f"http://testserver{bare_path}?lang=pt": {"pt"}}
    home = reverse("portal:home")
    assert entries[f"http://testserver{home}?lang=ru"] == {"en", "fr", "es", "pt", "ru"}


def test_the_page_names_its_real_language_versions(client, officer):
    pa = publish_action(officer, title={"en": "Borders", "fr": "Frontières"}, summary={"en": "S", "fr": "R"})

    html = client.get(reverse("portal:action", args=[pa.slug])).content.decode()

    assert set(re.findall(r'<link rel="alternate" hreflang="(\w+)"', html)) == {"en", "fr"}


def test_a_lang_address_shows_the_page_in_that_language_for_that_response_only(client, officer):
    pa = publish_action(officer, title={"en": "Borders", "fr": "Frontières"}, summary={"en": "S", "fr": "R"})
    url = reverse("portal:action", args=[pa.slug])

    french = client.get(url + "?lang=fr")
    after = client.get(url)

    assert '<html lang="fr">' in french.content.decode() and "Frontières" in french.content.decode()
    assert french["Content-Language"] == "fr"
    assert '<html lang="en">' in after.content.decode() and "django_language" not in french.cookies


@pytest.mark.parametrize("query", ["?lang=xx", "?lang=fr&page=2", "?lang=fr&lang=es", "?lang=%00"])
def test_other_lang_parameters_do_not_switch_the_page(client, query):
    response = client.get(reverse("portal:actions") + query)

    assert response.status_code in (200, 400)
    assert '<html lang="fr">' not in response.content.decode()


def test_the_language_switcher_wins_over_a_lang_address(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/portal/actions/?lang=fr"})

    assert response.status_code == 302 and "lang=" not in response["Location"]
    assert response["Location"].startswith("/portal/actions/")


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_the_sitemap_costs_the_same_queries_at_two_sizes(client, officer):
    publish_action(officer)
    library_item()
    make_meeting(is_public=True)
    small, _response = count_queries(lambda: client.get("/sitemap.xml"))
    for _ in range(5):
        publish_action(officer)
        library_item()
        make_meeting(is_public=True)
    large, _response = count_queries(lambda: client.get("/sitemap.xml"))

    assert_flat(small, large)



def test_the_list_names_its_language_versions_but_a_filtered_list_does_not(client):
    def hreflangs(query):
        html = client.get(reverse("portal:actions") + query).content.decode()
        return set(re.findall(r'<link rel="alternate" hreflang="(\w+)"', html))

    assert hreflangs("") == hreflangs("?lang=fr") == {"en", "fr", "es", "pt", "ru"}
    assert hreflangs("?country=CV") == set()
