"""One search over the library and the portal's Actions, ranked the same on SQLite and PostgreSQL.

Retrieval reads the inverted index (``SearchTerm``, one posting per term of a document) through its index: only the
postings of the query's stems, each in its own language, and of its concepts ("#12"), then the facet columns of the
documents they point to. Scores, the best language document of each item, filters, facet counts and paging follow
one definition, deterministically: equal scores are ordered by kind, then id. So both databases answer the same
items in the same order.

Two ways compute that definition. A search matching few items (SQL_FROM) scores every match in Python. A search
matching more (a common word matches most of a large library) lets one SQL statement (``ranking``) count the
results and the filter values and find the keys of the best items, in whole millionths of a point, and scores only
those again in Python, with their reasons; an item whose two scores differ sends the search back to the first way.
The tests compare the two on the same data, so the count, the filter counts, the order, the scores and the reasons
shown do not depend on which way answered.

Visibility comes first: the candidate query reads only documents of the levels the reader may see, and of items the
library's and the portal's policies let them open; facet counts are computed from those candidates only, so an
item the reader may not see is never counted, suggested or hinted at.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from dataclasses import dataclass, field
from itertools import compress, repeat
from itertools import count as counting
from operator import not_

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pontis.actions.models import Action
from pontis.core.awaiting import prepared_rows
from pontis.core.forms import reference_version
from pontis.core.i18n import content_languages, translate
from pontis.core.models import Country, Region, ThematicArea, Topic

from .. import meaning, thesaurus
from ..models import Concept, LibraryItem, PublishedAction, SearchDocument, SearchTerm
from ..permissions import LibraryItemPolicy, PublishedActionPolicy, reader_class, visibility_levels
from ..selectors import kept_seconds
from ..text import fold, stems, token_stems, words
from . import ranking
from .index import ACTION, ACTION_TEXT_FIELDS, ITEM_TEXT_FIELDS, KINDS, LIBRARY_KINDS, concept_term
from .stopwords import is_stopword

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
MAX_PER_PAGE = 50
KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}

# Weights. A query word in the title counts four times one in the text (the title's words are also in the text);
# a concept found through the thesaurus counts by its expansion weight (the concept itself 1.0, a narrower one
# 0.8, a broader one 0.5); a document in another language than the query's (a shared word, a name) counts less.
TITLE_WEIGHT = 3.0
TEXT_WEIGHT = 1.0
REPEAT_BONUS = 0.1  # per further occurrence in the text, up to MAX_REPEATS
MAX_REPEATS = 4
ALL_WORDS_BONUS = 1.5  # every query word found
CONCEPT_WEIGHT = 3.0
OTHER_LANGUAGE_FACTOR = 0.6
ORIGINAL_BONUS = 0.05  # an item written in the reader's language, all else equal

SNIPPET_WORDS = 32


# ---------------------------------------------------------------------------------------------- results


@dataclass
class Hit:
    """One result: an item (library item or published Action), its best document and why it matched."""

    kind: str
    object_id: int
    score: float
    language: str = ""
    is_original: bool = True
    matched_words: list[str] = field(default_factory=list)
    title_words: list[str] = field(default_factory=list)
    concepts: list[tuple[int, float]] = field(default_factory=list)  # (concept id, expansion weight)
    matched_by_meaning: bool = False
    # Facets of the item, from its documents.
    theme_ids: tuple[int, ...] = ()
    topic_ids: tuple[int, ...] = ()
    country_codes: tuple[str, ...] = ()
    region_codes: tuple[str, ...] = ()
    year: int | None = None
    languages: tuple[str, ...] = ()
    # Filled for the page shown.
    shown: tuple | None = None  # (model, short name) of the item, once read through its policy for this view
    title: SafeString | str = ""
    title_text: str = ""
    snippet: SafeString | str = ""
    url: str = ""
    countries: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    text_language: str = ""  # the language of the text shown (the page marks a fallback)
    is_fallback: bool = False

    @property
    def key(self):
        return (self.kind, self.object_id)

    @property
    def obj(self):
        """The item shown (a model instance holding its id and short name), or None when it is not shown (the
        reader may not open it, or it was not read)."""
        if self.shown is None:
            return None
        model, slug = self.shown
        return model.from_db(DEFAULT_DB_ALIAS, ["id", "slug"], (self.object_id, slug))

    @property
    def kind_label(self) -> str:
        if self.kind == ACTION:
            return _("Action")
        return str(LibraryItem.Kind(self.kind).label) if self.kind in LIBRARY_KINDS else self.kind


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    q: str
    lang: str
    items: list[Hit]
    count: int
    facets: dict[str, list[FacetValue]]
    page: object  # a Django Page of hits (for the paging links)
    expanded: dict
    filters: dict
    concept: object = None

    @property
    def filtered(self) -> bool:
        return any(self.filters.values())


# ---------------------------------------------------------------------------------------------- the query


def query_language(lang: str | None) -> str:
    lang = (lang or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return lang if lang in content_languages() else settings.LANGUAGE_CODE


def _query_words(q: str) -> list[str]:
    seen, found = set(), []
    for word in words(q[:MAX_QUERY_LENGTH]):
        if word not in seen:
            seen.add(word)
            found.append(word)
    return found[:MAX_QUERY_WORDS]


def query_stems(q: str, lang: str) -> dict[str, dict[str, str]]:
    """For each UI language: stem -> the query word it comes from, function words left out.

    Each document is compared with the query stemmed by the rules of the document's own language."""
    qwords = _query_words(q)
    by_lang = {}
    for doc_lang in content_languages():
        found = {}
        for word in qwords:
            if is_stopword(word, lang) or is_stopword(word, doc_lang):
                continue
            for stem in stems(word, doc_lang):
                found.setdefault(stem, word)
        by_lang[doc_lang] = found
    return by_lang


