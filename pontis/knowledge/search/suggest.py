"""Suggestions for the search box: thesaurus concepts and titles of items the reader may see.

Titles come from the reader's own visible search documents (the same visibility filter as the search), so a
staff-only item's title is never suggested to anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from pontis.core.i18n import translate

from ..models import ConceptLabel, LibraryItem, PublishedAction
from ..text import fold, stems, words
from .index import ACTION, LIBRARY_KINDS
from .query import MAX_QUERY_LENGTH, _visible_documents, action_url, item_url, query_language

MIN_LENGTH = 2
MAX_CONCEPTS = 5
MAX_TITLES = 5


@dataclass
class Suggestion:
    label: str
    url: str
    kind: str  # "concept", or the item's kind


def _concepts(q: str, lang: str) -> list[Suggestion]:
    """Concepts with a label (in the reader's language first) containing the typed words, as a prefix."""
    typed = words(q)
    if not typed:
        return []
    labels = ConceptLabel.objects.select_related("concept").order_by(
        "concept__sort_order", "concept__code", "language", "-preferred", "text"
    )
    found: dict[int, tuple] = {}
    for label in labels:
        label_words = words(label.text)
        if not all(any(w.startswith(t) for w in label_words) for t in typed):
            continue
        rank = (label.language != lang, not label.preferred, label.concept.sort_order, label.concept.code)
        if label.concept_id not in found or rank < found[label.concept_id][0]:
            found[label.concept_id] = (rank, label)
    chosen = sorted(found.values(), key=lambda row: row[0])[:MAX_CONCEPTS]
    search = reverse("search:search")
    suggestions = []
    for _rank, label in chosen:
        preferred = label.concept.label(lang)
        text = label.text if label.language == lang or not preferred else str(preferred)
        suggestions.append(Suggestion(text, f"{search}?{urlencode({'concept': label.concept.code})}", "concept"))
    return suggestions


def _titles(user, q: str, lang: str) -> list[Suggestion]:
    """Items the reader may see whose title (in ``lang``) has every typed word, the last one as a prefix."""
    typed = [stems(w, lang)[0] if stems(w, lang) else w for w in words(q)][:6]
    if not typed:
        return []
    condition = Q(language=lang)
    for n, stem in enumerate(typed):
        last = n == len(typed) - 1
        condition &= Q(title_terms__contains=f" {fold(stem)}" if last else f" {stem} ")
    rows = list(
        _visible_documents(user).filter(condition).order_by("kind", "object_id").values_list("kind", "object_id")[:MAX_TITLES]
    )
    item_ids = [pk for kind, pk in rows if kind in LIBRARY_KINDS]
    action_ids = [pk for kind, pk in rows if kind == ACTION]
    items = {i.pk: i for i in LibraryItem.objects.filter(pk__in=item_ids)} if item_ids else {}
    actions = {a.pk: a for a in PublishedAction.objects.filter(pk__in=action_ids).select_related("action")} if action_ids else {}
    suggestions = []
    for kind, pk in rows:
        if kind == ACTION and pk in actions:
            suggestions.append(Suggestion(str(translate(actions[pk].action.title, lang)), action_url(actions[pk]), kind))
        elif pk in items:
            suggestions.append(Suggestion(str(translate(items[pk].title, lang)), item_url(items[pk]), kind))
    return suggestions


def suggestions(user, q: str, lang: str | None = None) -> list[Suggestion]:
    """Up to ten suggestions for what the reader has typed (nothing under two letters)."""
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    if len(fold(q)) < MIN_LENGTH:
        return []
    lang = query_language(lang)
    return _concepts(q, lang) + _titles(user, q, lang)
