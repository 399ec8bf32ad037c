"""The search page, its suggestions, the API and the index: escaping, filters in the URL, query budgets."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from pontis.actions.tests.factories import make_action
from pontis.knowledge import indexing
from pontis.knowledge.models import SearchDocument
from pontis.knowledge.search.index import build_documents
from pontis.knowledge.search.query import highlight, search
from tests.queries import assert_flat, count_queries

from .search_factories import make_item, publish_action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keywords_only")]

HOSTILE = '<script>alert("x")</script> trafficking "><img src=x onerror=alert(1)> & <b>'


@pytest.fixture
def _keywords_only():
    with override_settings(PONTIS_MEANING_ENCODER="off"):
        yield


def test_hostile_text_is_escaped_before_the_matches_are_marked():
    make_item(HOSTILE, summary=f"Before {HOSTILE} after")

    page = Client().get("/search/", {"q": "trafficking"}).content.decode()

    assert "<script>alert" not in page and "<img src=x" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>trafficking</mark>" in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;" in page


def test_highlight_marks_whole_words_by_stem_and_escapes_the_rest():
    assert str(highlight("Trafficked <persons> & traffickers", {"traffick"}, "en")) == (
        "<mark>Trafficked</mark> &lt;persons&gt; &amp; <mark>traffickers</mark>")
    assert str(highlight("Торговля людьми", {"торговл"}, "ru")) == "<mark>Торговля</mark> людьми"


def test_every_filter_is_in_the_url_and_shown_as_a_checked_box_with_its_count():
    make_item("Border management in Mexico", countries=["MX"], year=2020)
    make_item("Border management in the Philippines", countries=["PH"], year=2022, kind="practice")

    response = Client().get("/search/?q=border&country=MX")
    page = response.content.decode()

    assert response.status_code == 200
    assert 'name="country" value="MX" checked' in page and 'name="country" value="PH" ' in page
    assert "Mexico <span class=\"search__n\">(1)</span>" in page
    assert "1 result for" in page and "<mark>Border</mark> management in Mexico" in page
    assert "in the Philippines" not in page.split('class="search__list"')[1]
    assert "remove this filter" in page


def test_no_result_offers_to_remove_the_filters_and_search_all_languages():
    make_item("Border management in Mexico", countries=["MX"])

    page = Client().get("/search/?q=border&language=ru").content.decode()

    assert "Nothing found" in page
    assert "Search in all languages" in page and "Remove all filters" in page


@pytest.mark.parametrize("query", [
    "?q=" + "x" * 5000, "?page=abc", "?page=-4", "?year=abcd&year=99999", "?type=<script>", "?lang=zz",
    "?country=" + "&country=".join(["MX"] * 100), "?concept=no-such-concept",
])
def test_bad_input_never_breaks_the_page(query):
    make_item("Border management")

    assert Client().get("/search/" + query).status_code == 200


def test_the_page_speaks_russian():
    make_item({"ru": "Торговля людьми: справочник"}, summary={"ru": "Выявление жертв торговли людьми."})

    page = Client(headers={"accept-language": "ru"}).get("/search/", {"q": "торговли", "lang": "ru"}).content.decode()

    assert '<html lang="ru">' in page
    assert "<mark>Торговля</mark> людьми: справочник" in page


def test_suggestions_answer_json_and_an_htmx_list():
    make_item("Border management in Mexico")

    as_json = Client().get("/search/suggest", {"q": "bord"}).json()
    as_html = Client(headers={"HX-Request": "true"}).get("/search/suggest", {"q": "bord"}).content.decode()

    # The shipped thesaurus's concepts may come first; then the titles the reader may see.
    items = [s for s in as_json["suggestions"] if s["kind"] != "concept"]
    assert [(s["label"], s["url"].startswith("/library/item-"), s["kind"]) for s in items] == [
        ("Border management in Mexico", True, "case_study")]
    assert "Border management in Mexico</a>" in as_html
    assert Client().get("/search/suggest", {"q": "b"}).json() == {"suggestions": []}


def test_published_actions_are_found_and_unpublished_ones_are_not(officer):
    action = make_action(officer, countries=("MX",), themes=("legal",))
    action.title = {"en": "Labour inspection reform"}
    action.save(update_fields=["title"])
    published = publish_action(action, summary="Inspectors trained in seasonal labour rules.")
    hidden_action = make_action(officer, countries=("PH",))
    hidden_action.title = {"en": "Labour inspection pilot"}
    hidden_action.save(update_fields=["title"])
    publish_action(hidden_action, is_published=False)

    result = search(None, "labour inspection", "en")

    assert [(h.kind, h.obj) for h in result.items] == [("action", published)]
    assert result.items[0].url == f"/portal/actions/{published.slug}/"
    assert result.items[0].countries == ["Mexico"]


def test_an_item_has_original_documents_in_its_languages_and_fallbacks_in_the_others():
    item = make_item({"en": "Diaspora engagement", "fr": "Engagement de la diaspora"})

    docs = {d.language: d for d in SearchDocument.objects.filter(kind=item.kind, object_id=item.pk)}

    assert {lang: d.is_original for lang, d in docs.items()} == {"en": True, "fr": True, "es": False, "pt": False,
                                                                  "ru": False}
    assert " engag " in docs["fr"].terms and " diaspor " in docs["fr"].title_terms
    assert docs["en"].country_codes == "" and docs["en"].visibility == "public"
    assert search(None, "", "en", languages=["fr"]).count == 1
    assert search(None, "", "en", languages=["ru"]).count == 0


def test_a_change_is_indexed_once_the_transaction_commits_and_twice_is_the_same(django_capture_on_commit_callbacks):
    item = make_item("Readmission agreements", index=False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        indexing.item_changed(item.kind, item.pk)
    assert SearchDocument.objects.filter(object_id=item.pk).count() == 0  # not before the commit

    for callback in callbacks:
        callback()
    first = sorted(SearchDocument.objects.filter(object_id=item.pk).values_list("language", "terms"))
    build_documents(item.kind, item.pk)

    assert sorted(SearchDocument.objects.filter(object_id=item.pk).values_list("language", "terms")) == first
    assert len(first) == 5


def test_the_reindex_command_rebuilds_everything(capsys):
    kept = make_item("Readmission agreements")
    make_item("Draft", status="draft")
    SearchDocument.objects.all().delete()
    SearchDocument.objects.create(kind="practice", object_id=999_999, language="en", visibility="public")

    call_command("reindex_knowledge")

    assert set(SearchDocument.objects.values_list("object_id", flat=True)) == {kept.pk}
    assert "5 documents" in capsys.readouterr().out


def test_the_query_count_does_not_grow_with_the_data(officer):
    for n in range(3):
        make_item(f"Border study {n}", summary="Border management.", countries=["MX", "PH"], themes=["legal"])
    client = Client()
    client.force_login(officer)

    small_page, _r = count_queries(lambda: client.get("/search/", {"q": "border"}))
    small_api, _r = count_queries(lambda: client.get("/api/v1/search", {"q": "border"}))
    small_suggest, _r = count_queries(lambda: client.get("/search/suggest", {"q": "bord"}))
    for n in range(30):
        make_item(f"Border report {n}", summary="Border management.", countries=["UA"], themes=["legal"],
                  kind="publication", year=2000 + n)
    large_page, _r = count_queries(lambda: client.get("/search/", {"q": "border"}))
    large_api, _r = count_queries(lambda: client.get("/api/v1/search", {"q": "border"}))
    large_suggest, _r = count_queries(lambda: client.get("/search/suggest", {"q": "bord"}))

    assert_flat(small_page, large_page)
    assert_flat(small_api, large_api)
    assert_flat(small_suggest, large_suggest)


def test_a_result_in_another_language_is_marked_as_such():
    make_item("Protocol for special migration situations", summary="Costa Rica's protocol for migrants.")

    page = Client(headers={"accept-language": "es"}).get("/search/", {"q": "protocol", "lang": "es"}).content.decode()

    assert 'lang="en"><mark>Protocol</mark> for special migration situations</a>' in page
    assert '<span class="fallback-note">(en inglés)</span>' in page.replace("Inglés", "inglés")


@pytest.mark.parametrize("query", ["year=abc", "per_page=999", "page=0", "q=" + "x" * 300, "type=" + "t" * 100])
def test_the_api_refuses_bad_input_with_a_clear_error(query):
    response = Client().get("/api/v1/search?" + query)

    assert response.status_code == 422


def test_the_api_filters_by_type_theme_country_and_year():
    wanted = make_item("Border study", countries=["MX"], themes=["legal"], year=2020, kind="practice")
    make_item("Border study", countries=["MX"], themes=["legal"], year=2021, kind="practice")
    make_item("Border study", countries=["PH"], themes=["legal"], year=2020, kind="practice")
    make_item("Border study", countries=["MX"], themes=["legal"], year=2020)

    body = Client().get("/api/v1/search?q=border&type=practice&theme=legal&country=MX&year=2020&lang=en").json()

    assert body["count"] == 1 and [i["id"] for i in body["items"]] == [wanted.pk]
    assert body["items"][0]["url"] == f"/library/{wanted.slug}/"
    assert body["items"][0]["snippet"] == "" and body["items"][0]["title"] == "Border study"