def expand_query(q: str, lang: str, concept: Concept | None = None) -> dict[int, float]:
    """Concept id -> weight: the concepts the query names in any language (or the one asked for), expanded."""
    direct: set[int] = set()
    if concept is not None:
        direct.add(concept.pk)
    if q.strip():
        direct |= {int(i) for i in thesaurus.match_concepts(q[:MAX_QUERY_LENGTH], lang)}
    if not direct:
        return {}
    expanded = {int(k): float(v) for k, v in thesaurus.expand(direct).items()}
    for cid in direct:
        expanded[cid] = max(expanded.get(cid, 0.0), 1.0)
    return expanded


def concept_by_code(code: str) -> Concept | None:
    code = (code or "").strip()[:80]
    if not code:
        return None
    return Concept.objects.filter(code=code).prefetch_related("labels").first()


def _visible_documents(user):
    """The documents ``user`` may see: their visibility levels, and items the policies let them open."""
    items = LibraryItemPolicy().visible_to(user).values("pk")
    actions = PublishedActionPolicy().visible_to(user).filter(is_published=True).values("pk")
    return SearchDocument.objects.filter(visibility__in=visibility_levels(user)).filter(
        Q(kind__in=LIBRARY_KINDS, object_id__in=items) | Q(kind=ACTION, object_id__in=actions)
    )


_FACET_COLUMNS = ranking.FACET_COLUMNS


def _candidates(user, lang: str, stems_by_lang: dict, expanded: dict[int, float], *, browse: bool, keys=None):
    """The visible documents matching a stem (in their language) or a concept, each with its postings of the query
    (two queries, through the postings' index); to browse, every item's document in the reader's language (each
    item has one) and its originals (for the language facet). With ``keys`` ((kind, id) pairs), only the documents
    of those items and their postings."""
    docs = _visible_documents(user)
    if browse:
        return list(docs.filter(Q(language=lang) | Q(is_original=True)).values(*_FACET_COLUMNS, "concept_ids"))
    wanted = {doc_lang: set(found) for doc_lang, found in stems_by_lang.items()}
    concepts = {concept_term(cid) for cid in expanded}
    terms = sorted(set().union(concepts, *wanted.values()))
    if not terms:
        return []
    # One list of terms, whatever their language (a stem's language is checked below): the lookup then reads the
    # postings' index only, in one range per term, never the table.
    postings = SearchTerm.objects.filter(term__in=terms)
    # An item has a document in each UI language; those in a third language are built from the same text as its
    # original, so they add nothing to the reader's language's document and the originals (the language facet
    # reads the originals). Reading them would multiply the rows by five on a large library.
    docs = docs.filter(Q(language=lang) | Q(is_original=True))
    if keys is not None:
        rows = {row["pk"]: row for row in docs.filter(ranking.keys_filter(keys)).values("pk", *_FACET_COLUMNS)}
        postings = postings.filter(document_id__in=sorted(rows))
    else:
        rows = {row["pk"]: row for row in docs.filter(pk__in=postings.values("document_id")).values("pk", *_FACET_COLUMNS)}
    matched = set()
    for document_id, doc_lang, term, count, in_title in postings.values_list(
        "document_id", "language", "term", "count", "in_title"
    ):
        row = rows.get(document_id)
        if row is not None and (term in concepts or term in wanted.get(doc_lang, ())):
            row.setdefault("postings", {})[term] = (count, in_title)
            matched.add(document_id)
    return [row for pk, row in rows.items() if pk in matched]


def _ints(padded: str) -> tuple[int, ...]:
    return tuple(int(v) for v in padded.split() if v.isdigit())


def _concept_terms(expanded: dict[int, float]) -> list[tuple[int, float, str]]:
    """(concept id, weight, posting term) of the query's concepts, the heaviest first (then by id)."""
    return [(cid, w, concept_term(cid)) for cid, w in sorted(expanded.items(), key=lambda cw: (-cw[1], cw[0]))]


def _score(doc: dict, lang: str, stems_by_lang: dict, concept_terms: list[tuple[int, float, str]]):
    """(score, matched query words, title words, matched concepts) of one document, from its postings."""
    found = stems_by_lang.get(doc["language"], {})
    postings = doc["postings"]
    score = 0.0
    matched, in_title = [], []
    if found:
        text = 0.0
        for stem, word in found.items():
            count, title = postings.get(stem, (0, False))
            if title:
                text += TITLE_WEIGHT
                in_title.append(word)
            if count:
                text += TEXT_WEIGHT + REPEAT_BONUS * min(count - 1, MAX_REPEATS)
                matched.append(word)
        if len(found) > 1 and len(matched) == len(found):
            text += ALL_WORDS_BONUS
        if doc["language"] != lang:
            text *= OTHER_LANGUAGE_FACTOR
        score += text
    concepts = []
    if concept_terms:
        concepts = [(cid, w) for cid, w, term in concept_terms if term in postings]
        if concepts:
            score += CONCEPT_WEIGHT * concepts[0][1]
    return round(score, 6), matched, in_title, concepts


