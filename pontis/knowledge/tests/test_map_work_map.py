"""The map and list of where the facility works (/portal/map/): borders, small states, escaping, counts, scope,
languages, query budget and cache."""

import datetime
import re
import xml.etree.ElementTree as ET

import pycountry
import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from pontis.core.models import Country, ThematicArea
from pontis.knowledge import mapdata, maps
from pontis.knowledge.portal import ActionFilters
from pontis.knowledge.tests.portal_factories import publish_action
from tests.queries import assert_flat, count_queries

SVG = "{http://www.w3.org/2000/svg}"
URL = "/portal/map/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _svg(response) -> ET.Element:
    html = response.content.decode()
    match = re.search(r"<svg xmlns=\"http://www.w3.org/2000/svg\".*?</svg>", html, re.S)
    assert match, "the page has no map"
    return ET.fromstring(match.group(0))  # also proves the SVG is well-formed XML, hostile text included


def _linked_titles(svg: ET.Element) -> dict[str, list[str]]:
    """{link: [titles]} of the map's links (a country shape and, for a small state, its circle)."""
    out: dict[str, list[str]] = {}
    for link in svg.iter(f"{SVG}a"):
        out.setdefault(link.get("href"), []).append(link.find(f"{SVG}title").text)
    return out


def _table_counts(response) -> dict[str, int]:
    """{country name: Action count} of the page's table."""
    html = response.content.decode()
    table = html.split('class="work-map__table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a>.*?</th>\s*<td class="numeric">(\d+)</td>', table,
                      re.S)
    return {name: int(count) for name, count in rows}


# ---------------------------------------------------------------- the bundled data


def test_map_crimea_is_in_ukraine_as_the_eu_recognises():
    world = mapdata.world()
    simferopol = mapdata.project(34.10, 44.95)
    sevastopol = mapdata.project(33.52, 44.60)

    assert maps.point_in_shape(simferopol, world["countries"]["UA"]["d"])
    assert not maps.point_in_shape(simferopol, world["countries"]["RU"]["d"])
    assert maps.country_at(34.10, 44.95) == "UA"
    assert maps.country_at(33.52, 44.60) == "UA" and not maps.point_in_shape(sevastopol, world["countries"]["RU"]["d"])
    # The check itself tells places apart: Kyiv in Ukraine, Moscow and Kerch's neighbour Taman in Russia.
    assert maps.country_at(30.52, 50.45) == "UA"
    assert maps.country_at(37.62, 55.75) == "RU"
    assert maps.country_at(37.0, 45.2) == "RU"


def test_map_data_follows_the_eu_position_elsewhere_and_stays_small():
    world = mapdata.world()

    assert maps.country_at(33.8, 35.3) == "CY"  # northern Cyprus
    assert maps.country_at(45.0, 9.5) == "SO"  # Hargeisa, Somaliland
    assert mapdata.DATA_FILE.stat().st_size < 600_000
    assert "Kosovo*" in {shape["name"] for shape in world["other"]}
    for code, shape in world["countries"].items():
        assert pycountry.countries.get(alpha_2=code) is not None, code
        assert shape["d"].startswith("M") and shape["a"] > 0 and len(shape["c"]) == 2
    assert {"CV", "MU", "MV", "LC", "TT"} <= set(world["countries"])
    assert "TV" in world["points"]  # Tuvalu: too small for the 1:50m data, drawn as a point
    frame = world["frame"]
    for x, y in world["points"].values():
        assert 0 <= x <= frame["width"] and 0 <= y <= frame["height"]


# ---------------------------------------------------------------- the page


@pytest.mark.django_db
def test_map_small_states_are_drawn_as_visible_circles(client, officer):
    for code in ("CV", "MU", "MV", "LC", "TV"):
        publish_action(officer, countries=(code,))

    svg = _svg(client.get(URL))

    circles = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") == "work-map__small":
            for link in group.iter(f"{SVG}a"):
                circle = link.find(f"{SVG}circle")
                circles[link.find(f"{SVG}title").text.split(":")[0]] = float(circle.get("r"))
    names = {c.code: str(c) for c in Country.objects.filter(code__in=["CV", "MU", "MV", "LC", "TV"])}
    assert set(circles) == set(names.values())
    assert all(radius >= 4 for radius in circles.values())
    # A large country gets no circle.
    publish_action(officer, countries=("BR",))
    cache.clear()
    svg = _svg(client.get(URL))
    small = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "work-map__small"][0]
    assert not any("Brazil" in (t.text or "") for t in small.iter(f"{SVG}title"))


