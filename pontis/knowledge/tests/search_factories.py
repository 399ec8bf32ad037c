"""Library items, published Actions and concepts for the search tests, indexed as the task worker would."""

from __future__ import annotations

import itertools

from pontis.core.models import Country, ThematicArea, Topic

from ..models import Concept, ConceptLabel, LibraryItem, PublishedAction
from ..search.index import build_documents

_seq = itertools.count(1)


def make_concept(code: str, labels: dict[str, str | list[str]], *, broader=(), theme=None, topic=None) -> Concept:
    """A concept with its preferred label (first) and alternative labels per language."""
    concept = Concept.objects.create(code=code, theme=theme, topic=topic)
    for lang, texts in labels.items():
        texts = [texts] if isinstance(texts, str) else texts
        for n, text in enumerate(texts):
            ConceptLabel.objects.create(concept=concept, language=lang, text=text, preferred=n == 0)
    concept.broader.set(broader)
    return concept


def make_item(title, *, kind=LibraryItem.Kind.CASE_STUDY, summary=None, body=None, visibility="public",
              status="published", year=2021, concepts=(), countries=(), themes=(), topics=(), index=True,
              **fields) -> LibraryItem:
    """A library item (title and texts as {lang: text}, or a plain string for English), indexed."""
    def tr(value):
        return {"en": value} if isinstance(value, str) else (value or {})

    n = next(_seq)
    item = LibraryItem.objects.create(
        kind=kind, slug=f"item-{n}", status=status, visibility=visibility, year=year, title=tr(title),
        summary=tr(summary), body=tr(body), **{k: tr(v) for k, v in fields.items()},
    )
    item.concepts.set(concepts)
    item.countries.set(Country.objects.filter(code__in=countries))
    item.themes.set(ThematicArea.objects.filter(code__in=themes))
    item.topics.set(Topic.objects.filter(code__in=topics))
    if index:
        build_documents(item.kind, item.pk)
    return item


def publish_action(action, *, summary=None, results=None, is_published=True, index=True) -> PublishedAction:
    published = PublishedAction.objects.create(
        action=action, slug=f"action-{next(_seq)}", is_published=is_published,
        summary={"en": summary} if isinstance(summary, str) else (summary or {}),
        results={"en": results} if isinstance(results, str) else (results or {}),
    )
    if index:
        build_documents("action", published.pk)
    return published