def _hits(rows, lang: str, stems_by_lang: dict, expanded: dict, *, browse: bool) -> list[Hit]:
    """One hit per item: its best document (highest score, then the reader's language, then original text)."""
    best: dict[tuple, tuple] = {}
    languages: dict[tuple, set] = {}
    concept_terms = _concept_terms(expanded)
    for doc in rows:
        key = (doc["kind"], doc["object_id"])
        if doc["is_original"]:
            languages.setdefault(key, set()).add(doc["language"])
        if browse:
            score, matched, in_title, concepts = 0.0, [], [], []
        else:
            score, matched, in_title, concepts = _score(doc, lang, stems_by_lang, concept_terms)
            if score <= 0:
                continue
        rank = (score, doc["language"] == lang, doc["is_original"], doc["language"])
        if key not in best or rank > best[key][0]:
            best[key] = (rank, doc, matched, in_title, concepts)
    hits = []
    for key, (rank, doc, matched, in_title, concepts) in best.items():
        # An item written in the reader's language comes first among equals.
        score = round(rank[0] + ORIGINAL_BONUS, 6) if rank[0] and lang in languages.get(key, ()) else rank[0]
        hits.append(
            Hit(
                kind=doc["kind"],
                object_id=doc["object_id"],
                score=score,
                language=doc["language"],
                is_original=doc["is_original"],
                matched_words=matched,
                title_words=in_title,
                concepts=concepts,
                theme_ids=_ints(doc["theme_ids"]),
                topic_ids=_ints(doc["topic_ids"]),
                country_codes=tuple(doc["country_codes"].split()),
                region_codes=tuple(doc["region_codes"].split()),
                year=doc["year"],
                languages=tuple(sorted(languages.get(key, ()))),
            )
        )
    if browse:  # newest first, then by kind and id
        hits.sort(key=lambda h: (-(h.year or 0), KIND_ORDER.get(h.kind, 99), h.object_id))
    else:
        hits.sort(key=lambda h: (-h.score, KIND_ORDER.get(h.kind, 99), h.object_id))
    return hits


# ---------------------------------------------------------------------------------------------- filters, facets

DIMENSIONS = ("kind", "theme", "topic", "country", "region", "year", "language")


def _values(hit: Hit, dimension: str, refs) -> tuple:
    if dimension == "kind":
        return (hit.kind,)
    if dimension == "theme":
        return tuple(refs["theme_code"].get(i, "") for i in hit.theme_ids)
    if dimension == "topic":
        return tuple(refs["topic_code"].get(i, "") for i in hit.topic_ids)
    if dimension == "country":
        return hit.country_codes
    if dimension == "region":
        return hit.region_codes
    if dimension == "year":
        return (str(hit.year),) if hit.year else ()
    return hit.languages


def _failed(values: dict, filters: dict) -> list[str]:
    """The dimensions whose chosen values ``values`` (a hit's values per dimension) has none of."""
    return [dimension for dimension, chosen in filters.items() if chosen and not values[dimension] & chosen]


def _passing(hits: list[Hit], filters: dict, refs) -> list[Hit]:
    """The hits passing every filter, in their order."""
    chosen_sets = {dimension: set(chosen) for dimension, chosen in filters.items() if chosen}
    return [
        hit
        for hit in hits
        if not _failed({dimension: set(_values(hit, dimension, refs)) for dimension in chosen_sets}, chosen_sets)
    ]


def _facets(hits: list[Hit], filters: dict, refs) -> tuple[dict[str, list[FacetValue]], list[Hit]]:
    """Counts per value of each dimension, over the hits passing the OTHER dimensions' filters (so a reader sees
    what choosing one more value of the same dimension would add); and the hits passing every filter.

    One pass: a hit passing every filter counts in every dimension, a hit failing exactly one dimension counts in
    that dimension only, a hit failing two or more counts nowhere."""
    chosen_sets = {dimension: set(chosen) for dimension, chosen in filters.items() if chosen}
    counts: dict[str, dict[str, int]] = {dimension: {} for dimension in DIMENSIONS}
    shown = []
    for hit in hits:
        values = {dimension: set(_values(hit, dimension, refs)) for dimension in DIMENSIONS}
        failed = _failed(values, chosen_sets)
        if not failed:
            shown.append(hit)
            counted = DIMENSIONS
        elif len(failed) == 1:
            counted = failed
        else:
            continue
        for dimension in counted:
            dimension_counts = counts[dimension]
            for value in values[dimension]:
                if value:
                    dimension_counts[value] = dimension_counts.get(value, 0) + 1
    return _facet_values(counts, filters, refs), shown


