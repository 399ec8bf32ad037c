"""Similar elsewhere: what was done in other countries that resembles a request, an Action or a library item.

Precision over breadth. A suggestion must share at least one concept, thematic area or topic with its source AND
have a second, different reason (a deliverable type, the region, meaning...), or be very close in meaning; it never
comes from a country of the source, and it is never the source itself. Every reason carries a weight and the score
is their sum, shown to the reader, so that nobody wonders why something was suggested.

Visibility first: Actions come from the actions policy's ``visible_to(user)``, library items from
``LibraryItemPolicy.visible_to(user)`` (published ones only), experts are named only where the experts policy lets
the reader see them. Staff pin a suggestion (pins come first) or dismiss it (never shown again for that source).

Bounded: candidates are pre-selected and scored in Python, in a number of queries that does not depend on the data.
The link tables name the Actions and items sharing a theme, topic or concept and how much each shares; the database
then filters the most shared of those (status, countries, visibility) through their primary keys, and the delivered
activities of the ongoing ones through their Action's index, never with a pass over every Action or activity; the
less shared are read only when too few of the most shared pass (see ``_most_shared_first``). They are ranked by how
much they share, then by date, and at most ``CANDIDATES_PER_KIND`` of each kind are loaded, with the few columns the
panel shows. Experts are read for the suggestions shown only. A computed list is kept for ``cache_seconds()`` per
reader, language and state of the source (its tags, words and the staff's marks, so a pin shows at once); changes to
other Actions and items show once it expires.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pontis.actions.models import Action, Activity, Deliverable
from pontis.core import audit
from pontis.core.awaiting import prepared_rows
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.i18n import translate
from pontis.core.models import Country
from pontis.core.permissions import Policy, can, get_visible_or_404, policy_for, register
from pontis.core.roles import is_staff
from pontis.experts.models import Deployment, ExpertProfile
from pontis.intake import selectors as request_selectors

from . import meaning, thesaurus
from .models import Concept, LibraryItem, SimilarMark

# What a suggestion can be shown on ("practice": any library item but a publication) and what it can suggest.
SOURCE_KINDS = ("request", "action", "practice")
ITEM_KINDS = (LibraryItem.Kind.PRACTICE, LibraryItem.Kind.SHARED_DELIVERABLE, LibraryItem.Kind.CASE_STUDY)
TARGET_KINDS = ("action", *ITEM_KINDS)

SHOWN = 8
CANDIDATES_PER_KIND = 60  # pre-selected in SQL per kind, then scored in Python
FIRST_READ = 2  # how many times as many of the most shared are filtered first (see _most_shared_first)

# Each reason's weight per shared thing, and how many shared things count at most.
WEIGHTS = {"concept": 3, "theme": 2, "topic": 2, "deliverable_type": 2, "region": 1, "meaning": 3}
CAPS = {"concept": 3, "theme": 2, "topic": 3, "deliverable_type": 2, "region": 1, "meaning": 1}
TOPICAL = frozenset({"concept", "theme", "topic"})
MIN_SCORE = 4
MEANING_THRESHOLD = 0.55  # cosine above which "similar in meaning" is a reason
MEANING_STRONG = 0.75  # ...and above which it is enough on its own

REASON_LABELS = {
    "concept": _("Shared concepts"),
    "theme": _("Same thematic area"),
    "topic": _("Same topic"),
    "deliverable_type": _("Same kind of deliverable"),
    "region": _("Same region"),
    "meaning": _("Similar in meaning"),
}
KIND_LABELS = {
    "action": _("Action"),
    LibraryItem.Kind.PRACTICE: LibraryItem.Kind.PRACTICE.label,
    LibraryItem.Kind.SHARED_DELIVERABLE: LibraryItem.Kind.SHARED_DELIVERABLE.label,
    LibraryItem.Kind.CASE_STUDY: LibraryItem.Kind.CASE_STUDY.label,
}

DELIVERED = (Activity.Status.DELIVERED, Activity.Status.REPORTED)
DEPLOYED = (Deployment.Status.CONFIRMED, Deployment.Status.COMPLETED)


# ---------------------------------------------------------------- who may do what


@register
class SimilarMarkPolicy(Policy):
    """Pins and dismissals: facility staff decide what is relevant elsewhere; everyone else only reads the result."""

    model = SimilarMark

    def visible_to(self, user):
        return SimilarMark.objects.all() if is_staff(user) else SimilarMark.objects.none()

    def can_create(self, user, obj=None):
        return is_staff(user)

    def can_delete(self, user, obj=None):
        return is_staff(user)


# ---------------------------------------------------------------- the source


@dataclass
class Source:
    kind: str  # "request", "action" or "practice"
    obj: object
    embed_kind: str  # the kind its meaning vector is stored under
    country_ids: set = field(default_factory=set)
    regions: dict = field(default_factory=dict)  # id -> Region
    theme_ids: set = field(default_factory=set)
    topic_ids: set = field(default_factory=set)
    concept_ids: set = field(default_factory=set)
    deliverable_types: dict = field(default_factory=dict)  # id -> DeliverableType
    exclude_action_ids: set = field(default_factory=set)
    exclude_item_ids: set = field(default_factory=set)
    texts: list = field(default_factory=list)  # (language, text) its concepts and meaning are read from
    marks: tuple | None = None  # the staff's pins and dismissals, once read (``marks_of``)

    @property
    def id(self):
        return self.obj.pk


def _requester_of(user, obj) -> bool:
    # The requesting focal point: the one who may answer the facility's questions on the request.
    return can(user, "answer", obj)


def may_see_panel(user, kind: str, obj) -> bool:
    """Whether ``user`` (who may already see ``obj``) is shown its suggestions: on a request, staff and the
    requesting focal point; on an Action or a library item, whoever may see it."""
    if kind == "request":
        return is_staff(user) or _requester_of(user, obj)
    if kind == "practice":
        return obj.kind in ITEM_KINDS
    return True


# What a request as a source is read with: its countries with their region, its themes and topics.
REQUEST_RELATIONS = (("countries", ("region",)), ("themes", ()), ("topics", ()))


def source_object(user, kind: str, source_id) -> object:
    """The source ``user`` may see and be shown suggestions for, or Http404 (exactly like a missing one)."""
    if kind == "request":
        # Read through statements compiled once per worker, with what ``build_source`` reads of it; a request the
        # reader may not see answers 404 as a missing one.
        try:
            pk = int(source_id)
        except (TypeError, ValueError):
            raise Http404 from None
        obj = request_selectors.request_for_page(pk, select=("action",), relations=REQUEST_RELATIONS)
        if obj is None or not can(user, "view", obj):
            raise Http404
    elif kind == "action":
        obj = get_visible_or_404(
            user, Action.objects.select_related("region").prefetch_related("countries__region", "themes", "topics"), pk=source_id
        )
    elif kind == "practice":
        obj = get_visible_or_404(
            user,
            LibraryItem.objects.select_related("deliverable_type").prefetch_related(
                "countries__region", "themes", "topics", "concepts"
            ),
            pk=source_id,
        )
    else:
        raise Http404
    if not may_see_panel(user, kind, obj):
        raise Http404
    return obj


def _texts(value) -> list[tuple[str, str]]:
    """(language, text) of a translated value, every language the author wrote."""
    if isinstance(value, dict):
        return [(lang, text) for lang, text in value.items() if isinstance(text, str) and text.strip()]
    return [("en", value)] if value else []


def _matched_concepts(texts) -> set[int]:
    found: set[int] = set()
    for lang, text in texts:
        found |= set(thesaurus.match_concepts(text, lang))
    return found


def _meaning_cosines(source: Source, actions, items) -> dict[tuple[str, int], float]:
    """Cosine in meaning between the source and each candidate, keyed ("action", Action id) or (item kind, id).

    Meaning vectors of Actions are stored under their portal publication (as their search documents are), so
    Actions are looked up through it; an Action without a publication has no stored vector. A source Action without
    one is compared by its title, encoded on the spot."""
    wanted = [a.pk for a in actions] + ([source.id] if source.kind == "action" else [])
    keys = meaning.published_action_keys(wanted)
    pairs = [keys[a.pk] for a in actions if a.pk in keys] + [(i.kind, i.pk) for i in items]
    if source.kind != "action":
        found = meaning.similar_to(source.embed_kind, source.id, pairs) or {}
    elif source.id in keys:
        found = meaning.similar_to(*keys[source.id], pairs) or {}
    else:
        found = meaning.similar_to_text(str(translate(source.obj.title, "en")), pairs) or {}
    back = {key: ("action", action_id) for action_id, key in keys.items()}
    return {back.get(pair, pair): cosine for pair, cosine in found.items()}


def build_source(kind: str, obj) -> Source:
    """What the source is about: its countries and regions, themes, topics, concepts and deliverable types."""
    countries = list(obj.countries.all())
    source = Source(
        kind=kind,
        obj=obj,
        embed_kind=kind if kind != "practice" else obj.kind,
        country_ids={c.pk for c in countries},
        regions={c.region_id: c.region for c in countries if c.region_id},
        theme_ids={t.pk for t in obj.themes.all()},
        topic_ids={t.pk for t in obj.topics.all()},
    )
    texts = []
    if kind == "request":
        texts = [(obj.language, " ".join([str(translate(obj.title)), obj.problem, obj.objectives]))]
        try:
            source.exclude_action_ids.add(obj.action.pk)
        except Action.DoesNotExist:
            pass
    elif kind == "action":
        if obj.region_id:
            source.regions[obj.region_id] = obj.region
        texts = _texts(obj.title)
        source.exclude_action_ids.add(obj.pk)
        source.deliverable_types = {d.type_id: d.type for d in Deliverable.objects.filter(action=obj).select_related("type")}
    else:
        texts = _texts(obj.title)
        source.concept_ids |= {c.pk for c in obj.concepts.all()}
        source.exclude_item_ids.add(obj.pk)
        if obj.deliverable_type_id:
            source.deliverable_types[obj.deliverable_type_id] = obj.deliverable_type
    with thesaurus.checked_once():
        source.concept_ids |= set(thesaurus.concepts_for(themes=source.theme_ids, topics=source.topic_ids))
        source.concept_ids |= _matched_concepts(texts)
    source.texts = texts
    return source


# ---------------------------------------------------------------- suggestions


@dataclass
class Reason:
    code: str
    weight: float
    things: list = field(default_factory=list)  # the shared labels ("Trafficking in human beings")

    @property
    def label(self):
        return REASON_LABELS[self.code]


@dataclass
class Suggestion:
    kind: str  # "action" or a library item kind
    obj: object
    score: float
    reasons: list
    experts: dict  # {"names": [...], "count": n}: names only of the experts the reader may see
    pinned: bool = False
    countries: list = field(default_factory=list)
    year: int | None = None

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, "")

    @property
    def title(self):
        return translate(self.obj.title)

    @property
    def url(self) -> str:
        return target_url(self.kind, self.obj)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.pk}"


def target_url(kind: str, obj) -> str:
    if kind == "action":
        return reverse("actions:detail", args=[obj.code])
    return reverse("library:detail", args=[obj.slug])


def _shared_counts(through, owner: str, other: str, ids) -> Counter:
    """How many of ``ids`` each tagged object carries (read from the many-to-many table, through its index)."""
    if not ids:
        return Counter()
    return Counter(through.objects.filter(**{f"{other}__in": sorted(ids)}).values_list(owner, flat=True))


def _top(dates: dict, shared: Counter, pinned_ids) -> list[int]:
    """The ids of ``dates`` ({id: date or year}) ranked pinned first, then by how much they share, then newest
    (empty last), then highest id; at most ``CANDIDATES_PER_KIND``. Ranked here: the database only filters."""
    pinned = set(pinned_ids)

    def rank(row):
        pk, value = row
        if value is None:
            order = 0
        elif isinstance(value, int):
            order = value
        else:
            order = value.toordinal()
        return (pk not in pinned, -shared.get(pk, 0), value is None, -order, -pk)

    return [pk for pk, _value in sorted(dates.items(), key=rank)[:CANDIDATES_PER_KIND]]


def _in_order(queryset, ids: list[int]) -> list:
    by_pk = {obj.pk: obj for obj in queryset.filter(pk__id_in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _concept_tags(source: Source) -> tuple[set[int], set[int], set[int]]:
    """The source's concepts with their broader ones, and the themes and topics those concepts stand for (so that
    an Action, tagged only with themes and topics, is found by a concept of the source)."""
    wide = set(thesaurus.with_ancestors(source.concept_ids)) | source.concept_ids
    theme_ids, topic_ids = set(source.theme_ids), set(source.topic_ids)
    for theme_id, topic_id in Concept.objects.filter(pk__in=sorted(wide)).values_list("theme_id", "topic_id"):
        if theme_id:
            theme_ids.add(theme_id)
        if topic_id:
            topic_ids.add(topic_id)
    return wide, theme_ids, topic_ids


def _marks_of_kind(kind: str):
    def build(pk):
        return SimilarMark.objects.filter(source_kind=kind, source_id=pk).only("target_kind", "target_id", "mark")

    return build


def _marks(source: Source) -> tuple[set, set]:
    pinned, dismissed = set(), set()
    # A statement per kind of source, compiled once per worker (every panel reads its marks).
    rows = prepared_rows(f"knowledge.similar.marks:{source.kind}", _marks_of_kind(source.kind), {"pk": source.id})
    for row in rows:
        (pinned if row.mark == SimilarMark.Mark.PINNED else dismissed).add((row.target_kind, row.target_id))
    return pinned, dismissed


def _ids_of(pairs, kinds) -> list[int]:
    return sorted({pk for kind, pk in pairs if kind in kinds})


# What a candidate shows and is scored by: the panel reads these columns only.
ACTION_COLUMNS = ("id", "code", "title", "status", "region_id", "closed_on", "end_date", "start_date")
ITEM_COLUMNS = ("id", "kind", "slug", "title", "status", "visibility", "year", "deliverable_type_id")
COUNTRY_COLUMNS = ("id", "code", "name", "region_id")


def _countries():
    return Prefetch("countries", queryset=Country.objects.only(*COUNTRY_COLUMNS))


def _most_shared_first(shared: Counter, pinned_ids, eligible) -> dict:
    """``eligible(ids)`` ({id: date} of those that pass the filters) over the pinned and the most shared ids first:
    whole levels of "how much shared", from the highest, until there are ``FIRST_READ`` times as many as are kept.
    If at least ``CANDIDATES_PER_KIND`` of them pass, the best are among them (every other id shares less and is not
    pinned), so the rest is not read; otherwise it is. Either way ``eligible`` is called twice, so the number of
    queries is the same whatever the data."""
    first = set(pinned_ids)
    by_level: dict[int, list[int]] = {}
    for pk, count in shared.items():
        by_level.setdefault(count, []).append(pk)
    for level in sorted(by_level, reverse=True):
        if len(first) >= CANDIDATES_PER_KIND * FIRST_READ:
            break
        first.update(by_level[level])
    found = eligible(sorted(first))
    rest = sorted(set(shared) - first) if len(found) < CANDIDATES_PER_KIND else []
    found.update(eligible(rest))
    return found


def candidate_actions(user, source: Source, theme_ids, topic_ids, pinned, dismissed):
    """Past Actions the reader may see, in other countries: completed, or ongoing with delivered activities;
    sharing a theme or topic (or pinned), the most shared first, at most ``CANDIDATES_PER_KIND``.

    The Actions sharing a tag are read from the link tables (which also give how much each shares); the Actions
    table is then read through its primary key for the most shared of them, and the delivered activities through
    their Action's index for the ongoing ones only: no pass over every Action or every activity."""
    pinned_ids = _ids_of(pinned, {"action"})
    themes_through, topics_through = Action.themes.through, Action.topics.through
    shared = _shared_counts(themes_through, "action_id", "thematicarea", theme_ids) + _shared_counts(
        topics_through, "action_id", "topic", topic_ids
    )
    excluded = sorted(source.exclude_action_ids | set(_ids_of(dismissed, {"action"})))

    def eligible(ids):
        rows = (
            policy_for(Action)
            .visible_to(user)
            .filter(pk__id_in=ids, status__in=(Action.Status.COMPLETED, Action.Status.ONGOING))
            .filter(Exists(Action.countries.through.objects.filter(action=OuterRef("pk"))))
            .exclude(countries__in=sorted(source.country_ids))
            .exclude(pk__in=excluded)
            .order_by()
            .values_list("pk", "status", "closed_on")
        )
        found = {pk: (status, closed_on) for pk, status, closed_on in rows}  # a policy's joins may repeat an Action
        ongoing = sorted(pk for pk, (status, _day) in found.items() if status == Action.Status.ONGOING)
        delivered = set(
            Activity.objects.filter(action_id__id_in=ongoing, status__in=DELIVERED)
            .order_by()
            .values_list("action_id", flat=True)
            .distinct()
        )
        return {pk: day for pk, (status, day) in found.items() if status == Action.Status.COMPLETED or pk in delivered}

    top = _top(_most_shared_first(shared, pinned_ids, eligible), shared, pinned_ids)
    return _in_order(Action.objects.only(*ACTION_COLUMNS).prefetch_related(_countries(), "themes", "topics"), top)


