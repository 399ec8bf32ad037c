"""The inverted index (SearchTerm): written with the documents, equal to them, and what search reads.

The postings must say exactly what the documents' padded strings say (counts of whole words, title words,
concepts), so that ranking and the "why this result" reasons read from them are the same as read from the text.
"""

import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import override_settings

from pontis.knowledge.models import SearchDocument, SearchTerm
from pontis.knowledge.search import index, query
from tests.queries import assert_flat, count_queries

from .search_factories import make_concept, make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keywords_only")]


@pytest.fixture
def _keywords_only():
    with override_settings(PONTIS_MEANING_ENCODER="off"):
        yield


@pytest.fixture
def library():
    thb = make_concept("p_thb", {"en": "trafficking in human beings", "es": "trata de personas"})
    victims = make_concept("p_victims", {"en": "victim identification"}, broader=[thb])
    return [
        make_item(
            "Referral of victims", summary="Victims of trafficking are referred; victims are identified.", concepts=[victims]
        ),
        make_item(
            {"es": "Trata de personas en frontera", "en": "Trafficking at the border"},
            summary={"es": "Guía para identificar víctimas de trata."},
            concepts=[thb],
        ),
        make_item("Migration data", summary="Migration statistics, migration flows and migrants.", year=2019),
        make_item("Staff notes on migration", visibility="staff", summary="Internal."),
    ]


def _postings():
    return sorted(SearchTerm.objects.values_list("document_id", "language", "term", "count", "in_title"))


def _expected(doc):
    """The postings of one document, read from its padded strings the way the former text search read them."""
    found = []
    for stem in set(doc.terms.split()) | set(doc.title_terms.split()):
        count = len(re.findall(f"(?= {re.escape(stem)} )", doc.terms))
        found.append((doc.pk, doc.language, stem, count, f" {stem} " in doc.title_terms))
    found += [(doc.pk, doc.language, f"#{cid}", 1, False) for cid in doc.concept_ids.split()]
    return found


def test_postings_say_what_the_documents_say(library):
    expected = sorted(p for doc in SearchDocument.objects.all() for p in _expected(doc))
    assert expected
    assert _postings() == expected


def test_rebuilding_an_item_replaces_its_postings_and_rebuild_all_writes_the_same(library):
    before = _postings()
    item = library[0]
    index.build_documents(item.kind, item.pk)
    index.build_documents(item.kind, item.pk)  # twice: idempotent
    documents = set(SearchDocument.objects.values_list("pk", flat=True))
    assert set(SearchTerm.objects.values_list("document_id", flat=True)) <= documents
    assert sorted(p[1:] for p in _postings()) == sorted(p[1:] for p in before)
    index.rebuild_all()
    assert sorted(p[1:] for p in _postings()) == sorted(p[1:] for p in before)


def test_an_item_withdrawn_loses_its_postings(library):
    item = library[0]
    item.status = "draft"
    item.save()
    index.build_documents(item.kind, item.pk)
    assert not SearchTerm.objects.filter(document__object_id=item.pk, document__kind=item.kind).exists()


def test_the_migration_fills_the_postings_of_stored_documents_as_the_index_writes_them(library):
    written = _postings()
    SearchTerm.objects.all().delete()
    migration = importlib.import_module("pontis.knowledge.migrations.0003_search_terms")
    migration.fill(django_apps, SimpleNamespace(connection=connection))
    assert sorted(p[1:] for p in _postings()) == sorted(p[1:] for p in written)


def _reference_score(doc, lang, stems_by_lang, expanded):
    """The former scoring: regular expressions over the document's padded strings."""
    found = stems_by_lang.get(doc.language, {})
    score, matched, in_title = 0.0, [], []
    if found:
        text = 0.0
        for stem, word in found.items():
            if f" {stem} " in doc.title_terms:
                text += query.TITLE_WEIGHT
                in_title.append(word)
            count = len(re.findall(f"(?= {re.escape(stem)} )", doc.terms))
            if count:
                text += query.TEXT_WEIGHT + query.REPEAT_BONUS * min(count - 1, query.MAX_REPEATS)
                matched.append(word)
        if len(found) > 1 and len(matched) == len(found):
            text += query.ALL_WORDS_BONUS
        if doc.language != lang:
            text *= query.OTHER_LANGUAGE_FACTOR
        score += text
    ids = {int(v) for v in doc.concept_ids.split()}
    concepts = sorted(((c, w) for c, w in expanded.items() if c in ids), key=lambda cw: (-cw[1], cw[0]))
    if concepts:
        score += query.CONCEPT_WEIGHT * concepts[0][1]
    return round(score, 6), matched, in_title, concepts


@pytest.mark.parametrize(
    ("q", "lang"),
    [("victims referred", "en"), ("trata de personas", "es"), ("migration", "en"), ("trafficking in human beings", "en")],
)
def test_scores_from_the_postings_equal_the_scores_from_the_text(library, q, lang):
    stems_by_lang = query.query_stems(q, lang)
    expanded = query.expand_query(q, lang)
    rows = query._candidates(None, lang, stems_by_lang, expanded, browse=False)
    assert rows
    documents = {(d.kind, d.object_id, d.language): d for d in SearchDocument.objects.all()}
    terms = query._concept_terms(expanded)
    for row in rows:
        doc = documents[(row["kind"], row["object_id"], row["language"])]
        assert query._score(row, lang, stems_by_lang, terms) == _reference_score(doc, lang, stems_by_lang, expanded)


def test_a_search_costs_the_same_queries_whatever_the_size_of_the_library(library, django_user_model):
    small, result = count_queries(lambda: query.search(None, "migration victims", "en"))
    assert result.count
    for n in range(12):
        make_item(f"Migration report {n}", summary="Victims and migration.", year=2000 + n)
    large, bigger = count_queries(lambda: query.search(None, "migration victims", "en"))
    assert bigger.count > result.count
    assert_flat(small, large)
