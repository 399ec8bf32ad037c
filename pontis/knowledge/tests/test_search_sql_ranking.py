"""Searches with many matches are counted and ranked in SQL: the answer is exactly the one scoring every match in
Python gives (order, scores, reasons, count, filter counts, pages), on SQLite and PostgreSQL alike.

Run this file on PostgreSQL too: DATABASE_URL=postgres://postgres@127.0.0.1:5432/pontis_t_search pytest <this file>.
The old way is the same function with the SQL path switched off (``SQL_FROM`` above any library).
"""

import random

import numpy as np
import pytest
from django.test import override_settings

from pontis.core.models import Country, ThematicArea, Topic
from pontis.knowledge import meaning
from pontis.knowledge.models import Embedding
from pontis.knowledge.search import query
from tests.queries import assert_flat, count_queries

from .search_factories import make_concept, make_item

pytestmark = [pytest.mark.django_db]

WORDS = ["migration", "border", "trafficking", "labour", "diaspora", "data", "victims", "returns", "asylum"]
WORDS_ES = ["migración", "frontera", "trata", "personas", "víctimas", "datos"]
WORDS_FR = ["migration", "frontière", "traite", "victimes", "données"]
KINDS = ["case_study", "practice", "shared_deliverable", "publication"]


@pytest.fixture
def _keywords_only():
    with override_settings(PONTIS_MEANING_ENCODER="off"):
        yield


@pytest.fixture
def thesaurus():
    irregular = make_concept("s_irregular", {"en": "irregular migration", "es": "migración irregular"})
    thb = make_concept(
        "s_thb",
        {"en": "trafficking in human beings", "es": "trata de personas", "fr": "traite des êtres humains"},
        broader=[irregular],
    )
    victims = make_concept("s_victims", {"en": "victim identification"}, broader=[thb])
    return [irregular, thb, victims]


def _sentence(rng, words, n):
    return " ".join(rng.choice(words) for _ in range(n))


def _library(thesaurus, n, *, seed=7):
    """``n`` items of every kind, in one to three languages, with words repeated, concepts, themes, topics,
    countries and years drawn from a fixed seed (so the two databases hold the same library)."""
    rng = random.Random(seed)
    countries = sorted(Country.objects.values_list("code", flat=True))[:12]
    themes = sorted(ThematicArea.objects.values_list("code", flat=True))[:5]
    topics = sorted(Topic.objects.values_list("code", flat=True))[:6]
    items = []
    for _n in range(n):
        title = {"en": _sentence(rng, WORDS, rng.randint(1, 3))}
        summary = {"en": _sentence(rng, WORDS, rng.randint(2, 12))}
        if rng.random() < 0.4:
            title["es"] = _sentence(rng, WORDS_ES, rng.randint(1, 3))
            summary["es"] = _sentence(rng, WORDS_ES, rng.randint(2, 8))
        if rng.random() < 0.2:
            title = {"fr": _sentence(rng, WORDS_FR, 2)}
            summary = {"fr": _sentence(rng, WORDS_FR, rng.randint(2, 8))}
        items.append(
            make_item(
                title,
                summary=summary,
                kind=rng.choice(KINDS),
                year=rng.choice([2018, 2019, 2020, 2021, 2022]),
                visibility="staff" if rng.random() < 0.15 else "public",
                concepts=rng.sample(thesaurus, rng.randint(0, 2)),
                countries=rng.sample(countries, rng.randint(0, 3)),
                themes=rng.sample(themes, rng.randint(0, 2)),
                topics=rng.sample(topics, rng.randint(0, 2)),
            )
        )
    return items, {"country": countries, "theme": themes, "topic": topics}


def _answer(result):
    return {
        "count": result.count,
        "page": result.page.number,
        "num_pages": result.page.paginator.num_pages,
        "items": [
            (
                h.kind,
                h.object_id,
                h.score,
                h.language,
                h.text_language,
                [str(w) for w in h.why],
                h.matched_by_meaning,
                h.title_text,
                str(h.snippet),
                h.countries,
            )
            for h in result.items
        ],
        "facets": {name: [vars(v) for v in values] for name, values in result.facets.items()},
        "expanded": result.expanded,
    }


@pytest.fixture
def sql_path(monkeypatch):
    """Spy on the SQL path: how many searches it answered."""
    answered = []
    many = query._many_matches

    def spy(*args, **kwargs):
        found = many(*args, **kwargs)
        answered.append(found is not None)
        return found

    monkeypatch.setattr(query, "_many_matches", spy)
    return answered


def _both(monkeypatch, sql_path, user, *args, **kwargs):
    """(answer of the SQL path, answer scoring every match in Python), and that the SQL path did answer."""
    sql_path.clear()
    new = _answer(query.search(user, *args, **kwargs))
    assert sql_path == [True]
    with monkeypatch.context() as m:
        m.setattr(query, "SQL_FROM", 10**9)
        old = _answer(query.search(user, *args, **kwargs))
    return new, old