def candidate_items(user, source: Source, wide_concepts, theme_ids, topic_ids, pinned, dismissed):
    """Published library items the reader may see, from other countries, sharing a theme, topic or concept (read
    from the link tables, then the most shared items through their primary key)."""
    pinned_ids = _ids_of(pinned, set(ITEM_KINDS))
    themes_through, topics_through = LibraryItem.themes.through, LibraryItem.topics.through
    concepts_through = LibraryItem.concepts.through
    shared = (
        _shared_counts(themes_through, "libraryitem_id", "thematicarea", theme_ids)
        + _shared_counts(topics_through, "libraryitem_id", "topic", topic_ids)
        + _shared_counts(concepts_through, "libraryitem_id", "concept", wide_concepts)
    )
    excluded = sorted(source.exclude_item_ids | set(_ids_of(dismissed, set(ITEM_KINDS))))

    def eligible(ids):
        return dict(
            policy_for(LibraryItem)
            .visible_to(user)
            .filter(pk__id_in=ids, status=LibraryItem.Status.PUBLISHED, kind__in=ITEM_KINDS)
            .filter(Exists(LibraryItem.countries.through.objects.filter(libraryitem=OuterRef("pk"))))
            .exclude(countries__in=sorted(source.country_ids))
            .exclude(pk__in=excluded)
            .order_by()
            .values_list("pk", "year")
        )

    top = _top(_most_shared_first(shared, pinned_ids, eligible), shared, pinned_ids)
    return _in_order(LibraryItem.objects.only(*ITEM_COLUMNS).prefetch_related(_countries(), "themes", "topics", "concepts"), top)