def _facet_values(counts: dict[str, dict[str, int]], filters: dict, refs) -> dict[str, list[FacetValue]]:
    """The values shown for each dimension, from their counts: chosen ones always, those with a label, in order."""
    facets = {}
    for dimension in DIMENSIONS:
        dimension_counts = counts[dimension]
        chosen = set(filters.get(dimension) or ())
        for value in chosen:
            dimension_counts.setdefault(value, 0)
        labels = refs["labels"][dimension]
        values = [
            FacetValue(value, labels.get(value, value), count, value in chosen)
            for value, count in dimension_counts.items()
            if value in labels
        ]
        if dimension == "year":
            values.sort(key=lambda f: f.value, reverse=True)
        elif dimension in ("kind", "language"):
            order = list(labels)
            values.sort(key=lambda f: order.index(f.value))
        else:
            values.sort(key=lambda f: (-f.count, fold(f.label), f.value))
        facets[dimension] = values
    return facets


# The reference data's codes and labels per (query language, page language), for the current version of the
# reference data (``core.forms.reference_version`` changes whenever any of it is saved or deleted): read once per
# worker instead of four queries and some 300 translations per search.
_references: dict = {"version": None, "entries": {}}


def _reference(lang: str, years=()) -> dict:
    """Codes and labels of the reference data the facets show (read once per worker and version of the reference
    data, see ``_references``); the years' labels are set by ``_year_labels`` once the years are known. The answer
    is the caller's own: changing its labels changes no other search's."""
    version = reference_version()
    if _references["version"] != version:
        _references.update(version=version, entries={})
    entry = (lang, translation.get_language())
    base = _references["entries"].get(entry)
    if base is None:
        base = _references["entries"][entry] = _read_reference(lang)
    return {**base, "labels": {**base["labels"], "year": _year_labels(years)}}


def _read_reference(lang: str) -> dict:
    """The reference data's codes and labels (four queries, whatever the number of items)."""
    themes = list(ThematicArea.objects.only("pk", "code", "name"))
    topics = list(Topic.objects.only("pk", "code", "name"))
    countries = list(Country.objects.only("code", "name"))
    regions = list(Region.objects.only("code", "name"))
    names = dict(settings.LANGUAGES)
    return {
        "theme_code": {t.pk: t.code for t in themes},
        "topic_code": {t.pk: t.code for t in topics},
        "country_name": {c.code: str(translate(c.name, lang)) for c in countries},
        "labels": {
            "kind": {**{k: str(label) for k, label in LibraryItem.Kind.choices}, ACTION: _("Action")},
            "theme": {t.code: str(translate(t.name, lang)) for t in themes},
            "topic": {t.code: str(translate(t.name, lang)) for t in topics},
            "country": {c.code: str(translate(c.name, lang)) for c in countries},
            "region": {r.code: str(translate(r.name, lang)) for r in regions},
            "year": {},
            "language": {code: str(names[code]) for code in content_languages()},
        },
    }


def _year_labels(years) -> dict[str, str]:
    return {str(y): str(y) for y in years}


# ---------------------------------------------------------------------------------------------- the page shown


_TOKEN = re.compile(r"([^\W_]+)", re.UNICODE)


# ``html.escape`` in one call: the same five replacements, each character replaced once.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _first_found(tokens, stem_set: set[str], lang: str) -> int | None:
    """The index of the first of ``tokens`` holding a stem of ``stem_set``, or None. The tokens are compared one by
    one, up to the first found, by C iterators rather than a Python loop (a page compares some thousand tokens)."""
    found = compress(counting(), map(not_, map(stem_set.isdisjoint, map(token_stems, tokens, repeat(lang)))))
    return next(found, None)


def highlight(text: str, stem_set: set[str], lang: str) -> SafeString:
    """``text`` escaped, with the words whose stem is in ``stem_set`` wrapped in <mark> (after escaping)."""
    # Escaping goes character by character, so a run of pieces escaped at once reads the same.
    text = text or ""
    if not stem_set:
        return SafeString(text.translate(_ESCAPES))
    pieces = _TOKEN.split(text)  # text, word, text, word, ..., text
    found = list(map(stem_set.isdisjoint, map(token_stems, pieces[1::2], repeat(lang))))
    if all(found):
        return SafeString(text.translate(_ESCAPES))
    parts, start = [], 0
    for n in [2 * i + 1 for i, plain in enumerate(found) if not plain]:
        parts.append("".join(pieces[start:n]).translate(_ESCAPES))
        parts.append(f"<mark>{pieces[n].translate(_ESCAPES)}</mark>")
        start = n + 1
    parts.append("".join(pieces[start:]).translate(_ESCAPES))
    return SafeString("".join(parts))  # every piece is escaped above