@pytest.mark.django_db
def test_map_counts_equal_between_map_and_table(client, officer):
    publish_action(officer, countries=("KE",))
    publish_action(officer, countries=("KE",))
    publish_action(officer, countries=("KE", "UG", "TZ"))  # multi-country: counted in each country
    publish_action(officer, countries=("CV",))
    publish_action(officer, countries=("SN",), published=False)  # not on the portal

    response = client.get(URL)

    assert response.status_code == 200
    table = _table_counts(response)
    kenya, uganda, cabo_verde = (str(Country.objects.get(code=c)) for c in ("KE", "UG", "CV"))
    assert table == {kenya: 3, uganda: 1, str(Country.objects.get(code="TZ")): 1, cabo_verde: 1}
    on_map = {}
    for titles in _linked_titles(_svg(response)).values():
        for title in titles:
            name, rest = title.split(": ", 1)
            on_map[name] = int(rest.split(" ", 1)[0])
    assert on_map == table
    # The multi-country Action is also listed on its own, with its countries.
    html = response.content.decode()
    multi = html.split('class="work-map__multi"', 1)[1].split("</ul>", 1)[0]
    assert multi.count("<li>") == 1 and kenya in multi and uganda in multi
    assert "4 Actions" in html and "in 4 countries" in html
    # Each country links to the portal's list filtered to that country.
    links = _linked_titles(_svg(response))
    assert f"{reverse('portal:actions')}?country=KE" in links


@pytest.mark.django_db
def test_map_filters_apply_to_map_and_table_alike(client, officer):
    theme_a, theme_b = ThematicArea.objects.all()[:2]
    publish_action(officer, countries=("KE",), themes=(theme_a.code,))
    publish_action(officer, countries=("GH",), themes=(theme_b.code,))
    publish_action(officer, countries=("PE",), themes=(theme_b.code,), start=datetime.date(2021, 2, 1),
                   end=datetime.date(2021, 6, 1))

    response = client.get(URL, {"theme": theme_b.code})

    ghana, peru = str(Country.objects.get(code="GH")), str(Country.objects.get(code="PE"))
    assert _table_counts(response) == {ghana: 1, peru: 1}
    assert {t[0].split(":")[0] for t in _linked_titles(_svg(response)).values()} == {ghana, peru}
    response = client.get(URL, {"theme": theme_b.code, "year": "2021"})
    assert _table_counts(response) == {peru: 1}
    assert list(_linked_titles(_svg(response))) == [f"{reverse('portal:actions')}?country=PE&theme={theme_b.code}&year=2021"]
    # A region takes the Actions in its countries (Peru is in Latin America and the Caribbean).
    response = client.get(URL, {"region": Country.objects.get(code="PE").region.code})
    assert _table_counts(response) == {peru: 1}
    # Unknown filter values are ignored, never an error page.
    response = client.get(URL, {"theme": "<nope>", "year": "abc", "region": "x" * 500})
    assert response.status_code == 200 and len(_table_counts(response)) == 3


@pytest.mark.django_db
def test_map_unpublished_actions_are_absent_for_anonymous_and_members(client, officer, focal_point):
    publish_action(officer, countries=("KE",))
    hidden = publish_action(officer, countries=("MN",), published=False)
    hidden.action.title = {"en": "Zanzibarian secret Action"}
    hidden.action.save(update_fields=["title"])
    publish_action(officer, countries=("MN", "KZ"), published=False)
    mongolia = str(Country.objects.get(code="MN"))

    for user in (None, focal_point):
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(URL)
        html = response.content.decode()
        assert mongolia not in _table_counts(response)
        assert not any(mongolia in t[0] for t in _linked_titles(_svg(response)).values())
        assert "Zanzibarian" not in html and "work-map__multi" not in html

    client.force_login(officer)  # staff see every Action, each country linked to the registry's list
    response = client.get(URL)
    assert _table_counts(response)[mongolia] == 2
    assert f"{reverse('actions:list')}?country=MN" in _linked_titles(_svg(response))