def _item_experts(items) -> dict[int, list[int]]:
    """Profile ids of each library item's experts (read from the link table, in one query)."""
    found: dict[int, list[int]] = {}
    through = LibraryItem.experts.through
    for item_id, profile_id in (
        through.objects.filter(libraryitem_id__id_in=[i.pk for i in items])
        .order_by("libraryitem_id", "expertprofile_id")
        .values_list("libraryitem_id", "expertprofile_id")
    ):
        found.setdefault(item_id, []).append(profile_id)
    return found


def _concepts_of_tags(actions) -> dict[tuple[str, int], set[int]]:
    """The concepts standing for the themes and topics of the candidate Actions, in one query:
    {("theme", id): {concept ids}, ("topic", id): {...}} (what ``thesaurus.concepts_for`` answers per item)."""
    theme_ids = {t.pk for a in actions for t in a.themes.all()}
    topic_ids = {t.pk for a in actions for t in a.topics.all()}
    found: dict[tuple[str, int], set[int]] = {}
    if not theme_ids and not topic_ids:
        return found
    for pk, theme_id, topic_id in Concept.objects.filter(
        Q(theme_id__in=sorted(theme_ids)) | Q(topic_id__in=sorted(topic_ids))
    ).values_list("pk", "theme_id", "topic_id"):
        if theme_id:
            found.setdefault(("theme", theme_id), set()).add(pk)
        if topic_id:
            found.setdefault(("topic", topic_id), set()).add(pk)
    return found


