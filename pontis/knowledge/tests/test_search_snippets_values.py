"""The items a search shows are read as values through statements compiled once per worker and reader class, their
texts decoded only as far as the snippet reads; the API answers its schema as built. What a reader is shown must be
exactly what the former code showed (model instances read through the policies, every text decoded, the answer
validated field by field), for every class of reader, in the five languages, with hostile text."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation
from ninja.responses import NinjaJSONEncoder

from pontis.actions.models import Action
from pontis.actions.tests.factories import make_action
from pontis.core.awaiting import forget_prepared
from pontis.core.i18n import translate
from pontis.knowledge import api_search
from pontis.knowledge.models import LibraryItem, PublishedAction
from pontis.knowledge.permissions import LibraryItemPolicy, PublishedActionPolicy
from pontis.knowledge.search import query
from pontis.knowledge.search.index import ACTION, ACTION_TEXT_FIELDS, ITEM_TEXT_FIELDS, LIBRARY_KINDS, build_documents
from pontis.knowledge.search.query import Hit, highlight, search, snippet_of
from tests.queries import assert_flat, count_queries

from .search_factories import make_item, publish_action

pytestmark = [pytest.mark.django_db]

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = '<script>alert("x")</script> migration "quoted" \'single\' {{ var }} {% tag %} & <b>'
RTL = "\u202emigration\u202c \u200bzero\u200dwidth\u200b migration"


@pytest.fixture(autouse=True)
def _keywords_only():
    forget_prepared()
    with override_settings(PONTIS_MEANING_ENCODER="off"):
        yield
    forget_prepared()


@pytest.fixture
def library(officer):
    """Items of every visibility, written in one language or several (fallbacks), with hostile and RTL text, the
    query word in the title, in a later section only, or nowhere; and Actions published or not."""
    items = {
        "public": make_item({"en": f"Border migration {HOSTILE}", "fr": "Migration « frontalière » & <i>",
                             "ru": "Миграция <граница> {{ x }}"},
                            summary={"en": f"About migration {HOSTILE} " + "filler " * 40, "fr": "La migration."},
                            countries=["MX", "SN"], year=2021),
        "later": make_item({"es": "Migración laboral"}, summary={"es": "Nada aquí."},
                           lessons={"es": f"Lecciones: migración {RTL}", "pt": "Lições: migração"},
                           countries=["UA"], year=2019),
        "nowhere": make_item({"pt": f"Migração {RTL}"}, summary={}, body={"pt": ""}, year=None),
        "members": make_item({"en": "Migration counselling", "ru": "Миграция"}, kind="practice",
                             summary={"en": "Counselling on migration 'routes'."}, visibility="members",
                             countries=["MX"]),
        "staff": make_item({"en": "Migration memo"}, kind="publication", visibility="staff", countries=["UA"],
                           body={"en": "A <memo> on migration."}),
        "draft": make_item({"en": "Migration draft"}, status="draft", index=False),
    }
    build_documents(items["draft"].kind, items["draft"].pk)  # a draft is never indexed, so never shown
    action = make_action(officer, countries=("PE", "CV"))
    Action.objects.filter(pk=action.pk).update(title={"en": f"Migration action {HOSTILE}", "fr": "Action migration"})
    hidden = make_action(officer, countries=("BR",))
    Action.objects.filter(pk=hidden.pk).update(title={"en": "Migration hidden action"})
    items["action"] = publish_action(action, summary={"en": "Migration results <b>bold</b>", "ru": "Миграция"},
                                     results="More migration.")
    items["hidden"] = publish_action(hidden, summary="Migration, not published.", is_published=False)
    return items


def _old_fill_page(user, hits, stems_by_lang, refs):
    """The page's items as the former code read and worded them: model instances through the policies, every
    translated field decoded, the snippet found word by word."""
    item_ids = [h.object_id for h in hits if h.kind in LIBRARY_KINDS]
    action_ids = [h.object_id for h in hits if h.kind == ACTION]
    items = {i.pk: i for i in LibraryItemPolicy().visible_to(user).filter(pk__in=item_ids)
             .only("pk", "slug", "title", *ITEM_TEXT_FIELDS)}
    actions = {p.pk: p for p in PublishedActionPolicy().visible_to(user).filter(is_published=True, pk__in=action_ids)
               .select_related("action")}
    item_countries, action_countries = {}, {}
    for pk, code in LibraryItem.countries.through.objects.filter(libraryitem_id__in=list(items)).values_list(
            "libraryitem_id", "country__code"):
        item_countries.setdefault(pk, []).append(code)
    for pk, code in Action.countries.through.objects.filter(
            action_id__in=[p.action_id for p in actions.values()]).values_list("action_id", "country__code"):
        action_countries.setdefault(pk, []).append(code)
    shown = []
    for hit in hits:
        lang = hit.language or settings.LANGUAGE_CODE
        stem_set = set(stems_by_lang.get(lang, {}))
        if hit.kind == ACTION:
            obj = actions.get(hit.object_id)
            if obj is None:
                continue
            title, texts = translate(obj.action.title, lang), [getattr(obj, n) for n in ACTION_TEXT_FIELDS]
            url, countries = f"/portal/actions/{obj.slug}/", action_countries.get(obj.action_id, ())
        else:
            obj = items.get(hit.object_id)
            if obj is None:
                continue
            title, texts = translate(obj.title, lang), [getattr(obj, n) for n in ITEM_TEXT_FIELDS]
            url, countries = f"/library/{obj.slug}/", item_countries.get(obj.pk, ())
        shown.append({
            "key": hit.key, "obj": obj, "url": url, "title_text": str(title), "title": str(_old_highlight(str(title), stem_set, lang)),
            "snippet": _old_snippet(texts, stem_set, lang),
            "countries": sorted(refs["country_name"].get(code, code) for code in countries),
            "text_language": title.lang or lang, "is_fallback": bool(getattr(title, "is_fallback", False)),
        })
    return shown


def _old_highlight(text, stem_set, lang):
    import html

    parts, plain = [], []
    for n, piece in enumerate(query._TOKEN.split(text or "")):
        if n % 2 == 1 and stem_set and not stem_set.isdisjoint(query.token_stems(piece, lang)):
            parts.append(html.escape("".join(plain)))
            parts.append(f"<mark>{html.escape(piece)}</mark>")
            plain = []
        else:
            plain.append(piece)
    parts.append(html.escape("".join(plain)))
    return "".join(parts)


def _old_snippet(values, stem_set, lang, size=query.SNIPPET_WORDS):
    chosen = start = None
    first = None
    for value in values:
        text = str(translate(value, lang))
        if not (text and text.strip()):
            continue
        if first is None:
            first = text
        if not stem_set:
            break
        for n, token in enumerate(text.split()):
            if not stem_set.isdisjoint(query.token_stems(token, lang)):
                chosen, start = text, max(0, n - size // 3)
                break
        if chosen is not None:
            break
    if chosen is None:
        if first is None:
            return ""
        chosen, start = first, 0
    tokens = chosen.split()
    piece = " ".join(tokens[start:start + size])
    return ("… " if start > 0 else "") + _old_highlight(piece, stem_set, lang) + (" …" if start + size < len(tokens) else "")


def _shown(result):
    return [{"key": h.key, "obj": h.obj, "url": h.url, "title_text": h.title_text, "title": str(h.title),
             "snippet": str(h.snippet), "countries": h.countries, "text_language": h.text_language,
             "is_fallback": h.is_fallback} for h in result.items]


def _readers(officer, focal_point):
    return {"anonymous": None, "member": focal_point, "staff": officer}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_items_shown_read_as_the_former_code_read_them(library, officer, focal_point, lang):
    for reader, user in _readers(officer, focal_point).items():
        for q in ("migration", "migración", "миграция", "frontalière", "zzznothing", ""):
            with translation.override(lang):
                result = search(user, q, lang)
                answer = query._answer(user, result.q, result.lang, result.filters, None, 1, 20)
                expected = _old_fill_page(user, answer.hits, answer.stems_by_lang, query._reference(result.lang))
                assert _shown(result) == expected, (reader, q)
                if q == "migration":
                    assert len(expected) >= (2 if reader == "anonymous" else 3), reader
                keys = {h.key for h in result.items}
                assert (ACTION, library["hidden"].pk) not in keys
                assert (library["draft"].kind, library["draft"].pk) not in keys
                if reader != "staff":
                    assert (library["staff"].kind, library["staff"].pk) not in keys
                if reader == "anonymous":
                    assert (library["members"].kind, library["members"].pk) not in keys


def test_the_snippet_is_found_in_a_later_section_and_the_hostile_text_is_escaped(library, officer):
    result = search(officer, "migración", "es")
    later = next(h for h in result.items if h.obj == library["later"])
    assert str(later.snippet).startswith("Lecciones: <mark>migración</mark>")
    assert "\u202e" in str(later.snippet) and "\u200b" in str(later.snippet)
    public = next(h for h in search(officer, "migration", "en").items if h.obj == library["public"])
    assert "<script>" not in str(public.title) and "&lt;script&gt;" in str(public.title)
    assert "<mark>migration</mark>" in str(public.snippet) and "{{ var }}" in str(public.snippet)


def test_an_item_withdrawn_or_hidden_since_is_not_shown_by_a_kept_statement(library, officer, focal_point):
    assert library["members"] in [h.obj for h in search(focal_point, "migration", "en").items]
    LibraryItem.objects.filter(pk=library["members"].pk).update(status=LibraryItem.Status.WITHDRAWN)
    assert library["members"] not in [h.obj for h in search(focal_point, "migration", "en").items]
    assert library["members"] in [h.obj for h in search(officer, "migration", "en").items]  # staff see withdrawn ones
    PublishedAction.objects.filter(pk=library["action"].pk).update(is_published=False)
    assert library["action"] not in [h.obj for h in search(None, "migration", "en").items]


def test_a_text_stored_as_plain_text_reads_as_the_field_read_it():
    assert query._json('{"en": "x"}') == {"en": "x"}
    assert query._json("not json") == "not json"
    assert query._json(None) is None
    assert query._json('"plain"') == "plain"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("text", [HOSTILE, RTL, "Миграция <граница> & «миграции»", "", "migration"])
def test_highlight_and_snippets_read_as_word_by_word(lang, text):
    stem_set = set(query.query_stems("migration миграция migración migração", lang)[lang])
    for stems in (stem_set, set()):
        assert str(highlight(text, stems, lang)) == _old_highlight(text, stems, lang)
        values = [{}, {lang: "filler " * 50}, {lang: " ".join(["x"] * 20 + [text] + ["y <z>"] * 40)}]
        assert str(snippet_of(values, stems, lang)) == _old_snippet(values, stems, lang)
        assert str(snippet_of(iter(values), stems, lang, size=5)) == _old_snippet(values, stems, lang, size=5)


def test_the_page_costs_the_same_queries_at_two_sizes(library, officer):
    client = Client()
    client.force_login(officer)
    small, _response = count_queries(lambda: client.get("/search/", {"q": "migration"}))
    for n in range(8):
        make_item({"en": f"Migration extra {n}"}, summary="More migration.", countries=["MX", "UA"])
    large, response = count_queries(lambda: client.get("/search/", {"q": "migration"}))
    assert response.status_code == 200
    assert_flat(small, large)


# ------------------------------------------------------------------------------------------------ the API


def _validated_answer(user, lang, **params) -> bytes:
    """The answer as the route gave it before: a dict validated by django-ninja in ``SearchOut``."""
    result = search(user, params.get("q", ""), lang, kinds=params.get("type", ()), countries=params.get("country", ()),
                    page=params.get("page", 1), per_page=params.get("per_page", 20))
    answer = {
        "count": result.count, "page": result.page.number, "expanded": result.expanded,
        "facets": {name: [vars(v) for v in values] for name, values in result.facets.items()},
        "items": [{
            "kind": h.kind, "id": h.object_id, "title": h.title_text, "url": h.url, "snippet": str(h.snippet),
            "score": h.score, "language": h.text_language or h.language, "countries": h.countries, "year": h.year,
            "why": [str(w) for w in h.why], "matched_by_meaning": h.matched_by_meaning,
        } for h in result.items],
    }
    return json.dumps(api_search.SearchOut.model_validate(answer).model_dump(), cls=NinjaJSONEncoder).encode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_api_answers_the_validated_answer_byte_for_byte(api_client, library, officer, focal_point, lang):
    for user, client in ((officer, api_client(officer)), (focal_point, api_client(focal_point)), (None, Client())):
        for params in ({"q": "migration"}, {"q": "миграция", "type": ["case_study", "action"]},
                       {"q": "migration", "country": ["MX"], "per_page": 2, "page": 2}, {"q": ""}, {"q": "zzz"}):
            response = client.get("/api/v1/search", {**params, "lang": lang}, HTTP_ACCEPT_LANGUAGE=lang)
            assert response.status_code == 200
            with translation.override(lang):
                assert response.content == _validated_answer(user, lang, **params), (user, params)


def test_an_answer_built_is_what_model_construct_and_validation_give(library, officer):
    result = search(officer, "migration", "en")
    built = api_search.answer_of(result)
    assert built.items and built.facets
    for schema, instance in [(api_search.SearchOut, built), *((api_search.SearchItemOut, i) for i in built.items),
                             *((api_search.FacetOut, f) for values in built.facets.values() for f in values)]:
        constructed = schema.model_construct(**instance.__dict__)
        assert instance.__dict__ == constructed.__dict__
        assert instance.model_fields_set == constructed.model_fields_set == set(schema.model_fields)
        assert instance.__pydantic_extra__ == constructed.__pydantic_extra__
        assert instance.__pydantic_private__ == constructed.__pydantic_private__
        assert schema.model_validate(instance.model_dump()).model_dump() == instance.model_dump()


def test_hits_show_their_item_only_once_read():
    hit = Hit(kind="case_study", object_id=7, score=1.0)
    assert hit.obj is None
    hit.shown = (LibraryItem, "slug-7")
    assert hit.obj == LibraryItem(pk=7) and hit.obj.slug == "slug-7"


# ------------------------------------------------------------------------------------------------ the filters' markup

# The filters and the choice of language as the page's template wrote them (the filter's markup was an include).
OLD_FILTERS = (
    "{% for group in facet_groups %}{% if group.values %}\n"
    '<details class="search__facet"{% if group.open %} open{% endif %}>\n'
    "  <summary>{{ group.legend }}</summary>\n"
    "  <fieldset>\n"
    '    <legend class="visually-hidden">{{ group.legend }}</legend>\n'
    "    {{ group.checks }}\n"
    "  </fieldset>\n"
    "</details>\n"
    "{% endif %}\n{% endfor %}"
)
OLD_LANGUAGES = (
    '{% for code, native in query_languages %}<option value="{{ code }}" lang="{{ code }}" '
    "{% if code == result.lang %}selected{% endif %}>{{ native }}</option>{% endfor %}"
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_filters_and_languages_read_as_the_template_wrote_them(lang):
    from django.template import Context, Template
    from django.utils.translation import gettext_lazy

    from pontis.knowledge import views_search
    from pontis.knowledge.search.query import FacetValue

    values = [FacetValue("a&b", HOSTILE, 3, True), FacetValue("x", RTL, 1, False), FacetValue("y", "{{ y }}", 0, False)]
    with translation.override(lang):
        groups = [
            {"name": name, "legend": legend, "values": chosen, "checks": views_search._checks(name, chosen),
             "open": is_open}
            for name, legend, chosen, is_open in (
                ("type", gettext_lazy("Type"), values, True), ("theme", HOSTILE, values[:1], False),
                ("topic", gettext_lazy("Topic"), [], False), ("country", RTL, values, False),
            )
        ]
        expected = Template(OLD_FILTERS).render(Context({"facet_groups": groups}))
        assert str(views_search.facets_html(groups)) == expected
        assert expected.count("<details") == 3
        natives = {"en": HOSTILE, "fr": "Français", "es": RTL, "pt": "Português", "ru": "Русский"}
        with override_settings(LANGUAGE_NAMES_NATIVE=natives):
            for chosen in (lang, "xx"):
                languages = [(code, settings.LANGUAGE_NAMES_NATIVE[code]) for code in ("en", "fr", "es", "pt", "ru")]
                expected = Template(OLD_LANGUAGES).render(Context({"query_languages": languages,
                                                                   "result": {"lang": chosen}}))
                assert str(views_search._language_options(chosen)) == expected
