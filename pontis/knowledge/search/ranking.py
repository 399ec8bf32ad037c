"""The result count, the filter counts and the top of the ranking of a search with many matches, in one SQL statement.

A common word ("migration") matches most of the library. Scoring every match in Python to count them, count the
filters and find the best ones costs time in proportion to the library; this module asks the database instead, in
portable SQL (the same statement on SQLite and PostgreSQL):

- each matching document's score is the sum of ``query._score`` computed over its postings in **whole units of a
  millionth** (integers: no rounding differs between the two databases or from Python's ``round(score, 6)``);
- an item's score is its best document's, plus the bonus for an item written in the reader's language;
- the counts are over items, per value of each filter dimension, among the items passing the *other* dimensions'
  filters (``query._facets`` counts the same way), and the result count among those passing every filter;
- the keys of the best items (the head the meaning model re-ranks and the filtered items down to the page shown)
  come back in ranking order, so that only those are scored again in Python, with their reasons.

The caller checks the Python scores of those items against the SQL scores and falls back to scoring every match
in Python if one differs, so the answer is always the one ``query`` would give by scoring every match.

A facet column holds several values (" 3 12 "); the statement counts each distinct column value and Python splits
them, so no database-specific function is needed to split a string.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from ..models import SearchTerm

# The columns of a search document that ranking, filters and facet counts read (query.py reads the same).
FACET_COLUMNS = ("kind", "object_id", "language", "is_original", "theme_ids", "topic_ids", "country_codes",
                 "region_codes", "year")

UNITS = 1_000_000  # scores are counted in millionths
# Weights in tenths of a point (title 3, word 1, each repeat 0.1, every word 1.5), the factor in tenths.
_TITLE, _WORD, _ALL_WORDS = 30, 10, 15
_SAME_LANGUAGE, _OTHER_LANGUAGE = 10, 6
_TENTH = UNITS // 10
_TENTHS, _PRESENT = 1_000, 10_000_000  # how a document's stem postings are packed in one sum (see ``rank``)
_DIMENSION_COLUMNS = {
    "kind": "kind",
    "theme": "theme_ids",
    "topic": "topic_ids",
    "country": "country_codes",
    "region": "region_codes",
    "year": "year",
}


@dataclass
class Ranked:
    """What the statement answers: counts, facet counts (per dimension: raw column value -> items) and keys."""

    total: int = 0  # items matching, before the filters
    count: int = 0  # items matching and passing every filter
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    top: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, id, score in millionths), best first
    top_filtered: list[tuple[str, int, int]] = field(default_factory=list)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _in(values) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


def _like_value(value: str) -> str:
    """A ``LIKE`` pattern matching ``value`` as a whole space-separated value (escaped with a backslash)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped} %"


class _Sql:
    """A piece of SQL with its parameters, joined in order."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def add(self, sql: str, params=()) -> _Sql:
        self.parts.append(sql)
        self.params.extend(params)
        return self

    def text(self) -> str:
        return "".join(self.parts)


def _condition(dimension: str, chosen: list, codes) -> tuple[str, list]:
    """SQL over an ``items`` row that is true when the item has one of the chosen values of ``dimension``.

    ``codes`` are what each dimension's values may be (theme and topic codes -> ids; the country and region codes
    that exist): a value that names nothing matches nothing, as in Python; matching only known codes also keeps
    SQLite's case-insensitive ``LIKE`` from matching a value that differs in case."""
    if dimension == "kind":
        marks, params = _in(chosen)
        return f"i.kind IN ({marks})", params
    if dimension == "language":
        return "i.lang_ok = 1", []
    if dimension == "year":
        years = [int(y) for y in chosen if str(y).isdigit() and str(int(y)) == str(y)]
        if not years:
            return "1 = 0", []
        marks, params = _in(years)
        return f"i.year IN ({marks})", params
    column = _DIMENSION_COLUMNS[dimension]
    if dimension in ("theme", "topic"):
        values = sorted({str(codes[dimension][c]) for c in chosen if c in codes[dimension]})
    else:
        values = sorted({c for c in chosen if c in codes[dimension]})
    if not values:
        return "1 = 0", []
    return "(" + " OR ".join([f"i.{column} LIKE %s ESCAPE '\\'"] * len(values)) + ")", [_like_value(v) for v in values]


def _where(conditions: dict[str, tuple[str, list]], skip: str | None = None) -> tuple[str, list]:
    parts, params = [], []
    for dimension, (sql, values) in conditions.items():
        if dimension != skip:
            parts.append(sql)
            params.extend(values)
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