def _action_experts(actions) -> dict[int, list[int]]:
    """Profile ids of the experts deployed on each Action's activities (confirmed or completed), in one query."""
    found: dict[int, list[int]] = {}
    rows = (
        Deployment.objects.filter(activity__action_id__id_in=[a.pk for a in actions], status__in=DEPLOYED)
        .values_list("activity__action_id", "profile_id")
        .distinct()
        .order_by("activity__action_id", "profile_id")
    )
    for action_id, profile_id in rows:
        if profile_id not in found.setdefault(action_id, []):
            found[action_id].append(profile_id)
    return found


def _visible_profiles(user, profile_ids) -> dict[int, ExpertProfile]:
    return {
        p.pk: p
        for p in policy_for(ExpertProfile)
        .visible_to(user)
        .filter(pk__id_in=sorted(profile_ids))
        .only("id", "given_name", "family_name")
    }


def _reason(code: str, things: list) -> Reason | None:
    if not things:
        return None
    return Reason(code=code, weight=WEIGHTS[code] * min(len(things), CAPS[code]), things=things)


def _score(source: Source, *, themes, topics, concept_ids, deliverable_type_ids, region_ids, cosine, concept_labels):
    """The reasons a candidate is similar, and whether it qualifies (see the module's docstring)."""
    shared_themes = [t for t in themes if t.pk in source.theme_ids]
    shared_topics = [t for t in topics if t.pk in source.topic_ids]
    # A concept that only stands for a shared theme or topic is not a second reason: it is the same one.
    covered = {
        pk
        for pk, (theme_id, topic_id) in concept_labels["tags"].items()
        if theme_id in {t.pk for t in shared_themes} or topic_id in {t.pk for t in shared_topics}
    }
    shared_concepts = sorted((concept_ids & source.concept_ids) - covered)
    shared_types = sorted(deliverable_type_ids & set(source.deliverable_types))
    shared_regions = sorted(region_ids & set(source.regions))
    reasons = [
        _reason("concept", [concept_labels["labels"].get(pk, "") for pk in shared_concepts]),
        _reason("theme", [translate(t.name) for t in shared_themes]),
        _reason("topic", [translate(t.name) for t in shared_topics]),
        _reason("deliverable_type", [translate(source.deliverable_types[pk].name) for pk in shared_types]),
        _reason("region", [translate(source.regions[pk].name) for pk in shared_regions]),
    ]
    if cosine is not None and cosine >= MEANING_THRESHOLD:
        reasons.append(Reason(code="meaning", weight=WEIGHTS["meaning"]))
    reasons = [r for r in reasons if r is not None]
    score = sum(r.weight for r in reasons)
    topical = any(r.code in TOPICAL for r in reasons)
    qualifies = (topical and len(reasons) >= 2 and score >= MIN_SCORE) or (cosine is not None and cosine >= MEANING_STRONG)
    return reasons, score, qualifies