def snippet(texts: list[str], stem_set: set[str], lang: str, *, size: int = SNIPPET_WORDS) -> SafeString:
    """About ``size`` words around the first query word found in ``texts`` (else their beginning), highlighted."""
    texts = [t for t in texts if t and t.strip()]
    if not texts:
        return SafeString("")
    if stem_set:
        for text in texts:
            tokens = text.split()
            n = _first_found(tokens, stem_set, lang)
            if n is not None:
                return _snippet_at(tokens, max(0, n - size // 3), stem_set, lang, size)
    return _snippet_at(texts[0].split(), 0, stem_set, lang, size)


def snippet_of(values, stem_set: set[str], lang: str, *, size: int = SNIPPET_WORDS) -> SafeString:
    """``snippet`` of the translated ``values`` (in ``lang``), translating them only until the chosen one: the
    first with a query word, else the first that is not empty."""
    first = None
    for value in values:
        text = str(translate(value, lang))
        if not (text and text.strip()):
            continue
        tokens = text.split()
        if first is None:
            first = tokens
        if not stem_set:
            break
        n = _first_found(tokens, stem_set, lang)
        if n is not None:
            return _snippet_at(tokens, max(0, n - size // 3), stem_set, lang, size)
    if first is None:
        return SafeString("")
    return _snippet_at(first, 0, stem_set, lang, size)


def _snippet_at(tokens: list[str], start: int, stem_set: set[str], lang: str, size: int) -> SafeString:
    piece = " ".join(tokens[start : start + size])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + size < len(tokens) else ""
    return SafeString(prefix + highlight(piece, stem_set, lang) + suffix)  # the rest is escaped


def item_url(item: LibraryItem) -> str:
    return reverse("library:detail", args=[item.slug])


def action_url(published: PublishedAction) -> str:
    return reverse("portal:action", args=[published.slug])


def _why(hit: Hit, concept_labels: dict[int, str], direct: set[int]) -> list[str]:
    reasons = []
    if hit.title_words:
        reasons.append(_("In the title: %(words)s") % {"words": ", ".join(hit.title_words)})
    text_only = [w for w in hit.matched_words if w not in hit.title_words]
    if text_only:
        reasons.append(_("Words found: %(words)s") % {"words": ", ".join(text_only)})
    for cid, weight in hit.concepts[:3]:
        label = concept_labels.get(cid, "")
        if not label:
            continue
        if cid in direct:
            reasons.append(_("Tagged with %(concept)s") % {"concept": label})
        elif weight < 0.75:
            reasons.append(_("Tagged with the broader concept %(concept)s") % {"concept": label})
        else:
            reasons.append(_("Tagged with the narrower concept %(concept)s") % {"concept": label})
    if hit.matched_by_meaning:
        reasons.append(_("Matched by meaning"))
    return reasons


def _country_codes(user, statement: str, through, column: str, ids: list) -> dict:
    """``{id: [country code, ...]}`` of the objects ``ids`` through a countries link table (one query of values,
    compiled once per worker: see ``_page_rows``)."""
    found: dict = {}
    rows = _page_rows(user, statement, lambda ids: _columns(through.objects.filter(**{f"{column}__in": ids}),
                                                            column, "country__code"), ids)
    for pk, code in rows:
        found.setdefault(pk, []).append(code)
    return found


_SLUG_MARK = "--slug-mark--"  # stands for a short name in an address reversed once per page
_PLAIN_SLUG = re.compile(r"[A-Za-z0-9_-]+\Z")


def _address(name: str):
    """``slug -> reverse(name, args=[slug])``, reversing once: the addresses differ by the short name alone (one
    that would need quoting is reversed on its own)."""
    before, after = reverse(name, args=[_SLUG_MARK]).split(_SLUG_MARK)

    def address(slug: str) -> str:
        return f"{before}{slug}{after}" if _PLAIN_SLUG.match(slug) else reverse(name, args=[slug])
    return address


def _json(raw):
    """A translated field read as its stored text, decoded as the field decodes it (``JSONField.from_db_value``):
    a page decodes only the title and the texts its snippet reads, not the eight texts of every item."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _columns(queryset, *names, texts=()):
    """``queryset.values_list(*names, *texts)``, the ``texts`` (translated fields) read as their stored text, every
    column named as an annotation: a statement of annotations only is answered as tuples (``prepared_rows``), where
    one naming the model's fields would build a model instance per row."""
    columns = {f"c{n}": F(name) for n, name in enumerate(names)}
    columns.update({f"c{n}": Cast(name, TextField()) for n, name in enumerate(texts, start=len(names))})
    return queryset.order_by().annotate(**columns).values_list(*columns)


def _page_rows(user, statement: str, build, ids: list) -> list:
    """The rows ``build(ids=...)`` answers for ``ids``, through a statement compiled once per worker for each class
    of reader (``reader_class``: the policies depend on nothing else) and number of ids; the database is read on
    every view."""
    if not ids:
        return []
    return prepared_rows((f"knowledge.search.{statement}", reader_class(user)), build, {"ids": ids}, lists=("ids",))


def _fill_page(user, hits: list[Hit], stems_by_lang: dict, refs) -> None:
    """Read the items of the hits shown that ``user`` may still open (a fixed number of queries, through the
    policies: the hits may come from a kept answer) and word their title and snippet."""
    item_ids = [h.object_id for h in hits if h.kind in LIBRARY_KINDS]
    action_ids = [h.object_id for h in hits if h.kind == ACTION]
    items_policy, actions_policy = LibraryItemPolicy(), PublishedActionPolicy()
    # Only what the page words: the address, the title and texts as stored (decoded when read), and the countries'
    # codes as plain values.
    items = {row[0]: row for row in _page_rows(
        user, "items",
        lambda ids: _columns(items_policy.visible_to(user).filter(pk__in=ids), "pk", "slug",
                             texts=("title", *ITEM_TEXT_FIELDS)),
        item_ids)}
    actions = {row[0]: row for row in _page_rows(
        user, "actions",
        lambda ids: _columns(actions_policy.visible_to(user).filter(is_published=True, pk__in=ids),
                             "pk", "slug", "action_id", texts=("action__title", *ACTION_TEXT_FIELDS)),
        action_ids)}
    item_countries = _country_codes(user, "item_countries", LibraryItem.countries.through, "libraryitem_id", list(items))
    action_countries = _country_codes(
        user, "action_countries", Action.countries.through, "action_id", [row[2] for row in actions.values()])
    item_address, action_address = _address("library:detail"), _address("portal:action")
    for hit in hits:
        lang = hit.language or settings.LANGUAGE_CODE
        stem_set = set(stems_by_lang.get(lang, {}))
        if hit.kind == ACTION:
            row = actions.get(hit.object_id)
            if row is None:
                continue
            _pk, slug, action_id, title, *texts = row
            hit.url = action_address(slug)
            hit.shown = (PublishedAction, slug)
            countries = action_countries.get(action_id, ())
        else:
            row = items.get(hit.object_id)
            if row is None:
                continue
            _pk, slug, title, *texts = row
            hit.url = item_address(slug)
            hit.shown = (LibraryItem, slug)
            countries = item_countries.get(hit.object_id, ())
        title = translate(_json(title), lang)
        hit.title_text = str(title)
        hit.title = highlight(str(title), stem_set, lang)
        hit.snippet = snippet_of(map(_json, texts), stem_set, lang)
        hit.countries = sorted(refs["country_name"].get(code, code) for code in countries)
        # The text language shown, when it is not the reader's: the page says so (lang attribute, marker).
        hit.text_language = title.lang or lang
        hit.is_fallback = bool(getattr(title, "is_fallback", False))


def _concept_labels(ids, lang: str) -> dict[int, str]:
    if not ids:
        return {}
    return {c.pk: str(c.label(lang)) for c in Concept.objects.filter(pk__in=ids).prefetch_related("labels")}


def _found_by_meaning(kind: str, object_id: int, score: float, similarity: float) -> Hit:
    return Hit(kind=kind, object_id=int(object_id), score=round(float(score), 6), matched_by_meaning=True)


# Meaning re-orders the best keyword results; the others follow them in keyword order. A common word matches
# thousands of items on a large library, and reading thousands of vectors per query would make every search slow.
RERANK_TOP = 100


def _meaning(
    q: str, lang: str, hits: list[Hit], user, kinds, *, tail: list[Hit] | None = None, tail_best: float | None = None
) -> list[Hit]:
    """Let the meaning model re-rank the keyword results and add items found by meaning (when keywords found
    too little).

    ``hits`` are every keyword result, best first; or, with ``tail``, only the first RERANK_TOP of them, ``tail``
    the others wanted (in keyword order) and ``tail_best`` the keyword score of the result just below the head."""
    if tail is None:
        head, tail = hits[:RERANK_TOP], hits[RERANK_TOP:]
        tail_best = tail[0].score if tail else None
    else:
        head, hits = hits, [*hits, *tail]
    try:
        ranked = list(meaning.rerank(q, lang, list(head), user, kinds=kinds or None, make_result=_found_by_meaning))
    except Exception:  # the model failing must not take the keyword search down with it
        log.exception("meaning rerank failed; keyword order kept")
        return hits
    by_key = {h.key: h for h in hits}
    result = []
    for cand in ranked:
        key = (getattr(cand, "kind", None), getattr(cand, "object_id", None))
        hit = by_key.get(key)
        if hit is None:
            hit = cand if isinstance(cand, Hit) else Hit(kind=key[0], object_id=key[1], score=0.0)
            hit.matched_by_meaning = True
        score = getattr(cand, "score", None)
        if isinstance(score, (int, float)) and not math.isnan(score):
            hit.score = round(float(score), 6)
        result.append(hit)
    if tail:  # below every re-ranked result, in their keyword order
        floor = min((h.score for h in result), default=0.0)
        best = tail_best or 1.0
        for hit in tail:
            hit.score = round(floor * 0.999 * hit.score / best, 6)
        result.extend(tail)
    return result


def _meaning_facets(user, hits: list[Hit]) -> list[Hit]:
    """Items added by meaning: keep only those the reader may see, with their facets read from their documents."""
    added = [h for h in hits if h.matched_by_meaning and not h.languages]
    if not added:
        return hits
    wanted = Q()
    for h in added:
        wanted |= Q(kind=h.kind, object_id=h.object_id)
    rows = _visible_documents(user).filter(wanted).values(*_FACET_COLUMNS, "concept_ids")
    found = {h.key: h for h in _hits(rows, "", {}, {}, browse=True)}
    kept = []
    for h in hits:
        if h.matched_by_meaning and not h.languages:
            facet = found.get(h.key)
            if facet is None:
                continue  # not visible to this reader (or no longer indexed): never shown
            facet.score, facet.matched_by_meaning = h.score, True
            h = facet
        kept.append(h)
    return kept


# Above this many matching items, the count, the filter counts and the top of the ranking are computed in SQL
# (``ranking``) and only the items needed are scored in Python; below it every match is scored in Python. Meaning
# adds items only when keywords find fewer than five, so the SQL path never has to.
SQL_FROM = RERANK_TOP
# Deeper pages (page × per page) are ranked in Python: the SQL would return that many keys anyway.
SQL_PAGE_LIMIT = 1_000


def _page_number(page) -> int | None:
    """The page asked for, when it is a whole number from 1 (the paginator answers anything else with the first or
    the last page: those are ranked in Python)."""
    text = str(page)
    return int(text) if text.isdigit() and int(text) >= 1 else None


class _Shown:
    """The hits passing the filters as the paginator sees them: ``count`` long, of which the first are known (at
    least down to the page asked for)."""

    def __init__(self, known: list[Hit], count: int):
        self.known, self.length = known, count

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        return self.known[index]


def _facet_counts(raw: dict[str, dict[str, int]], refs) -> dict[str, dict[str, int]]:
    """Counts per value, from counts per stored column value (" 3 12 " counts once for 3 and once for 12)."""
    counts: dict[str, dict[str, int]] = {dimension: {} for dimension in DIMENSIONS}
    for dimension, by_column in raw.items():
        dimension_counts = counts[dimension]
        for column, number in by_column.items():
            if dimension in ("theme", "topic"):
                values = {refs[f"{dimension}_code"].get(i, "") for i in _ints(column)}
            elif dimension in ("country", "region"):
                values = set(column.split())
            else:
                values = {column}
            for value in values:
                if value:
                    dimension_counts[value] = dimension_counts.get(value, 0) + number
    return counts


def _filter_codes(refs) -> dict | None:
    """The values each filter may name (theme and topic codes -> ids, country and region codes), or None when two
    codes differ only in case (SQLite's LIKE could not tell them apart)."""
    codes = {
        "theme": {code: pk for pk, code in refs["theme_code"].items()},
        "topic": {code: pk for pk, code in refs["topic_code"].items()},
        "country": set(refs["labels"]["country"]),
        "region": set(refs["labels"]["region"]),
    }
    for dimension in ("country", "region"):
        if len({c.casefold() for c in codes[dimension]}) != len(codes[dimension]):
            return None
    return codes


def _many_matches(user, q: str, lang: str, stems_by_lang: dict, expanded: dict, filters: dict, refs, *, page: int, per_page: int):
    """(facets, shown hits) of a search matching more than SQL_FROM items, counted and ranked in SQL; None when
    it matches fewer (or the SQL and Python scores of an item differ: then every match is scored in Python)."""
    codes = _filter_codes(refs)
    if codes is None:
        return None
    concept_units = {concept_term(cid): round(CONCEPT_WEIGHT * w * ranking.UNITS) for cid, w in expanded.items()}
    documents = _visible_documents(user).filter(Q(language=lang) | Q(is_original=True))
    ranked = ranking.rank(
        documents,
        lang,
        stems_by_lang,
        concept_units,
        filters,
        codes,
        kinds=KINDS,
        top=RERANK_TOP + 1,
        top_filtered=page * per_page,
    )
    if ranked.total <= SQL_FROM:
        return None
    wanted = [*ranked.top, *ranked.top_filtered]
    rows = _candidates(user, lang, stems_by_lang, expanded, browse=False, keys={(k, i) for k, i, _s in wanted})
    hits = {h.key: h for h in _hits(rows, lang, stems_by_lang, expanded, browse=False)}
    for kind, object_id, units in wanted:
        hit = hits.get((kind, object_id))
        if hit is None or hit.score != units / ranking.UNITS:
            log.warning("search: SQL and Python scores differ for %s %s; scoring every match in Python", kind, object_id)
            return None
    best = [hits[(k, i)] for k, i, _s in ranked.top]
    head = best[:RERANK_TOP]
    in_head = {h.key for h in head}
    tail = [hits[(k, i)] for k, i, _s in ranked.top_filtered if (k, i) not in in_head]
    tail_best = best[RERANK_TOP].score if len(best) > RERANK_TOP else None
    refs["labels"]["year"] = _year_labels(
        sorted({int(y) for y in ranked.facets["year"] if y.isdigit()} | {int(y) for y in filters["year"] if y.isdigit()})
    )
    if q:
        found = _meaning_facets(user, _meaning(q, lang, head, user, filters["kind"], tail=tail, tail_best=tail_best))
    else:
        found = [*head, *tail]
    shown = _passing(found, filters, refs)
    facets = _facet_values(_facet_counts(ranked.facets, refs), filters, refs)
    return facets, _Shown(shown, ranked.count)


def cache_seconds() -> int:
    """How long an answer is kept for a class of readers (0: never): see ``selectors.kept_seconds``."""
    return kept_seconds()


def _cache_key(user, q: str, lang: str, filters: dict, concept, page, per_page: int) -> str:
    """Everything a kept answer depends on: the reader's class (never a person), the words and their language, the
    page's language (labels, reasons), the filters, the concept, the page and its size, and the meaning model."""
    code = concept.code if isinstance(concept, Concept) else str(concept or "").strip()[:80]
    facts = (
        reader_class(user),
        q,
        lang,
        translation.get_language(),
        sorted(filters.items()),
        code,
        str(page),
        per_page,
        str(getattr(settings, "PONTIS_MEANING_ENCODER", "")),
    )
    return "search:" + hashlib.sha256(repr(facts).encode("utf-8")).hexdigest()


@dataclass
class _Answer:
    """A search's answer before the page's objects are read: the hits shown (scored and explained), the count,
    the page number, the facets and what the query was expanded to. What ``cache_seconds`` keeps."""

    hits: list[Hit]
    count: int
    number: int
    facets: dict[str, list[FacetValue]]
    expanded: dict
    concept: object
    stems_by_lang: dict


class _Counted:
    """The results as the paginator of a kept answer sees them: only their number is known."""

    def __init__(self, count: int):
        self.length = count

    def __len__(self) -> int:
        return self.length


def search(
    user,
    q: str = "",
    lang: str | None = None,
    *,
    kinds=(),
    themes=(),
    topics=(),
    countries=(),
    regions=(),
    languages=(),
    years=(),
    concept=None,
    page=1,
    per_page=20,
) -> SearchResult:
    """Search what ``user`` may see. ``q`` is read in ``lang``; filters are codes (several per dimension: any of
    them); ``concept`` a concept code (or Concept) to search for. Answers the page's hits, facets and count.

    The answer is kept for ``cache_seconds()`` per class of reader (``reader_class``: what they may find), query,
    languages, filters and page; the items of the page are read afresh every time, through the policies, so an
    item withdrawn or hidden meanwhile is never shown (the counts catch up when the answer expires)."""
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    lang = query_language(lang)
    per_page = max(1, min(int(per_page or 20), MAX_PER_PAGE))
    filters = {
        "kind": [k for k in kinds if k in KINDS],
        "theme": list(dict.fromkeys(themes)),
        "topic": list(dict.fromkeys(topics)),
        "country": list(dict.fromkeys(countries)),
        "region": list(dict.fromkeys(regions)),
        "year": [str(y) for y in dict.fromkeys(years)],
        "language": [code for code in dict.fromkeys(languages) if code in content_languages()],
    }
    seconds = cache_seconds()
    answer = None
    if seconds > 0:
        key = _cache_key(user, q, lang, filters, concept, page, per_page)
        answer = cache.get(key)
    if answer is None:
        answer = _answer(user, q, lang, filters, concept, page, per_page)
        if seconds > 0:
            cache.set(key, answer, seconds)
    page_obj = Page(answer.hits, answer.number, Paginator(_Counted(answer.count), per_page))
    page_hits = list(answer.hits)
    _fill_page(user, page_hits, answer.stems_by_lang, _reference(lang))
    return SearchResult(
        q=q,
        lang=lang,
        items=[h for h in page_hits if h.shown is not None],
        count=answer.count,
        facets=answer.facets,
        page=page_obj,
        expanded=answer.expanded,
        filters=filters,
        concept=answer.concept,
    )


def _answer(user, q: str, lang: str, filters: dict, concept, page, per_page: int) -> _Answer:
    if concept is not None and not isinstance(concept, Concept):
        concept = concept_by_code(str(concept))
    stems_by_lang = query_stems(q, lang)
    with thesaurus.checked_once():
        expanded = expand_query(q, lang, concept)
    browse = not any(stems_by_lang.values()) and not expanded
    chosen_years = {int(y) for y in filters["year"] if y.isdigit()}
    refs = _reference(lang)
    many = None
    page_number = _page_number(page)
    if not browse and page_number is not None and page_number * per_page <= SQL_PAGE_LIMIT:
        many = _many_matches(user, q, lang, stems_by_lang, expanded, filters, refs, page=page_number, per_page=per_page)
    if many is not None:
        facets, shown = many
    else:
        if browse and q:
            rows = []  # only function words: nothing to look for
        else:
            rows = _candidates(user, lang, stems_by_lang, expanded, browse=browse)
        hits = _hits(rows, lang, stems_by_lang, expanded, browse=browse)
        refs["labels"]["year"] = _year_labels(sorted({h.year for h in hits if h.year} | chosen_years))
        if q and not browse:
            hits = _meaning_facets(user, _meaning(q, lang, hits, user, filters["kind"]))
        facets, shown = _facets(hits, filters, refs)
    page_obj = Paginator(shown, per_page).get_page(page)
    page_hits = list(page_obj.object_list)
    concept_labels = _concept_labels(sorted({cid for h in page_hits for cid, _w in h.concepts} | set(expanded)), lang)
    direct = {cid for cid, w in expanded.items() if w >= 1.0}
    for hit in page_hits:
        hit.why = _why(hit, concept_labels, direct)
    expanded_view = {
        "words": list(stems_by_lang.get(lang, {}).values()),
        "concepts": [
            {"id": cid, "label": concept_labels.get(cid, ""), "weight": w}
            for cid, w in sorted(expanded.items(), key=lambda cw: (-cw[1], cw[0]))
            if concept_labels.get(cid)
        ],
    }
    return _Answer(
        hits=page_hits,
        count=len(shown),
        number=page_obj.number,
        facets=facets,
        expanded=expanded_view,
        concept=concept,
        stems_by_lang=stems_by_lang,
    )