def rank(
    documents,
    lang: str,
    stems_by_lang: dict,
    concept_units: dict[str, int],
    filters: dict,
    codes,
    *,
    kinds: tuple[str, ...],
    top: int,
    top_filtered: int,
) -> Ranked:
    """Count and rank, in one statement, the items of ``documents`` (a queryset of the visible documents to read)
    that match the query's stems (each in its language) or its concepts (posting term -> 3 × weight, in
    millionths). ``filters`` as in ``query.search``; ``kinds`` the kinds in their tie-breaking order."""
    docs_sql, docs_params = documents.values("id", *FACET_COLUMNS).query.sql_with_params()
    sql = _Sql()

    # The postings of the query: per document, the words' score in tenths, how many words are found, the best concept.
    stem_parts, stem_params = [], []
    for doc_lang, found in sorted(stems_by_lang.items()):
        if found:
            marks, values = _in(sorted(found))
            stem_parts.append(f"(t.language = %s AND t.term IN ({marks}))")
            stem_params += [doc_lang, *values]
    is_stem = "(" + " OR ".join(stem_parts) + ")" if stem_parts else "(1 = 0)"
    concept_case, concept_params = "0", []
    if concept_units:
        whens = " ".join(["WHEN %s THEN %s"] * len(concept_units))
        concept_case = f"CASE t.term {whens} ELSE 0 END"
        for term, units in sorted(concept_units.items()):
            concept_params += [term, int(units)]
    all_terms = sorted({*concept_units, *(s for found in stems_by_lang.values() for s in found)})
    terms_marks, terms_params = _in(all_terms)
    # A stem's posting adds PRESENT + its score in tenths × TENTHS + 1 if the word is in the text: one sum (one
    # evaluation of the stem condition per posting) holds all three; decoded in ``md``.
    repeats = "(CASE WHEN t.count > 5 THEN 4 ELSE t.count - 1 END)"
    posting = (
        f"{_PRESENT} + {_TENTHS} * ((CASE WHEN t.in_title THEN {_TITLE} ELSE 0 END)"
        f" + (CASE WHEN t.count > 0 THEN {_WORD} + {repeats} ELSE 0 END))"
        " + (CASE WHEN t.count > 0 THEN 1 ELSE 0 END)"
    )
    sql.add(f"WITH p AS (SELECT t.document_id, SUM(CASE WHEN {is_stem} THEN {posting} ELSE 0 END) AS packed, ", stem_params)
    sql.add(f"MAX({concept_case}) AS concept ", concept_params)
    # Only ``term IN (...)`` in the WHERE clause, so the lookup reads the postings' index alone, one range per term;
    # a posting of a stem in another language than its document's counts for nothing, and a document with only
    # those is left out by the HAVING clause (a concept always weighs more than nothing).
    sql.add(f"FROM {_q(SearchTerm._meta.db_table)} t WHERE t.term IN ({terms_marks}) GROUP BY t.document_id ", terms_params)
    sql.add(
        f"HAVING SUM(CASE WHEN {is_stem} THEN {posting} ELSE 0 END) > 0 OR MAX({concept_case}) > 0), ",
        [*stem_params, *concept_params],
    )

    # The matching documents, with their score in millionths.
    every_word = [(doc_lang, len(found)) for doc_lang, found in sorted(stems_by_lang.items()) if len(found) > 1]
    words = f"(p.packed %% {_TENTHS})"
    tenths = f"((p.packed %% {_PRESENT}) / {_TENTHS})"
    bonus = " OR ".join([f"(d.language = %s AND {words} = %s)"] * len(every_word)) or "1 = 0"
    bonus_params = [v for pair in every_word for v in pair]
    sql.add(
        "md AS (SELECT d.kind, d.object_id, d.language, d.is_original, d.theme_ids, d.topic_ids, "
        "d.country_codes, d.region_codes, d.year, "
    )
    sql.add(
        f"CASE WHEN d.language = %s THEN {tenths} * {_TENTH * _SAME_LANGUAGE // 10}"
        f" + (CASE WHEN {bonus} THEN {_ALL_WORDS * _TENTH * _SAME_LANGUAGE // 10} ELSE 0 END)"
        f" ELSE {tenths} * {_TENTH * _OTHER_LANGUAGE // 10}"
        f" + (CASE WHEN {bonus} THEN {_ALL_WORDS * _TENTH * _OTHER_LANGUAGE // 10} ELSE 0 END) END"
        " + p.concept AS score ",
        [lang, *bonus_params, *bonus_params],
    )
    sql.add(f"FROM ({docs_sql}) d INNER JOIN p ON p.document_id = d.id), ", docs_params)

    # One row per item: its facets (the same in each of its documents), its score, whether it passes the language
    # filter (one of the chosen languages is among the original languages matching).
    chosen_languages = list(filters.get("language") or ())
    if chosen_languages:
        marks, lang_params = _in(chosen_languages)
        lang_ok = f"MAX(CASE WHEN d.is_original AND d.language IN ({marks}) THEN 1 ELSE 0 END)"
    else:
        lang_ok, lang_params = "1", []
    sql.add(
        "items AS (SELECT d.kind, d.object_id, MIN(d.theme_ids) AS theme_ids, MIN(d.topic_ids) AS topic_ids, "
        "MIN(d.country_codes) AS country_codes, MIN(d.region_codes) AS region_codes, MIN(d.year) AS year, "
    )
    sql.add(f"{lang_ok} AS lang_ok, ", lang_params)
    sql.add(
        "MAX(d.score) + (CASE WHEN MAX(CASE WHEN d.language = %s AND d.is_original THEN 1 ELSE 0 END) = 1"
        f" THEN {UNITS // 20} ELSE 0 END) AS score FROM md d GROUP BY d.kind, d.object_id) ",
        [lang],
    )

    conditions = {dimension: _condition(dimension, chosen, codes) for dimension, chosen in filters.items() if chosen}
    kind_order = "CASE i.kind " + " ".join(f"WHEN '{k}' THEN {n}" for n, k in enumerate(kinds)) + " ELSE 99 END"
    branches = []

    def branch(body: str, params) -> None:
        branches.append((body, list(params)))

    branch("SELECT 'total', '', COUNT(*), CAST(NULL AS BIGINT) FROM items i", [])
    if conditions:  # without filters the count is the total
        where, params = _where(conditions)
        branch(f"SELECT 'count', '', COUNT(*), CAST(NULL AS BIGINT) FROM items i{where}", params)
    for dimension, column in _DIMENSION_COLUMNS.items():
        where, params = _where(conditions, skip=dimension)
        value = "CAST(i.year AS VARCHAR(10))" if dimension == "year" else f"i.{column}"
        branch(f"SELECT %s, {value}, COUNT(*), CAST(NULL AS BIGINT) FROM items i{where} GROUP BY {value}", [dimension, *params])
    where, params = _where(conditions, skip="language")
    if where:
        extra = where.replace(" WHERE ", " AND ", 1)
        branch(
            "SELECT 'language', d.language, COUNT(*), CAST(NULL AS BIGINT) FROM md d INNER JOIN items i ON i.kind = d.kind"
            f" AND i.object_id = d.object_id WHERE d.is_original = %s{extra} GROUP BY d.language",
            [True, *params],
        )
    else:
        # Every matching document belongs to an item, and an item has one document per language: counting the
        # original documents per language counts the items, without joining them.
        branch(
            "SELECT 'language', d.language, COUNT(*), CAST(NULL AS BIGINT) FROM md d WHERE d.is_original = %s "
            "GROUP BY d.language",
            [True],
        )
    order = f"ORDER BY i.score DESC, {kind_order}, i.object_id"
    limit = int(top) if conditions else max(int(top), int(top_filtered))
    branch(
        f"SELECT * FROM (SELECT 'top', i.kind, CAST(i.score AS BIGINT), i.object_id FROM items i {order} LIMIT %s) top_all",
        [limit],
    )
    if conditions:
        where, params = _where(conditions)
        branch(
            f"SELECT * FROM (SELECT 'filtered', i.kind, CAST(i.score AS BIGINT), i.object_id FROM items i{where} {order} "
            "LIMIT %s) top_filtered",
            [*params, int(top_filtered)],
        )
    sql.add(" UNION ALL ".join(body for body, _params in branches), [p for _body, ps in branches for p in ps])

    ranked = Ranked(facets={dimension: {} for dimension in (*_DIMENSION_COLUMNS, "language")})
    with connection.cursor() as cursor:
        cursor.execute(sql.text(), sql.params)
        rows = cursor.fetchall()
    for tag, value, number, object_id in rows:
        if tag == "total":
            ranked.total = int(number)
        elif tag == "count":
            ranked.count = int(number)
        elif tag == "top":
            ranked.top.append((value, int(object_id), int(number)))
        elif tag == "filtered":
            ranked.top_filtered.append((value, int(object_id), int(number)))
        elif value is not None:
            ranked.facets[tag][str(value)] = int(number)
    ranked.top.sort(key=lambda row: (-row[2], _order(kinds, row[0]), row[1]))
    ranked.top_filtered.sort(key=lambda row: (-row[2], _order(kinds, row[0]), row[1]))
    if not conditions:
        ranked.count = ranked.total
        ranked.top_filtered = ranked.top[:top_filtered]
        ranked.top = ranked.top[:top]
    return ranked


def _order(kinds, kind) -> int:
    return kinds.index(kind) if kind in kinds else 99


def keys_filter(keys) -> Q:
    """Documents of the items ``keys`` ((kind, id) pairs): one condition per kind."""
    by_kind: dict[str, set[int]] = {}
    for kind, object_id in keys:
        by_kind.setdefault(kind, set()).add(int(object_id))
    wanted = Q(pk__in=[])
    for kind, ids in sorted(by_kind.items()):
        wanted |= Q(kind=kind, object_id__in=sorted(ids))
    return wanted
