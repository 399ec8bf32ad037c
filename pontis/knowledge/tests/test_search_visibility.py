"""Visibility before ranking: an item the reader may not open is never found, counted, suggested or answered."""

import pytest
from django.test import Client, override_settings

from pontis.knowledge import meaning
from pontis.knowledge.models import LibraryItem, SearchDocument
from pontis.knowledge.search.index import build_documents
from pontis.knowledge.search.query import search
from pontis.knowledge.search.suggest import suggestions

from .search_factories import make_concept, make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keywords_only")]

SECRET = "Zanzibarquux"


@pytest.fixture
def _keywords_only():
    with override_settings(PONTIS_MEANING_ENCODER="off"):
        yield


@pytest.fixture
def items():
    """A public item, a members-only item and a staff-only item with a unique word, country, year and kind."""
    return {
        "public": make_item("Return and reintegration guide", summary="Reintegration support.", countries=["MX"],
                            year=2021),
        "members": make_item("Reintegration counselling notes", kind="practice", countries=["MX"], year=2021,
                             visibility="members"),
        "staff": make_item(f"{SECRET} reintegration memo", kind="publication", summary=f"The {SECRET} case.",
                           countries=["UA"], year=1999, visibility="staff"),
    }


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _everything_seen(user, client, q):
    """Every place an item may show: results, facets, suggestions, the page, the API."""
    result = search(user, q, "en")
    browse = search(user, "", "en")
    facet_values = {(name, f.value) for name, values in browse.facets.items() for f in values}
    page = client.get("/search/", {"q": q}).content.decode()
    api = client.get("/api/v1/search", {"q": q}).json()
    suggested = [s.label for s in suggestions(user, q[:6], "en")]
    return result, facet_values, page, api, suggested


@pytest.mark.parametrize("role", ["anonymous", "focal_point", "expert"])
def test_a_staff_only_item_appears_nowhere_for_others(items, role, focal_point, expert_user):
    user = {"anonymous": None, "focal_point": focal_point, "expert": expert_user}[role]

    result, facets, page, api, suggested = _everything_seen(user, _client(user), SECRET)

    assert result.count == 0 and result.items == []
    assert ("country", "UA") not in facets and ("year", "1999") not in facets and ("kind", "publication") not in facets
    assert "reintegration memo" not in page and f"/library/{items['staff'].slug}/" not in page  # (the query is echoed)
    assert "0 results for" in page
    assert api["count"] == 0 and api["items"] == []
    assert not any(SECRET in label for label in suggested)


def test_staff_find_the_staff_only_item_everywhere(items, officer):
    result, facets, page, api, suggested = _everything_seen(officer, _client(officer), SECRET)

    assert [h.obj for h in result.items] == [items["staff"]]
    assert ("country", "UA") in facets and ("year", "1999") in facets
    assert "reintegration memo" in page
    assert [i["id"] for i in api["items"]] == [items["staff"].pk]
    assert any(SECRET in label for label in suggested)


def test_members_items_need_a_sign_in(items, focal_point):
    anonymous = search(None, "reintegration", "en")
    member = search(focal_point, "reintegration", "en")

    assert [h.obj for h in anonymous.items] == [items["public"]]
    assert {h.obj for h in member.items} == {items["public"], items["members"]}
    assert {f.value: f.count for f in anonymous.facets["kind"]} == {"case_study": 1}


def test_the_api_answers_anonymous_callers_with_public_items_only(items):
    api = Client().get("/api/v1/search", {"q": "reintegration"}).json()

    assert [i["id"] for i in api["items"]] == [items["public"].pk]
    assert api["facets"]["country"] == [{"value": "MX", "label": "Mexico", "count": 1, "selected": False}]


def test_drafts_and_withdrawn_items_have_no_documents():
    draft = make_item("Draft handbook", status="draft")
    item = make_item("Published handbook")
    assert SearchDocument.objects.filter(object_id=draft.pk).count() == 0
    assert SearchDocument.objects.filter(object_id=item.pk, kind=item.kind).count() == 5

    LibraryItem.objects.filter(pk=item.pk).update(status="withdrawn")
    build_documents(item.kind, item.pk)

    assert SearchDocument.objects.filter(object_id=item.pk).count() == 0


def test_a_document_left_behind_is_still_filtered_by_the_policy(officer):
    """Even before the index catches up (the task not run yet), a withdrawn item is not shown to the public."""
    item = make_item("Handbook on readmission")
    LibraryItem.objects.filter(pk=item.pk).update(status="withdrawn")  # documents not rebuilt

    assert search(None, "readmission", "en").count == 0
    assert search(officer, "readmission", "en").count == 1  # staff may open withdrawn items


def test_suggestions_offer_concepts_to_everyone_and_titles_only_when_visible(items):
    make_concept("s_reint", {"en": "return and reintegration", "fr": "retour et réintégration"})

    found = {(s.kind, s.label) for s in suggestions(None, "reint", "en")}

    assert ("concept", "return and reintegration") in found
    assert ("case_study", "Return and reintegration guide") in found
    assert not any(kind == "practice" for kind, _label in found)  # the members-only title


def test_items_added_by_meaning_are_marked_and_must_be_visible(items, monkeypatch):
    def rerank(q, lang, candidates, user, *, kinds=None, make_result=None):
        return [*candidates, make_result("case_study", items["public"].pk, 0.2, 0.6),
                make_result("publication", items["staff"].pk, 0.2, 0.6)]

    monkeypatch.setattr(meaning, "rerank", rerank)

    result = search(None, "counselling", "en")
    page = Client().get("/search/", {"q": "counselling"}).content.decode()

    assert [(h.obj, h.matched_by_meaning) for h in result.items] == [(items["public"], True)]
    assert "Matched by meaning" in page
    assert "reintegration memo" not in page


def test_a_failing_meaning_model_leaves_the_keyword_results(items, monkeypatch):
    def rerank(*args, **kwargs):
        raise RuntimeError("model missing")

    monkeypatch.setattr(meaning, "rerank", rerank)

    assert [h.obj for h in search(None, "guide", "en").items] == [items["public"]]