@pytest.mark.django_db
def test_map_escapes_hostile_country_and_action_text(client, officer):
    hostile = '<script>alert(1)</script>"><title>&amp;'
    Country.objects.filter(code="KE").update(name={"en": hostile})
    Country.objects.filter(code="BR").update(name={"en": "</title></svg><img src=x onerror=alert(2)>"})
    pa = publish_action(officer, countries=("KE", "UG"))
    pa.action.title = {"en": "<svg onload=alert(3)>Action"}
    pa.action.save(update_fields=["title"])

    response = client.get(URL)

    html = response.content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<svg onload" not in html
    svg = _svg(response)  # still well-formed: nothing broke out of a <title>
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert any(t.startswith(hostile + ": 1 Action") for t in titles if t)
    assert any(t.startswith("</title></svg><img") for t in titles if t)  # a country without Actions is named too


@pytest.mark.django_db
def test_map_page_renders_in_russian(client, officer):
    publish_action(officer, countries=("KE", "UG"))
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="ru">' in html
    kenya = Country.objects.get(code="KE").name["ru"]
    assert kenya in _table_counts(response)
    assert any(t[0].startswith(kenya) for t in _linked_titles(_svg(response)).values())


@pytest.mark.django_db
def test_map_page_costs_the_same_queries_at_two_sizes(client, officer):
    publish_action(officer, countries=("KE",))
    small, response = count_queries(lambda: client.get(URL))
    assert response.status_code == 200

    for i in range(12):
        publish_action(officer, countries=("KE", "UG", "CV", "MU")[: 1 + i % 4], published=i % 3 != 0)
    large, response = count_queries(lambda: client.get(URL))

    assert len(_table_counts(response)) == 4
    assert_flat(small, large)


@pytest.mark.django_db
def test_map_staff_page_costs_the_same_queries_at_two_sizes(client, officer):
    client.force_login(officer)
    publish_action(officer, countries=("KE",))
    small, _ = count_queries(lambda: client.get(URL))
    for i in range(10):
        publish_action(officer, countries=("KE", "UG", "PE")[: 1 + i % 3], published=False)
    large, _ = count_queries(lambda: client.get(URL))

    assert_flat(small, large)


@pytest.mark.django_db
def test_map_data_comes_from_two_queries_and_is_cached_per_scope_and_filters(officer, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    publish_action(officer, countries=("KE", "UG"))
    publish_action(officer, countries=("PE",), published=False)
    anonymous = AnonymousUser()

    queries, data = count_queries(lambda: maps.work_map_data(anonymous), warm=False)
    assert queries == 2 and data["action_count"] == 1

    with override_settings(PONTIS_MAP_CACHE_SECONDS=60):
        maps.work_map_data(anonymous)
        cached, again = count_queries(lambda: maps.work_map_data(anonymous), warm=False)
        staff_queries, staff = count_queries(lambda: maps.work_map_data(officer), warm=False)
        filtered_queries, _ = count_queries(lambda: maps.work_map_data(anonymous, ActionFilters(year=2021)),
                                            warm=False)

    assert cached == 0 and again["svg"] == data["svg"]
    assert staff_queries > 0 and staff["action_count"] == 2  # staff are never served the public answer
    assert filtered_queries > 0


def test_map_svg_for_given_counts_shades_by_class_and_links_each_country():
    rows = [maps.CountryRow(code="KE", name="Kenya", count=12, multi_count=1, url="/x?country=KE&a=<b>"),
            maps.CountryRow(code="CV", name="Cabo Verde", count=1, url="/x?country=CV")]

    svg = ET.fromstring(maps.work_map(rows, names={"FR": "France"}))

    links = {a.get("href"): a for a in svg.iter(f"{SVG}a")}
    assert set(links) == {"/x?country=KE&a=<b>", "/x?country=CV"}
    kenya = links["/x?country=KE&a=<b>"].find(f"{SVG}path")
    assert kenya.get("fill") == maps.shade(12) == maps.COLOURS[3]
    assert links["/x?country=KE&a=<b>"].find(f"{SVG}title").text.startswith("Kenya: 12 Actions (1 of them")
    assert len(links["/x?country=KE&a=<b>"].findall(f"{SVG}path")) == 2  # the hatch of a multi-country Action
    assert maps.shade(0) == maps.NO_ACTION and maps.shade(1) == maps.COLOURS[0] and maps.shade(99) == maps.COLOURS[4]
    assert "France: no Action" in [t.text for t in svg.iter(f"{SVG}title")]
