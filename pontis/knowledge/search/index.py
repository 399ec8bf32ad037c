"""The search documents: one per item and UI language, rebuilt whole whenever the item changes.

An item has an *original* document in each language it is written in, and a *fallback* document in every other UI
language, built from the text a reader of that language is shown (the marked fallback), so that a reader in any
language finds it. Each document is stemmed with its own language's rules, the same rules the query uses for that
language, so SQLite and PostgreSQL compare the same words.

Only what may be shown is indexed: published library items and Actions published on the portal. A draft, a
withdrawn item or an Action taken off the portal loses its documents.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from pontis.core.i18n import content_languages, translate

from .. import thesaurus
from ..models import LibraryItem, PublishedAction, SearchDocument, SearchTerm, Visibility
from ..text import stems

LIBRARY_KINDS = tuple(LibraryItem.Kind.values)
ACTION = "action"
KINDS = (*LIBRARY_KINDS, ACTION)
# The text fields of a library item, in the order a snippet looks for a match.
ITEM_TEXT_FIELDS = ("summary", "context", "action_design", "practices_text", "impact", "challenges", "lessons", "body")
ACTION_TEXT_FIELDS = ("summary", "results")
# A concept's posting: "#" and its id (a stem is made of letters and digits only, so the two never meet).
CONCEPT_TERM = "#"


def concept_term(concept_id) -> str:
    return f"{CONCEPT_TERM}{int(concept_id)}"


def schedule(kind: str, object_id: int) -> None:
    """Rebuild the search documents of one item after the current transaction commits (dropped on rollback)."""
    from ..tasks import rebuild_search_documents  # noqa: PLC0415  the task module imports this one

    transaction.on_commit(lambda: rebuild_search_documents.enqueue(kind, int(object_id)))


def padded(values) -> str:
    """Space-padded, space-separated values (" a b "), so that ``contains=" b "`` matches whole values only."""
    values = [str(v) for v in values if str(v)]
    return f" {' '.join(values)} " if values else ""


# ---------------------------------------------------------------------------------------------- the thesaurus


def concept_ids_with_broader(concept_ids, theme_ids, topic_ids) -> set[int]:
    """The item's concepts, those standing for its themes and topics, and all their broader concepts."""
    ids = {int(i) for i in concept_ids}
    ids |= {int(i) for i in thesaurus.concepts_for(themes=list(theme_ids), topics=list(topic_ids))}
    return {int(i) for i in thesaurus.with_ancestors(ids)}


# ---------------------------------------------------------------------------------------------- sources


@dataclass
class Source:
    """What an item contributes to its documents, whatever its kind."""

    kind: str
    object_id: int
    visibility: str
    title: dict
    texts: list[dict]  # translated texts (summary, sections, body...)
    labels: list[dict] = field(default_factory=list)  # translated names: countries, themes, topics
    concept_ids: set[int] = field(default_factory=set)
    theme_ids: list[int] = field(default_factory=list)
    topic_ids: list[int] = field(default_factory=list)
    country_codes: list[str] = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)
    year: int | None = None

    def languages_with_text(self) -> list[str]:
        """The UI languages the item is written in (its title or any of its texts)."""
        ui = content_languages()
        found = set()
        for value in [self.title, *self.texts]:
            for lang, text in (value or {}).items():
                if lang in ui and isinstance(text, str) and text.strip():
                    found.add(lang)
        return [lang for lang in ui if lang in found]


def _item_queryset():
    return LibraryItem.objects.prefetch_related(
        "themes",
        "topics",
        "countries__region",
        "concepts",
    )


def _item_source(item: LibraryItem) -> Source:
    countries = list(item.countries.all())
    themes, topics = list(item.themes.all()), list(item.topics.all())
    concepts = list(item.concepts.all())
    theme_ids, topic_ids = sorted(t.pk for t in themes), sorted(t.pk for t in topics)
    return Source(
        kind=item.kind,
        object_id=item.pk,
        visibility=item.visibility,
        title=item.title or {},
        texts=[getattr(item, name) or {} for name in ITEM_TEXT_FIELDS],
        labels=[c.name for c in countries] + [t.name for t in themes] + [t.name for t in topics],
        concept_ids=concept_ids_with_broader([c.pk for c in concepts], theme_ids, topic_ids),
        theme_ids=theme_ids,
        topic_ids=topic_ids,
        country_codes=sorted(c.code for c in countries),
        region_codes=sorted({c.region.code for c in countries if c.region_id}),
        year=item.year,
    )


def _action_queryset():
    return PublishedAction.objects.select_related("action__region").prefetch_related(
        "action__themes",
        "action__topics",
        "action__countries__region",
    )


def action_year(action) -> int | None:
    if action.start_date:
        return action.start_date.year
    code = action.code or ""
    return int(code[:4]) if code[:4].isdigit() else None


