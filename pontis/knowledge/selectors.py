"""Reads of the practice library: the filtered list and one item, always through ``LibraryItemPolicy`` first.

Nothing here filters visibility by hand: every queryset starts from the policy's ``visible_to(user)``, so an item
the reader may not see is neither listed, counted, offered as a filter value, nor found by its address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import CharField, Prefetch, Value, prefetch_related_objects
from django.http import Http404
from django.utils import translation

from pontis.actions.models import Action, Deliverable
from pontis.core.forms import reference_version
from pontis.core.i18n import translate
from pontis.core.models import Country, ThematicArea
from pontis.core.permissions import visible_to
from pontis.events.models import Meeting
from pontis.experts.models import ExpertProfile

from .models import LibraryFile, LibraryItem, SlugRedirect
from .permissions import LibraryFilePolicy, LibraryItemPolicy, reader_class


def _policy():
    return LibraryItemPolicy()


# What a row of the library list shows.
ROW_FIELDS = ("pk", "kind", "slug", "status", "visibility", "title", "summary", "year")


def items_visible_to(user, filters: dict | None = None, *, prefetch: bool = True):
    """Items ``user`` may see, newest year first, with what a list row shows prefetched (a fixed number of
    queries whatever the number of items; ``prefetch=False``: a row's fields, ``ROW_FIELDS``, and the caller
    reads ``item_places``). ``filters``:
    ``kind``, ``theme`` (code), ``country`` (code), ``year``, ``status`` (staff only see other statuses anyway),
    ``action`` (an Action's id)."""
    filters = filters or {}
    queryset = _policy().visible_to(user)
    if prefetch:
        queryset = queryset.prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("code")),
            Prefetch("themes", queryset=ThematicArea.objects.all()),
        )
    else:  # a list row: not the long texts of the sections
        queryset = queryset.only(*ROW_FIELDS)
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    # Filters on many-to-many links go through a subquery: a row never repeats, and no DISTINCT is needed.
    if filters.get("theme"):
        queryset = queryset.filter(pk__in=LibraryItem.objects.filter(themes__code=filters["theme"]).values("pk"))
    if filters.get("country"):
        queryset = queryset.filter(pk__in=LibraryItem.objects.filter(countries__code=filters["country"]).values("pk"))
    if filters.get("action"):
        queryset = queryset.filter(pk__in=LibraryItem.objects.filter(actions__pk=filters["action"]).values("pk"))
    if filters.get("year"):
        queryset = queryset.filter(year=filters["year"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return queryset.order_by("-year", "slug")


# Names and order of the countries and thematic areas a list row shows, per language, for the current version of
# the reference data (``core.forms.reference_version`` changes whenever any of it is saved or deleted): read once
# per worker instead of a join and a translation per link on every list page.
_place_names: dict = {"version": None, "languages": {}}


def _places_reference() -> dict:
    version = reference_version()
    if _place_names["version"] != version:
        _place_names.update(version=version, languages={})
    language = translation.get_language()
    found = _place_names["languages"].get(language)
    if found is None:
        countries = Country.objects.order_by("code").values_list("pk", "code", "name")
        themes = ThematicArea.objects.order_by("sort_order", "code").values_list("pk", "code", "name")
        # (place in the order, name as ``str()`` gives it in the active language), by id.
        found = _place_names["languages"][language] = {
            "countries": {pk: (n, str(translate(name) or code)) for n, (pk, code, name) in enumerate(countries)},
            "themes": {pk: (n, str(translate(name) or code)) for n, (pk, code, name) in enumerate(themes)},
        }
    return found


def item_places(items) -> dict:
    """``{item id: (country names, thematic area names)}`` of ``items`` (which the reader may see), in the order
    the prefetches of ``items_visible_to`` give (countries by code, areas in their order), named as ``str()``
    names them in the active language: one query of the links' ids; the names are the worker's."""
    ids = [item.pk for item in items]
    places = {pk: ([], []) for pk in ids}
    if not ids:
        return places
    links = (LibraryItem.countries.through.objects.filter(libraryitem_id__in=ids)
             .annotate(kind=Value(0)).values_list("kind", "libraryitem_id", "country_id")
             .union(LibraryItem.themes.through.objects.filter(libraryitem_id__in=ids)
                    .annotate(kind=Value(1)).values_list("kind", "libraryitem_id", "thematicarea_id"), all=True))
    reference = _places_reference()
    names = (reference["countries"], reference["themes"])
    found = {pk: ([], []) for pk in ids}
    for kind, pk, target in links:
        name = names[kind].get(target)
        if name is not None:
            found[pk][kind].append(name)
    for pk, (countries, themes) in found.items():
        places[pk][0].extend(name for _n, name in sorted(countries))
        places[pk][1].extend(name for _n, name in sorted(themes))
    return places


def item_years(user) -> list[int]:
    """The years of the items ``user`` may see, newest first (the year filter offers only these)."""
    years = _policy().visible_to(user).exclude(year=None).order_by("-year").values_list("year", flat=True).distinct()
    return list(years)


def item_filter_choices(user) -> dict:
    """The themes and countries of the items ``user`` may see (nothing hints at an item they may not open)."""
    visible = _policy().visible_to(user).values("pk")
    # Semi-joins through the link tables: each theme or country is read once, by key, with no DISTINCT over
    # every link of every visible item.
    themes = LibraryItem.themes.through.objects.filter(libraryitem__in=visible).values("thematicarea_id")
    countries = LibraryItem.countries.through.objects.filter(libraryitem__in=visible).values("country_id")
    return {
        "themes": list(ThematicArea.objects.filter(pk__in=themes)),
        "countries": list(Country.objects.filter(pk__in=countries).order_by("code")),
        "years": item_years(user),
    }


def kept_seconds() -> int:
    """How long what a class of readers sees of the library (filter choices, search answers) is kept, 0: never.
    A minute at most, and never longer than the portal's lists for the public (``PONTIS_PORTAL_CACHE_SECONDS``,
    0 in tests), so a change shows everywhere within the same time."""
    portal = getattr(settings, "PONTIS_PORTAL_CACHE_SECONDS", min(settings.PONTIS_FIGURES_CACHE_SECONDS, 60))
    return max(0, min(60, int(portal)))


def item_filter_options(user) -> dict:
    """``item_filter_choices`` as the list's filters show them: (code, name in the reader's language) of the
    themes and countries, and the years. The same for every reader of a class (``reader_class``), so it is kept
    ``kept_seconds()`` per class and language: three queries and some 300 names less per page."""
    seconds = kept_seconds()
    key = f"library:filters:{reader_class(user)}:{translation.get_language()}"
    if seconds > 0:
        found = cache.get(key)
        if found is not None:
            return found
    choices = item_filter_choices(user)
    found = {
        "themes": [(t.code, str(t)) for t in choices["themes"]],
        "countries": [(c.code, str(c)) for c in choices["countries"]],
        "years": choices["years"],
    }
    if seconds > 0:
        cache.set(key, found, seconds)
    return found


def item_detail_queryset():
    return LibraryItem.objects.select_related("deliverable_type").prefetch_related(
        "languages", "themes", "topics", "concepts__labels", "countries", "sdg_targets", "gcm_objectives",
        "features", Prefetch("files", queryset=LibraryFile.objects.order_by("id")),
    )


def item_page_queryset():
    """An item as its page reads it: the row and its deliverable type; the tags come from ``item_facts``."""
    return LibraryItem.objects.select_related("deliverable_type")


def item_get_for(user, slug: str, queryset=None) -> LibraryItem:
    """The item at ``slug`` if ``user`` may see it, following a former short name (the caller compares
    ``item.slug`` with the address and answers a permanent redirect). Raises ``Http404`` for a missing item and
    for one the reader may not see, alike. ``queryset`` (default ``item_detail_queryset()``) says what is read
    with it."""
    slug = (slug or "")[:200]
    queryset = item_detail_queryset() if queryset is None else queryset
    policy = _policy()
    # The short name is unique: the row is read by it and the policy answers for that row (``can_view`` holds the
    # same conditions as ``visible_to``), without a subquery over every visible item.
    # What is prefetched is read only for an item the reader may see.
    item = next(iter(queryset.prefetch_related(None).filter(slug=slug).order_by()[:1]), None)
    if item is not None and policy.can_view(user, item):
        prefetch_related_objects([item], *queryset._prefetch_related_lookups)
        return item
    visible = policy.visible_to(user).values("pk")
    target = SlugRedirect.objects.filter(kind="item", old_slug=slug).values_list("target_id", flat=True).first()
    if target is not None:
        item = queryset.filter(pk__in=visible, pk=target).first()
        if item is not None:
            return item
    raise Http404


def item_links_for(user, item: LibraryItem, linked: dict | None = None) -> dict:
    """What an item links to that ``user`` may see: Actions (actions policy), deliverables of those Actions,
    experts (experts policy; named only where the reader may see them) and meetings (events policy).

    ``linked`` (from ``item_facts``, optional): the ids the item links to, per kind, whoever reads. A kind it
    links nothing of is then not asked for; the others are still read through their policy, for this reader."""

    def linked_to(kind, queryset):
        if linked is None:
            return queryset.filter(library_items=item)
        return queryset.filter(pk__in=linked[kind]) if linked[kind] else None

    actions = linked_to("actions", visible_to(user, Action))
    actions = list(actions.order_by("-code")) if actions is not None else []
    action_ids = [a.pk for a in actions]
    deliverables = linked_to("deliverables", Deliverable.objects.all()) if action_ids else None
    deliverables = list(deliverables.filter(action_id__in=action_ids).select_related("action", "type")
                        .order_by("action__code", "id")) if deliverables is not None else []
    experts = linked_to("experts", visible_to(user, ExpertProfile))
    experts = list(experts.order_by("family_name", "given_name")) if experts is not None else []
    meetings = linked_to("meetings", visible_to(user, Meeting))
    meetings = list(meetings.order_by("-start_date")) if meetings is not None else []
    return {"actions": actions, "deliverables": deliverables, "experts": experts, "meetings": meetings}


# The tags of an item's page, in the order its template lists them.
FACT_NAMES = ("countries", "themes", "topics", "concepts", "sdg_targets", "gcm_objectives", "languages", "features")
LINK_NAMES = ("actions", "deliverables", "experts", "meetings")


def _read_facts(item: LibraryItem) -> dict:
    """The item's tags as its page shows them, in the reader's language (nine queries), and the ids it links to
    per kind (one query)."""
    facts = {name: [str(obj) for obj in getattr(item, name).all()]
             for name in FACT_NAMES if name not in ("concepts", "sdg_targets")}
    facts["concepts"] = [str(c) for c in item.concepts.prefetch_related("labels")]
    facts["sdg_targets"] = [(t.code, str(t)) for t in item.sdg_targets.all()]
    through = LibraryItem.actions.through.objects.filter(libraryitem_id=item.pk)
    rows = through.annotate(kind=Value("actions", output_field=CharField())).values_list("kind", "action_id").union(*(
        getattr(LibraryItem, name).through.objects.filter(libraryitem_id=item.pk)
        .annotate(kind=Value(name, output_field=CharField())).values_list("kind", f"{field}_id")
        for name, field in (("deliverables", "deliverable"), ("experts", "expertprofile"), ("meetings", "meeting"))
    ), all=True)
    linked = {name: [] for name in LINK_NAMES}
    for kind, pk in rows:
        linked[kind].append(pk)
    facts["linked"] = linked
    return facts


def item_facts(item: LibraryItem) -> dict:
    """The countries, themes, topics, concepts, SDG targets, GCM objectives, languages and features of ``item`` as
    its page shows them (names in the active language; SDG targets as (code, name)), and under ``linked`` the ids
    of the Actions, deliverables, experts and meetings it links to (``item_links_for`` reads those the reader may
    see). The same for every reader allowed to open the item, so it is kept ``kept_seconds()`` per item, version
    of the item (its ``updated_at``: every change of its tags and links saves it), version of the reference data
    and language. The caller has checked that the reader may see ``item``."""
    seconds = kept_seconds()
    if seconds <= 0:
        return _read_facts(item)
    key = (f"library:facts:{item.pk}:{item.updated_at.timestamp() if item.updated_at else ''}:"
           f"{reference_version()}:{translation.get_language()}")
    found = cache.get(key)
    if found is None:
        found = _read_facts(item)
        cache.set(key, found, seconds)
    return found


def item_files(item: LibraryItem) -> list[LibraryFile]:
    """The files of an item the reader may see (the caller checked), in the order they were added."""
    return list(LibraryFile.objects.filter(item=item).order_by("id"))


def items_for_action(user, action) -> list[LibraryItem]:
    """The library items linked to ``action`` that ``user`` may see."""
    return list(_policy().visible_to(user).filter(actions=action).order_by("-year", "slug"))


def file_get_for(user, item: LibraryItem, file_id) -> LibraryFile:
    """A file of ``item`` that ``user`` may download; ``Http404`` otherwise (nothing says whether it exists)."""
    try:
        return LibraryFilePolicy().visible_to(user).select_related("item").get(item=item, pk=int(file_id))
    except (LibraryFile.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404