def _year(action) -> int | None:
    day = action.closed_on or action.end_date or action.start_date
    return day.year if day else None


def cache_seconds() -> int:
    """How long a computed list of suggestions is kept (0: never), at most ``PONTIS_FIGURES_CACHE_SECONDS``."""
    return min(getattr(settings, "PONTIS_SIMILAR_CACHE_SECONDS", 60), settings.PONTIS_FIGURES_CACHE_SECONDS)


def _cache_key(user, source: Source, pinned, dismissed, limit: int) -> str:
    """The key of one reader's suggestions for the source as it is now: who reads (the person and their roles),
    in which language, and everything of the source the suggestions are computed from (its countries, regions,
    tags, concepts, deliverable types, words, exclusions and the staff's pins and dismissals). A change to any of
    these is a different key, so it shows at once; the candidates' own changes show once the entry expires."""
    who = sorted(repr((a.role, a.institution_id, a.country_id)) for a in getattr(user, "role_assignments", ()))
    facts = (
        getattr(user, "pk", None),
        getattr(user, "is_active", False),
        getattr(user, "is_superuser", False),
        who,
        translation.get_language(),
        source.kind,
        source.id,
        sorted(source.country_ids),
        sorted(source.regions),
        sorted(source.theme_ids),
        sorted(source.topic_ids),
        sorted(source.concept_ids),
        sorted(source.deliverable_types),
        sorted(source.exclude_action_ids),
        sorted(source.exclude_item_ids),
        source.texts,
        sorted(pinned),
        sorted(dismissed),
        limit,
        CANDIDATES_PER_KIND,
        str(getattr(settings, "PONTIS_MEANING_ENCODER", "")),
    )
    return "similar:" + hashlib.sha256(repr(facts).encode("utf-8")).hexdigest()