SEARCHES = [
    ("migration", "en", {}),
    ("migration border", "en", {}),
    ("migration border", "en", {"page": 2}),
    ("migration", "en", {"page": 99, "per_page": 5}),
    ("migration", "en", {"kinds": ["case_study", "practice"]}),
    ("migration", "en", {"kinds": ["case_study", "practice"], "page": 2, "per_page": 7}),
    ("trata de personas", "es", {}),
    ("trata de personas", "es", {"languages": ["es"]}),
    ("migración", "es", {"languages": ["en", "fr"], "kinds": ["practice"]}),
    ("trafficking victims", "en", {"years": ["2019", "2021"], "kinds": ["publication"]}),
    ("traite", "fr", {}),
    ("data", "en", {"years": ["1990"]}),
    ("migration", "en", {"kinds": ["nothing"], "languages": ["xx"]}),
]


@pytest.mark.usefixtures("_keywords_only")
@pytest.mark.parametrize("user_role", ["anonymous", "officer"])
def test_the_sql_path_answers_exactly_as_scoring_every_match(monkeypatch, sql_path, thesaurus, user_role, request):
    monkeypatch.setattr(query, "SQL_FROM", 3)
    monkeypatch.setattr(query, "RERANK_TOP", 8)
    user = request.getfixturevalue("officer") if user_role == "officer" else None
    _items, codes = _library(thesaurus, 60)
    searches = [
        *SEARCHES,
        ("migration", "en", {"themes": codes["theme"][:2]}),
        ("migration", "en", {"themes": codes["theme"][:1], "countries": codes["country"][:3], "per_page": 5}),
        ("victims", "en", {"topics": codes["topic"][1:3], "regions": ["nowhere"], "countries": ["fr", "%"]}),
        ("migration data", "en", {"countries": codes["country"][2:4], "languages": ["en"], "page": 3, "per_page": 3}),
    ]
    found = []
    for q, lang, options in searches:
        new, old = _both(monkeypatch, sql_path, user, q, lang, **options)
        assert new == old, (q, lang, options)
        found.append(old["count"])
    assert sum(1 for count in found if count > 8) >= 10  # most of them page through many results


@pytest.mark.usefixtures("_keywords_only")
def test_a_concept_searched_without_words_is_counted_in_sql_too(monkeypatch, sql_path, thesaurus):
    monkeypatch.setattr(query, "SQL_FROM", 3)
    monkeypatch.setattr(query, "RERANK_TOP", 4)
    _library(thesaurus, 40)
    new, old = _both(monkeypatch, sql_path, None, "", "en", concept="s_thb")
    assert old["count"] > 5
    assert new == old


@pytest.mark.usefixtures("_keywords_only")
def test_at_the_default_sizes_a_common_word_is_answered_in_sql_as_in_python(monkeypatch, sql_path, thesaurus):
    _library(thesaurus, 170, seed=3)
    for options in ({}, {"kinds": ["case_study", "practice"]}, {"page": 3}):
        new, old = _both(monkeypatch, sql_path, None, "migration", "en", **options)
        assert new == old, options
        assert new["count"] > (query.RERANK_TOP if not options.get("kinds") else 20)


def test_the_meaning_re_ranking_of_the_head_is_the_same(monkeypatch, sql_path, thesaurus):
    """A stand-in encoder and stored vectors, so that meaning re-orders the head and rescales what follows."""

    class Letters:
        name = "letters-search/1"

        def encode(self, texts):
            rows = np.array([[t.count(c) for c in "abcdefgimnorst"] for t in texts], dtype=np.float32) + 0.01
            return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    meaning.register_encoder("letters-search", Letters)
    monkeypatch.setattr(query, "SQL_FROM", 3)
    monkeypatch.setattr(query, "RERANK_TOP", 6)
    try:
        with override_settings(PONTIS_MEANING_ENCODER="letters-search"):
            items, _codes = _library(thesaurus, 40)
            rng = random.Random(5)
            for item in items:
                Embedding.objects.create(
                    kind=item.kind,
                    object_id=item.pk,
                    model=Letters.name,
                    text_hash="x",
                    vector=meaning.to_bytes(Letters().encode([_sentence(rng, WORDS, 4)])[0]),
                )
            for options in ({}, {"kinds": ["case_study", "practice"]}, {"page": 2, "per_page": 5}):
                new, old = _both(monkeypatch, sql_path, None, "migration", "en", **options)
                assert new == old, options
            keyword_order = sorted(new["items"], key=lambda row: -row[2])
            assert new["items"] == keyword_order  # scores shown are the blended ones, in the order shown
    finally:
        meaning.ENCODERS.pop("letters-search", None)


@pytest.mark.usefixtures("_keywords_only")
def test_a_search_with_many_matches_costs_the_same_queries_at_two_sizes(monkeypatch, sql_path, thesaurus):
    monkeypatch.setattr(query, "SQL_FROM", 3)
    _library(thesaurus, 20, seed=1)
    options = {"kinds": ["case_study", "practice"], "languages": ["en"]}
    small, result = count_queries(lambda: query.search(None, "migration border", "en", **options))
    _library(thesaurus, 40, seed=2)
    large, bigger = count_queries(lambda: query.search(None, "migration border", "en", **options))
    assert all(sql_path)
    assert bigger.count > result.count > 3
    assert_flat(small, large)
