"""Reads of the practice library: the filtered list and one item, always through ``LibraryItemPolicy`` first.

Nothing here filters visibility by hand: every queryset starts from the policy's ``visible_to(user)``, so an item
the reader may not see is neither listed, counted, offered as a filter value, nor found by its address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404
from django.utils import translation

from pontis.actions.models import Action, Deliverable
from pontis.core.models import Country, ThematicArea
from pontis.core.permissions import visible_to
from pontis.events.models import Meeting
from pontis.experts.models import ExpertProfile

from .models import LibraryFile, LibraryItem, SlugRedirect
from .permissions import LibraryFilePolicy, LibraryItemPolicy, reader_class


def _policy():
    return LibraryItemPolicy()


def items_visible_to(user, filters: dict | None = None):
    """Items ``user`` may see, newest year first, with what a list row shows prefetched (a fixed number of
    queries whatever the number of items). ``filters``: ``kind``, ``theme`` (code), ``country`` (code),
    ``year``, ``status`` (staff only see other statuses anyway), ``action`` (an Action's id)."""
    filters = filters or {}
    queryset = _policy().visible_to(user).prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        Prefetch("themes", queryset=ThematicArea.objects.all()),
    )
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


def item_get_for(user, slug: str) -> LibraryItem:
    """The item at ``slug`` if ``user`` may see it, following a former short name (the caller compares
    ``item.slug`` with the address and answers a permanent redirect). Raises ``Http404`` for a missing item and
    for one the reader may not see, alike."""
    slug = (slug or "")[:200]
    visible = _policy().visible_to(user).values("pk")
    item = item_detail_queryset().filter(pk__in=visible, slug=slug).first()
    if item is not None:
        return item
    target = SlugRedirect.objects.filter(kind="item", old_slug=slug).values_list("target_id", flat=True).first()
    if target is not None:
        item = item_detail_queryset().filter(pk__in=visible, pk=target).first()
        if item is not None:
            return item
    raise Http404


def item_links_for(user, item: LibraryItem) -> dict:
    """What an item links to that ``user`` may see: Actions (actions policy), deliverables of those Actions,
    experts (experts policy; named only where the reader may see them) and meetings (events policy)."""

    actions = list(visible_to(user, Action).filter(library_items=item).order_by("-code"))
    action_ids = [a.pk for a in actions]
    deliverables = list(Deliverable.objects.filter(library_items=item, action_id__in=action_ids)
                        .select_related("action", "type").order_by("action__code", "id"))
    experts = list(visible_to(user, ExpertProfile).filter(library_items=item).order_by("family_name", "given_name"))
    meetings = list(visible_to(user, Meeting).filter(library_items=item).order_by("-start_date"))
    return {"actions": actions, "deliverables": deliverables, "experts": experts, "meetings": meetings}


def items_for_action(user, action) -> list[LibraryItem]:
    """The library items linked to ``action`` that ``user`` may see."""
    return list(_policy().visible_to(user).filter(actions=action).order_by("-year", "slug"))


def file_get_for(user, item: LibraryItem, file_id) -> LibraryFile:
    """A file of ``item`` that ``user`` may download; ``Http404`` otherwise (nothing says whether it exists)."""
    try:
        return LibraryFilePolicy().visible_to(user).select_related("item").get(item=item, pk=int(file_id))
    except (LibraryFile.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404