def marks_of(source: Source) -> tuple[set, set]:
    """The staff's pins and dismissals of ``source``: ((target kind, id) pinned, (target kind, id) dismissed), one
    per mark (a source has at most one mark per target), read once per source object."""
    if source.marks is None:
        source.marks = _marks(source)
    return source.marks


def suggestions_for(user, source: Source, *, limit: int = SHOWN) -> list[Suggestion]:
    """The suggestions for ``source`` that ``user`` may see: pinned first, then by score (see the docstring).

    Kept for ``cache_seconds()`` per reader and per state of the source (see ``_cache_key``)."""
    pinned, dismissed = marks_of(source)
    seconds = cache_seconds()
    if seconds <= 0:
        return _compute(user, source, pinned, dismissed, limit)
    key = _cache_key(user, source, pinned, dismissed, limit)
    found = cache.get(key)
    if found is None:
        found = _compute(user, source, pinned, dismissed, limit)
        cache.set(key, found, seconds)
    return found


def _compute(user, source: Source, pinned, dismissed, limit: int) -> list[Suggestion]:
    wide, theme_ids, topic_ids = _concept_tags(source)
    actions = candidate_actions(user, source, theme_ids, topic_ids, pinned, dismissed)
    items = candidate_items(user, source, wide, theme_ids, topic_ids, pinned, dismissed)
    if not actions and not items:
        return []

    tag_concepts = _concepts_of_tags(actions)
    action_types: dict[int, set[int]] = {}
    if actions:
        for action_id, type_id in (
            Deliverable.objects.filter(action_id__in=[a.pk for a in actions])
            .values_list("action_id", "type_id")
            .distinct()
            .order_by()
        ):
            action_types.setdefault(action_id, set()).add(type_id)
    cosines = _meaning_cosines(source, actions, items)

    # Concepts each candidate carries; their labels and the theme/topic they stand for, loaded once.
    carried: dict[tuple[str, int], set[int]] = {}
    for a in actions:
        ids: set[int] = set()
        for t in a.themes.all():
            ids |= tag_concepts.get(("theme", t.pk), set())
        for t in a.topics.all():
            ids |= tag_concepts.get(("topic", t.pk), set())
        carried[("action", a.pk)] = ids
    for i in items:
        carried[(i.kind, i.pk)] = {c.pk for c in i.concepts.all()}
    shared_any = {pk for ids in carried.values() for pk in ids} & source.concept_ids
    concept_labels = {"labels": {}, "tags": {}}
    for concept in Concept.objects.filter(pk__in=sorted(shared_any)).prefetch_related("labels"):
        concept_labels["labels"][concept.pk] = concept.label()
        concept_labels["tags"][concept.pk] = (concept.theme_id, concept.topic_id)

    found: list[Suggestion] = []
    for kind, obj in [("action", a) for a in actions] + [(i.kind, i) for i in items]:
        countries = list(obj.countries.all())
        region_ids = {c.region_id for c in countries if c.region_id}
        if kind == "action":
            if obj.region_id:
                region_ids.add(obj.region_id)
            type_ids = action_types.get(obj.pk, set())
            year = _year(obj)
        else:
            type_ids = {obj.deliverable_type_id} if obj.deliverable_type_id else set()
            year = obj.year
        reasons, score, qualifies = _score(
            source,
            themes=list(obj.themes.all()),
            topics=list(obj.topics.all()),
            concept_ids=carried[(kind, obj.pk)],
            deliverable_type_ids=type_ids,
            region_ids=region_ids,
            cosine=cosines.get((kind, obj.pk)),
            concept_labels=concept_labels,
        )
        is_pinned = (kind, obj.pk) in pinned
        if not qualifies and not is_pinned:
            continue
        found.append(
            Suggestion(
                kind=kind,
                obj=obj,
                score=score,
                reasons=reasons,
                pinned=is_pinned,
                experts={},
                countries=[str(translate(c.name)) for c in countries],
                year=year,
            )
        )
    found.sort(key=lambda s: (not s.pinned, -s.score, -(s.year or 0), s.kind, s.obj.pk))
    shown = found[:limit]

    # The experts are read for the suggestions shown only (they do not change the order).
    action_experts = _action_experts([s.obj for s in shown if s.kind == "action"])
    item_experts = _item_experts([s.obj for s in shown if s.kind != "action"])
    visible_profiles = _visible_profiles(user, {pk for ids in [*action_experts.values(), *item_experts.values()] for pk in ids})
    for s in shown:
        expert_ids = (action_experts if s.kind == "action" else item_experts).get(s.obj.pk, [])
        names = sorted(visible_profiles[pk].full_name for pk in expert_ids if pk in visible_profiles)
        s.experts = {"names": names, "count": len(expert_ids)}
    return shown