def _action_source(published: PublishedAction) -> Source:
    action = published.action
    countries = list(action.countries.all())
    themes, topics = list(action.themes.all()), list(action.topics.all())
    theme_ids, topic_ids = sorted(t.pk for t in themes), sorted(t.pk for t in topics)
    regions = {c.region.code for c in countries if c.region_id}
    if action.region_id:
        regions.add(action.region.code)
    return Source(
        kind=ACTION,
        object_id=published.pk,
        visibility=Visibility.PUBLIC,
        title=action.title or {},
        texts=[published.summary or {}, published.results or {}],
        labels=[c.name for c in countries] + [t.name for t in themes] + [t.name for t in topics],
        concept_ids=concept_ids_with_broader([], theme_ids, topic_ids),
        theme_ids=theme_ids,
        topic_ids=topic_ids,
        country_codes=sorted(c.code for c in countries),
        region_codes=sorted(regions),
        year=action_year(action),
    )


# ---------------------------------------------------------------------------------------------- documents


def documents_for(source: Source) -> list[SearchDocument]:
    """The unsaved documents of one item: one per UI language (original where written, else fallback)."""
    written = source.languages_with_text()
    if not written:
        return []
    docs = []
    concept_ids = padded(sorted(source.concept_ids))
    for lang in content_languages():
        title = str(translate(source.title, lang))
        text_parts = [
            title,
            *(str(translate(t, lang)) for t in source.texts),
            *(str(translate(lb, lang)) for lb in source.labels),
        ]
        docs.append(
            SearchDocument(
                kind=source.kind,
                object_id=source.object_id,
                language=lang,
                is_original=lang in written,
                visibility=source.visibility,
                title_terms=padded(stems(title, lang)),
                terms=padded(stems("\n".join(p for p in text_parts if p), lang)),
                concept_ids=concept_ids,
                theme_ids=padded(source.theme_ids),
                topic_ids=padded(source.topic_ids),
                country_codes=padded(source.country_codes),
                region_codes=padded(source.region_codes),
                year=source.year,
            )
        )
    return docs


def postings_for(doc: SearchDocument) -> list[SearchTerm]:
    """The unsaved postings of one saved document: each distinct stem of its terms (how many times it occurs
    there, whether it is in the title) and each of its concepts."""
    counts = Counter(doc.terms.split())
    title = set(doc.title_terms.split())
    for stem in title:
        counts.setdefault(stem, 0)
    postings = [
        SearchTerm(document_id=doc.pk, language=doc.language, term=stem, count=count, in_title=stem in title)
        for stem, count in counts.items()
    ]
    postings += [
        SearchTerm(document_id=doc.pk, language=doc.language, term=concept_term(cid), count=1)
        for cid in doc.concept_ids.split()
        if cid.isdigit()
    ]
    return postings


def save_documents(docs: list[SearchDocument], *, batch_size: int = 500) -> None:
    """Insert new documents and their postings, in bulk."""
    SearchDocument.objects.bulk_create(docs, batch_size=batch_size)
    if any(doc.pk is None for doc in docs):  # a database that does not return the new ids
        ids = {
            (d.kind, d.object_id, d.language): d.pk
            for d in SearchDocument.objects.filter(object_id__in={doc.object_id for doc in docs}).only(
                "pk", "kind", "object_id", "language"
            )
        }
        for doc in docs:
            doc.pk = ids[(doc.kind, doc.object_id, doc.language)]
    SearchTerm.objects.bulk_create([p for doc in docs for p in postings_for(doc)], batch_size=2000)


def _sources(kind: str, ids) -> dict[int, Source]:
    """The sources of the indexable items among ``ids`` (others: not published, or gone)."""
    if kind == ACTION:
        rows = _action_queryset().filter(pk__in=ids, is_published=True)
        return {row.pk: _action_source(row) for row in rows}
    rows = _item_queryset().filter(pk__in=ids, kind=kind, status=LibraryItem.Status.PUBLISHED)
    return {row.pk: _item_source(row) for row in rows}


def build_documents(kind: str, object_id: int) -> int:
    """Rebuild the documents of one item; idempotent. Answers how many documents it now has (0: not indexed)."""
    if kind not in KINDS:
        return 0
    object_id = int(object_id)
    with transaction.atomic():
        source = _sources(kind, [object_id]).get(object_id)
        docs = documents_for(source) if source is not None else []
        # An item may have changed kind (a practice re-filed as a publication): its documents go with it.
        stale = SearchDocument.objects.filter(object_id=object_id)
        stale = stale.filter(kind=ACTION) if kind == ACTION else stale.filter(kind__in=LIBRARY_KINDS)
        SearchTerm.objects.filter(document__in=stale).delete()
        stale.delete()
        save_documents(docs)
    return len(docs)


def rebuild_all(*, batch_size: int = 500) -> dict[str, int]:
    """Rebuild every document (the reindex command): bulk, in batches; answers documents written per kind."""
    written = {}
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        SearchDocument.objects.all().delete()
        for kind in KINDS:
            if kind == ACTION:
                ids = list(PublishedAction.objects.filter(is_published=True).order_by("pk").values_list("pk", flat=True))
            else:
                ids = list(
                    LibraryItem.objects.filter(kind=kind, status=LibraryItem.Status.PUBLISHED)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
            count = 0
            for start in range(0, len(ids), batch_size):
                sources = _sources(kind, ids[start : start + batch_size])
                docs = [doc for pk in sorted(sources) for doc in documents_for(sources[pk])]
                save_documents(docs, batch_size=batch_size)
                count += len(docs)
            written[kind] = count
    return written
