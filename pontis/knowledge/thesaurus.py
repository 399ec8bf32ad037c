"""The thesaurus: concepts with labels in five languages and broader/narrower links, used to find things.

Search asks ``match_concepts`` which concepts a query names (in any of the five languages, whatever the reader's
language), then ``expand`` to weigh their broader and narrower concepts; indexing stores an item's concepts with
``with_ancestors``. These run on every query, so the label table is read once per process and kept until the
thesaurus changes (``_table_key``: one cheap query over counts, highest ids and sums).

Writes (``load_thesaurus``, ``concept_label_add``, ``concept_label_remove``) live here too: they are the only code
that changes concepts and labels.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps as django_apps
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

from pontis.core import audit
from pontis.core.errors import ValidationFailed
from pontis.core.permissions import ensure

from .models import Concept, ConceptLabel
from .text import STEMMER_LANGUAGES, fold, stems, words

DATA_FILE = Path(__file__).with_name("data") / "thesaurus.yaml"
LANGUAGES = ("en", "fr", "es", "pt", "ru")
LABEL_MAX_LENGTH = ConceptLabel._meta.get_field("text").max_length

# Words that carry no meaning in a label ("trafficking *in* human beings", "trata *de* personas"): left out on
# both sides, so "trafficking of human beings" still names the concept.
STOP_WORDS = {
    "en": {"a", "an", "and", "the", "of", "in", "on", "for", "to", "with", "by", "at", "or"},
    "fr": {"le", "la", "les", "l", "de", "des", "du", "d", "et", "en", "a", "au", "aux", "un", "une", "pour", "ou",
           "sur", "dans", "par"},
    "es": {"el", "la", "los", "las", "de", "del", "y", "e", "en", "a", "al", "un", "una", "para", "o", "por", "con"},
    "pt": {"o", "a", "os", "as", "de", "do", "da", "dos", "das", "e", "em", "no", "na", "nos", "nas", "um", "uma",
           "para", "ou", "por", "com", "ao", "aos"},
    "ru": {"и", "в", "во", "на", "по", "с", "со", "к", "о", "об", "для", "из", "или", "от", "у"},
}

WEIGHT_SELF = 1.0
WEIGHT_NARROWER = 0.8
WEIGHT_BROADER = (0.5, 0.25)  # one level up, two levels up


def terms(text: str, lang: str) -> tuple[str, ...]:
    """The stemmed words of ``text`` in ``lang`` without the little words (compared by label matching)."""
    lang = lang if lang in STEMMER_LANGUAGES else "en"
    stop = STOP_WORDS.get(lang, set())
    return tuple(stem for word, stem in zip(words(text), stems(text, lang), strict=True) if word not in stop)


# ------------------------------------------------------------------ the in-memory table


@dataclass
class _Table:
    key: tuple
    # language -> first term -> [(terms, concept id, label text)], preferred labels and longer labels first
    index: dict[str, dict[str, list[tuple[tuple[str, ...], int, str]]]] = field(default_factory=dict)
    broader: dict[int, set[int]] = field(default_factory=dict)
    narrower: dict[int, set[int]] = field(default_factory=dict)
    by_theme: dict[object, int] = field(default_factory=dict)  # theme id and theme code -> concept id
    by_topic: dict[object, int] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)


_lock = threading.Lock()
_cached: _Table | None = None


def _table_key() -> tuple:
    """What changes whenever a concept, a label or a link is added, removed or edited (one query)."""
    label_t = ConceptLabel._meta.db_table
    concept_t = Concept._meta.db_table
    link_t = Concept.broader.through._meta.db_table
    qn = connection.ops.quote_name
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {qn(label_t)}), (SELECT MAX(id) FROM {qn(label_t)}),"
        f" (SELECT SUM(LENGTH(text) + concept_id) FROM {qn(label_t)}),"
        f" (SELECT COUNT(*) FROM {qn(concept_t)}), (SELECT MAX(id) FROM {qn(concept_t)}),"
        f" (SELECT SUM(COALESCE(theme_id, 0) + COALESCE(topic_id, 0) + LENGTH(code)) FROM {qn(concept_t)}),"
        f" (SELECT COUNT(*) FROM {qn(link_t)}), (SELECT MAX(id) FROM {qn(link_t)}),"
        f" (SELECT SUM(from_concept_id * 7 + to_concept_id) FROM {qn(link_t)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return (connection.alias, connection.settings_dict.get("NAME"), *row)


def _build(key) -> _Table:
    table = _Table(key=key)
    rows = sorted(ConceptLabel.objects.values_list("concept_id", "language", "text", "preferred"),
                  key=lambda r: (not r[3], -len(r[2])))
    for concept_id, lang, text, _preferred in rows:
        if lang not in LANGUAGES:
            continue
        seq = terms(text, lang)
        if not seq or (len(seq) == 1 and len(seq[0]) < 2):
            continue  # nothing left to compare, or one letter ("M&D" less its "d"): it would match everywhere
        table.index.setdefault(lang, {}).setdefault(seq[0], []).append((seq, concept_id, text))
    for from_id, to_id in Concept.broader.through.objects.values_list("from_concept_id", "to_concept_id"):
        table.broader.setdefault(from_id, set()).add(to_id)
        table.narrower.setdefault(to_id, set()).add(from_id)
    for pk, code, theme_id, theme_code, topic_id, topic_code in Concept.objects.values_list(
            "pk", "code", "theme_id", "theme__code", "topic_id", "topic__code"):
        table.codes[pk] = code
        if theme_id:
            table.by_theme[theme_id] = table.by_theme[theme_code] = pk
        if topic_id:
            table.by_topic[topic_id] = table.by_topic[topic_code] = pk
    return table


_checked = threading.local()  # the table checked once inside ``checked_once`` (per thread)


def _table() -> _Table:
    global _cached
    once = getattr(_checked, "table", None)
    if once is not None:
        return once
    key = _table_key()
    cached = _cached
    if cached is None or cached.key != key:
        with _lock:
            if _cached is None or _cached.key != key:
                _cached = _build(key)
            cached = _cached
    if getattr(_checked, "depth", 0):
        _checked.table = cached
    return cached


@contextmanager
def checked_once():
    """Within the block, the label table is compared with the database once, not at every reading: for a piece of
    work that reads the thesaurus several times (a search expands its words and concepts, a suggestion reads the
    source's tags and text), one query instead of one per reading. A change made inside the block shows after it."""
    _checked.depth = getattr(_checked, "depth", 0) + 1
    try:
        yield
    finally:
        _checked.depth -= 1
        if not _checked.depth:
            _checked.table = None


def clear_cache() -> None:
    """Forget the label table (the next call reads it again)."""
    global _cached
    _cached = None
    _checked.table = None


# ------------------------------------------------------------------ reading


def match_concepts(text: str, lang: str) -> dict[int, str]:
    """Concepts whose labels occur in ``text``: ``{concept id: the label found}``.

    Labels in ``lang`` are compared first (so the label answered is in the reader's language where one matches),
    then those of the other four languages, each with its own language's stemming: a Spanish "trata de personas"
    typed in the English interface still names trafficking in human beings.
    """
    if not text or not text.strip():
        return {}
    table = _table()
    order = ([lang] if lang in LANGUAGES else []) + [code for code in LANGUAGES if code != lang]
    found: dict[int, str] = {}
    for code in order:
        index = table.index.get(code)
        if not index:
            continue
        seq = terms(text, code)
        for i, term in enumerate(seq):
            for label_terms, concept_id, label in index.get(term, ()):
                if concept_id not in found and seq[i:i + len(label_terms)] == label_terms:
                    found[concept_id] = label
    return found


def _ancestors_by_level(table: _Table, concept_id: int, levels: int) -> list[set[int]]:
    result, frontier, seen = [], {concept_id}, {concept_id}
    for _level in range(levels):
        frontier = {b for c in frontier for b in table.broader.get(c, ())} - seen
        if not frontier:
            break
        seen |= frontier
        result.append(frontier)
    return result


def _descendants(table: _Table, concept_ids: Iterable[int]) -> set[int]:
    seen: set[int] = set()
    frontier = set(concept_ids)
    while frontier:
        frontier = {n for c in frontier for n in table.narrower.get(c, ())} - seen
        seen |= frontier
    return seen


def expand(concept_ids) -> dict[int, float]:
    """The query's concepts weigh 1.0, their narrower concepts (at any depth) 0.8, their broader ones 0.5 one level
    up and 0.25 two levels up; a concept reached in several ways keeps its highest weight."""
    table = _table()
    ids = {int(c) for c in concept_ids}
    weights: dict[int, float] = {}

    def give(concept_id, weight):
        if weights.get(concept_id, 0.0) < weight:
            weights[concept_id] = weight

    for concept_id in ids:
        for level, ancestors in enumerate(_ancestors_by_level(table, concept_id, len(WEIGHT_BROADER))):
            for ancestor in ancestors:
                give(ancestor, WEIGHT_BROADER[level])
    for narrower in _descendants(table, ids):
        give(narrower, WEIGHT_NARROWER)
    for concept_id in ids:
        give(concept_id, WEIGHT_SELF)
    return weights


def with_ancestors(concept_ids) -> set[int]:
    """The concepts and all their broader concepts (what an item is indexed with)."""
    return _with_ancestors(_table(), concept_ids)


def _with_ancestors(table: _Table, concept_ids) -> set[int]:
    result: set[int] = set()
    frontier = {int(c) for c in concept_ids}
    while frontier:
        result |= frontier
        frontier = {b for c in frontier for b in table.broader.get(c, ())} - result
    return result


def _keys(values) -> list:
    keys = []
    for value in values or ():
        keys.append(value.pk if hasattr(value, "pk") else value)
    return keys


def concepts_for(themes=(), topics=()) -> set[int]:
    """The concepts standing for these thematic areas and topics (objects, ids or codes)."""
    table = _table()
    found = {table.by_theme[k] for k in _keys(themes) if k in table.by_theme}
    found |= {table.by_topic[k] for k in _keys(topics) if k in table.by_topic}
    return found


def concept_code(concept_id: int) -> str:
    """The code of a concept (for links such as /search/?concept=<code>), or ""."""
    return _table().codes.get(int(concept_id), "")


def concept_ids_for_codes(codes: Iterable[str]) -> set[int]:
    """Concept ids of these codes (unknown codes are left out)."""
    wanted = set(codes)
    return {pk for pk, code in _table().codes.items() if code in wanted}


# ------------------------------------------------------------------ loading the shipped thesaurus


def read_data() -> list[dict]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return (yaml.safe_load(handle) or {}).get("concepts", [])


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def load_thesaurus(apps=None, *, prune: bool = False) -> dict:
    """Create or update the shipped concepts; idempotent (a second run changes no row).

    One concept per thematic area and per topic of the reference data (labels from their names unless the file
    gives others), then the file's concepts. Preferred labels follow the file (or the reference data); the file's
    alternative labels are added when missing; alternative labels added by staff are kept unless ``prune``.
    Works with the historical app registry of a data migration (``apps``) as with the live one.
    """
    if apps is None:
        apps = django_apps
    ConceptM = apps.get_model("knowledge", "Concept")
    LabelM = apps.get_model("knowledge", "ConceptLabel")
    Theme = apps.get_model("core", "ThematicArea")
    Topic = apps.get_model("core", "Topic")
    Link = ConceptM.broader.through

    entries = {entry["code"]: entry for entry in read_data()}
    by_theme = {e["theme"]: e for e in entries.values() if e.get("theme")}
    by_topic = {e["topic"]: e for e in entries.values() if e.get("topic")}

    wanted: dict[str, dict] = {}  # code -> {theme, topic, pref, alt, broader, definition}
    order = 0
    themes = list(Theme.objects.order_by("sort_order", "code"))
    theme_codes = {t.pk: t.code for t in themes}
    for theme in themes:
        entry = by_theme.get(theme.code, {})
        code = entry.get("code", theme.code)
        wanted[code] = {"theme": theme, "topic": None, "pref": {**(theme.name or {}), **entry.get("pref", {})},
                        "alt": entry.get("alt", {}), "broader": _as_list(entry.get("broader")),
                        "definition": entry.get("definition", {}), "order": order}
        order += 1
    theme_concept = {t.code: by_theme.get(t.code, {}).get("code", t.code) for t in themes}
    for topic in Topic.objects.order_by("sort_order", "code"):
        entry = by_topic.get(topic.code, {})
        code = entry.get("code", topic.code)
        parent = theme_concept.get(theme_codes.get(topic.theme_id))
        wanted[code] = {"theme": None, "topic": topic, "pref": {**(topic.name or {}), **entry.get("pref", {})},
                        "alt": entry.get("alt", {}),
                        "broader": list(dict.fromkeys(([parent] if parent else []) + _as_list(entry.get("broader")))),
                        "definition": entry.get("definition", {}), "order": order}
        order += 1
    for code, entry in entries.items():
        if entry.get("theme") or entry.get("topic"):
            continue  # merged above (or its reference item no longer exists)
        wanted[code] = {"theme": None, "topic": None, "pref": entry.get("pref", {}), "alt": entry.get("alt", {}),
                        "broader": _as_list(entry.get("broader")), "definition": entry.get("definition", {}),
                        "order": order}
        order += 1

    existing = {c.code: c for c in ConceptM.objects.all()}
    counts = {"concepts": 0, "created": 0, "labels_added": 0, "labels_removed": 0}
    concepts = {}
    for code, spec in wanted.items():
        fields = {"theme": spec["theme"], "topic": spec["topic"], "sort_order": spec["order"],
                  "definition": {k: v for k, v in spec["definition"].items() if k in LANGUAGES and v}}
        concept = existing.get(code)
        if concept is None:
            concept = ConceptM.objects.create(code=code, **fields)
            counts["created"] += 1
        else:
            changed = [name for name, value in fields.items()
                       if (getattr(concept, f"{name}_id", None) if name in ("theme", "topic") else getattr(concept, name))
                       != (value.pk if name in ("theme", "topic") and value is not None else value)]
            if changed:
                for name in changed:
                    setattr(concept, name, fields[name])
                concept.save(update_fields=changed)
        concepts[code] = concept
        counts["concepts"] += 1

    labels_by_concept: dict[int, list] = {}
    for label in LabelM.objects.filter(concept__in=[c.pk for c in concepts.values()]):
        labels_by_concept.setdefault(label.concept_id, []).append(label)
    new_labels = []
    for code, spec in wanted.items():
        concept = concepts[code]
        want_pref = {lang: " ".join(str(text).split()) for lang, text in spec["pref"].items()
                     if lang in LANGUAGES and str(text).strip()}
        want_alt = {(lang, " ".join(str(t).split())) for lang, texts in spec["alt"].items() if lang in LANGUAGES
                    for t in _as_list(texts) if str(t).strip()}
        want_alt -= set(want_pref.items())
        have = labels_by_concept.get(concept.pk, [])
        # A label whose text or role changes is replaced rather than edited, so the cached table notices it.
        keep = []
        for label in have:
            pair = (label.language, label.text)
            if label.preferred and want_pref.get(label.language) == label.text:
                keep.append(label)
            elif not label.preferred and pair in want_alt:
                keep.append(label)
            elif not label.preferred and not prune and pair not in set(want_pref.items()):
                keep.append(label)  # added by staff: theirs to remove
            else:
                label.delete()
                counts["labels_removed"] += 1
        kept = {(lb.language, lb.text) for lb in keep}
        for lang, text in want_pref.items():
            if (lang, text) not in kept:
                new_labels.append(LabelM(concept=concept, language=lang, text=text[:LABEL_MAX_LENGTH], preferred=True))
        for lang, text in sorted(want_alt - kept):
            new_labels.append(LabelM(concept=concept, language=lang, text=text[:LABEL_MAX_LENGTH], preferred=False))
    LabelM.objects.bulk_create(new_labels)
    counts["labels_added"] = len(new_labels)

    links = set(Link.objects.filter(from_concept__in=[c.pk for c in concepts.values()])
                .values_list("from_concept_id", "to_concept_id"))
    wanted_links = set()
    for code, spec in wanted.items():
        for parent in spec["broader"]:
            if parent in concepts and parent != code:
                wanted_links.add((concepts[code].pk, concepts[parent].pk))
    Link.objects.bulk_create([Link(from_concept_id=a, to_concept_id=b) for a, b in sorted(wanted_links - links)])
    stale = links - wanted_links
    for a, b in stale:
        Link.objects.filter(from_concept_id=a, to_concept_id=b).delete()
    counts["links"] = len(wanted_links)
    clear_cache()
    return counts


# ------------------------------------------------------------------ staff edits: alternative labels


def _clean_label(language: str, text: str) -> tuple[str, str]:
    errors = {}
    language = (language or "").strip()
    text = " ".join((text or "").split())
    if language not in LANGUAGES:
        errors["language"] = _("Choose one of the five languages.")
    if not text:
        errors["text"] = _("Enter the label.")
    elif len(text) > LABEL_MAX_LENGTH:
        errors["text"] = _("A label has at most %(n)d characters.") % {"n": LABEL_MAX_LENGTH}
    elif any(ord(ch) < 32 for ch in text):
        errors["text"] = _("A label cannot contain control characters.")
    elif not words(text):
        errors["text"] = _("A label needs at least one letter or digit.")
    if errors:
        raise ValidationFailed(errors=errors)
    return language, text


@transaction.atomic
def concept_label_add(*, concept: Concept, language: str, text: str, by) -> ConceptLabel:
    """Add an alternative label (a synonym, an acronym) to ``concept``.

    The same label twice (a double submit, or a label the concept already has in that language, whatever its case)
    answers the existing label and writes nothing. Raises NotAllowed for anyone but staff, ValidationFailed for an
    unknown language or an empty, overlong or unprintable text.
    """
    ensure(by, "change", concept)
    language, text = _clean_label(language, text)
    for label in ConceptLabel.objects.filter(concept=concept, language=language):
        if label.text.casefold() == text.casefold():
            return label
    try:
        with transaction.atomic():
            label = ConceptLabel.objects.create(concept=concept, language=language, text=text, preferred=False)
    except IntegrityError:  # the same label posted twice at once: the other request made it
        return ConceptLabel.objects.get(concept=concept, language=language, text=text)
    audit.record(concept, action="update", by=by, changes={"alternative_label": [None, f"{text} ({language})"]},
                 note="alternative label added")
    transaction.on_commit(clear_cache)
    return label


@transaction.atomic
def concept_label_remove(*, label: ConceptLabel, by) -> None:
    """Remove an alternative label. Raises NotAllowed for anyone but staff, ValidationFailed for a preferred label
    (each concept keeps its name in every language)."""
    concept = label.concept
    ensure(by, "change", concept)
    if label.preferred:
        raise ValidationFailed(_("The preferred label cannot be removed."))
    text = f"{label.text} ({label.language})"
    label.delete()
    audit.record(concept, action="update", by=by, changes={"alternative_label": [text, None]},
                 note="alternative label removed")
    transaction.on_commit(clear_cache)


# ------------------------------------------------------------------ reading for the pages and the API


def concepts_with_labels():
    """Every concept with its labels, ready to list (two queries whatever the size)."""
    return Concept.objects.prefetch_related("labels")


def labels_by_language(concept: Concept) -> list[dict]:
    """``[{"language", "preferred", "alternatives"}]`` in the order of the five languages (prefetched labels)."""
    rows = {lang: {"language": lang, "preferred": None, "alternatives": []} for lang in LANGUAGES}
    for label in concept.labels.all():
        row = rows.get(label.language)
        if row is None:
            continue
        if label.preferred:
            row["preferred"] = label
        else:
            row["alternatives"].append(label)
    return list(rows.values())


def concept_groups(concepts, query: str = "", lang: str = "en") -> list[dict]:
    """The concepts grouped under the thematic area(s) they belong to, filtered by ``query`` (a part of any label
    in any language, or a label found in it): ``[{"theme": concept, "concepts": [...]}]``; the rest last."""
    concepts = all_concepts = list(concepts)
    if query.strip():
        needle = fold(" ".join(query.split()))
        matched = set(match_concepts(query, lang))
        concepts = [c for c in concepts
                    if c.pk in matched or needle in fold(c.code.replace("_", " "))
                    or any(needle in fold(lb.text) for lb in c.labels.all())]
    table = _table()
    theme_ids = {pk for key, pk in table.by_theme.items() if isinstance(key, int)}
    by_id = {c.pk: c for c in all_concepts if c.pk in theme_ids}
    themes = sorted(by_id.values(), key=lambda c: (c.sort_order, c.code))
    groups = {t.pk: {"theme": t, "concepts": []} for t in themes}
    rest = {"theme": None, "concepts": []}
    for concept in sorted(concepts, key=lambda c: str(c.label(lang)).casefold()):
        if concept.pk in theme_ids:
            continue
        under = _with_ancestors(table, [concept.pk]) & theme_ids
        for theme_id in under:
            groups[theme_id]["concepts"].append(concept)
        if not under:
            rest["concepts"].append(concept)
    shown = [g for g in groups.values() if g["concepts"] or (not query.strip())
             or any(g["theme"].pk == c.pk for c in concepts)]
    if rest["concepts"]:
        shown.append(rest)
    return shown