def similar_for(user, source_kind: str, source_id, limit: int = SHOWN) -> list[Suggestion]:
    """The most similar past Actions and library items from other countries for a request, an Action or a library
    item ``user`` may see (Http404 otherwise), each with its reasons and experts; pins first."""
    obj = source_object(user, source_kind, source_id)
    return suggestions_for(user, build_source(source_kind, obj), limit=limit)


# ---------------------------------------------------------------- pins and dismissals (the only writes)


def _target(user, target_kind: str, target_id) -> object:
    """The target ``user`` may see, or ValidationFailed (a bad form, never a 500)."""
    try:
        target_id = int(target_id)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose a suggestion.")) from None
    if target_kind == "action":
        queryset = policy_for(Action).visible_to(user)
    elif target_kind in ITEM_KINDS:
        queryset = policy_for(LibraryItem).visible_to(user).filter(kind=target_kind)
    else:
        raise ValidationFailed(_("Choose a suggestion."))
    obj = queryset.filter(pk=target_id).first() if 0 < target_id < 2**63 else None
    if obj is None:
        raise ValidationFailed(_("This suggestion no longer exists."))
    return obj


@transaction.atomic
def similar_mark_set(*, by, source_kind: str, source_id: int, target_kind: str, target_id, mark: str) -> SimilarMark:
    """Pin a suggestion (it comes first) or dismiss it (never shown again for this source). Marking twice, or a
    double submission, leaves one row. Raises NotAllowed for anyone but staff who may see the source and the target,
    ValidationFailed for an unknown target or mark."""
    if not can(by, "create", SimilarMark):
        raise NotAllowed()
    if mark not in SimilarMark.Mark.values:
        raise ValidationFailed(_("Choose pin or not relevant."))
    source = source_object(by, source_kind, source_id)
    target = _target(by, target_kind, target_id)
    keys = {"source_kind": source_kind, "source_id": source.pk, "target_kind": target_kind, "target_id": target.pk}
    try:
        with transaction.atomic():
            row, created = SimilarMark.objects.get_or_create(**keys, defaults={"mark": mark, "by": by})
    except IntegrityError:  # the same click arrived twice at once: the other one wrote the row
        row, created = SimilarMark.objects.get(**keys), False
    if created:
        audit.record_create(row, by=by)
    elif row.mark != mark:
        before = audit.snapshot(row)
        row.mark, row.by = mark, by
        row.save(update_fields=["mark", "by", "at"])
        audit.record_update(row, by=by, before=before)
    return row


@transaction.atomic
def similar_mark_clear(*, by, source_kind: str, source_id: int, target_kind: str = "", target_id=None) -> int:
    """Remove the pin or dismissal of one suggestion (``target_kind`` and ``target_id``), or every mark of the
    source when no target is given. Answers how many marks were removed (0 when there was none: clearing twice is
    harmless). Raises NotAllowed for anyone but staff who may see the source."""
    if not can(by, "delete", SimilarMark):
        raise NotAllowed()
    source = source_object(by, source_kind, source_id)
    rows = SimilarMark.objects.filter(source_kind=source_kind, source_id=source.pk)
    if target_kind or target_id:
        if target_kind not in TARGET_KINDS:
            raise ValidationFailed(_("Choose a suggestion."))
        try:
            target_id = int(target_id)
        except (TypeError, ValueError):
            raise ValidationFailed(_("Choose a suggestion.")) from None
        if not 0 < target_id < 2**63:
            raise ValidationFailed(_("Choose a suggestion."))
        rows = rows.filter(target_kind=target_kind, target_id=target_id)
    removed = 0
    for row in rows.select_for_update():
        audit.record_delete(row, by=by)
        row.delete()
        removed += 1
    return removed
