"""Reads of the core: reference data lists and the facility's public figures."""

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import BigIntegerField, Count, F, IntegerField, Max, Prefetch, Q, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import translation

from .models import (
    ActivityType,
    Country,
    DeliverableType,
    EUMembership,
    Follow,
    Language,
    Notification,
    Region,
    ThematicArea,
    Topic,
)

logger = logging.getLogger(__name__)


def themes_with_topics():
    return ThematicArea.objects.filter(is_active=True).prefetch_related(
        Prefetch("topics", queryset=Topic.objects.filter(is_active=True))
    )


def notifications_of(user):
    """A person's own notifications, newest first (the model's order)."""
    return Notification.objects.filter(recipient=user)


def content_type_by_id(content_type_id):
    """The content type with this id (cached by Django); raises ``ContentType.DoesNotExist``."""
    return ContentType.objects.get_for_id(content_type_id)


def active_themes():
    return ThematicArea.objects.filter(is_active=True)


def active_topics(*, theme: str = "", theme_ids=None):
    """Active topics with their theme, of one theme code or of the themes ``theme_ids`` if given."""
    qs = Topic.objects.filter(is_active=True).select_related("theme")
    if theme:
        qs = qs.filter(theme__code=theme)
    if theme_ids is not None:
        qs = qs.filter(theme__in=theme_ids)
    return qs


def regions(*, active_only: bool = False):
    qs = Region.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def active_activity_types():
    return ActivityType.objects.filter(is_active=True)


def active_deliverable_types():
    return DeliverableType.objects.filter(is_active=True)


def languages():
    return Language.objects.all()


def countries_for_api(*, region: str = ""):
    """Countries with region, EU memberships and instruments (for the reference API), of one region if given."""
    qs = Country.objects.select_related("region").prefetch_related("eu_memberships", "instruments")
    return qs.filter(region__code=region) if region else qs


def countries_with_membership():
    return Country.objects.select_related("region").prefetch_related(
        Prefetch("eu_memberships", queryset=EUMembership.objects.all())
    )


def eu_member_codes_on(day) -> set[str]:
    """ISO codes of the countries that were EU members on ``day``."""
    return set(
        EUMembership.objects.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .values_list("country__code", flat=True)
    )


_figure_sources = []


def register_figure(func):
    """Apps add public headline figures: ``func() -> list[(label, value)]``."""
    if func not in _figure_sources:
        _figure_sources.append(func)
    return func


def facility_figures():
    """The public landing page's headline figures (cached: ``cached_figures``)."""

    def compute():
        return [(str(label), value) for func in _figure_sources for label, value in func()]

    return cached_figures("facility", compute)


_refreshing: contextvars.ContextVar[bool] = contextvars.ContextVar("figures_refreshing", default=False)
REFRESH_CLAIM_SECONDS = 120  # one refresh queued per figure at a time; a lost one is queued again after this


@contextlib.contextmanager
def figures_refresh():
    """Inside this block every ``cached_figures`` value is computed again and stored, never read from the cache:
    what a task that refreshes stale figures runs under."""
    token = _refreshing.set(True)
    try:
        yield
    finally:
        _refreshing.reset(token)


def figures_refreshing() -> bool:
    """True inside ``figures_refresh`` (a task computing stale figures again)."""
    return _refreshing.get()


def cached_figures(name: str, compute, *, refresh=None):
    """Aggregates over the whole facility, computed at most once per ``PONTIS_FIGURES_CACHE_SECONDS`` (default 300)
    and language, shared by every worker through the cache.

    Counting every expert, deployment and Action on each visit to the public landing page or an observer's home
    page cost from 0.2 to 1.5 s per page at stress size (100,000 experts, 300,000 deployments); headline figures a
    few minutes old are as true for their readers. 0 turns the cache off (the test profile's default).

    With ``refresh`` (a callable that queues a task computing the same value under ``figures_refresh``), the value
    is kept for ``PONTIS_FIGURES_KEEP_SECONDS`` (default a day) and, once older than
    ``PONTIS_FIGURES_CACHE_SECONDS``, still answered while ``refresh`` is called (once per
    ``REFRESH_CLAIM_SECONDS``): the reader who comes after the figures aged gets them at once, with the time they
    were computed, and the task worker computes the new ones (stale-while-revalidate). Only the first reader of a
    value never computed, or not asked for in a day, waits for it."""
    seconds = settings.PONTIS_FIGURES_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = f"pontis:figures:{name}:{translation.get_language()}"
    refreshing = _refreshing.get()
    if refresh is None:
        value = None if refreshing else cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, seconds)
        return value
    key, claim = f"{key}:kept", f"{key}:claim"
    entry = None if refreshing else cache.get(key)
    if entry is not None:
        value, fresh_until = entry
        if time.time() >= fresh_until and cache.add(claim, 1, REFRESH_CLAIM_SECONDS):
            try:
                refresh()
            except Exception:  # the stale value is still true to its "as of"; the next reader queues again
                cache.delete(claim)
                logger.exception("figures refresh could not be queued: %s", name)
        return value
    value = compute()
    cache.set(key, (value, time.time() + seconds), max(settings.PONTIS_FIGURES_KEEP_SECONDS, seconds))
    if refreshing:
        cache.delete(claim)
    return value


# News grouped by the object it is about. A row with no object is a group of its own: its key is (0, its id).
NEWS_SHOWN_PER_GROUP = 3


def _news_keyed(user):
    return Notification.objects.filter(recipient=user).annotate(
        group_type=Coalesce("target_type_id", Value(0), output_field=IntegerField()),
        group_id=Coalesce("target_id", "id", output_field=BigIntegerField()),
    )


def news_groups_of(user):
    """One row per object with news for ``user``, the most recent first: ``group_type``, ``group_id``, ``latest``,
    ``total`` and ``unread``. Sliceable, so a paginator reads one page (two queries: the count and the page)."""
    return (_news_keyed(user).values("group_type", "group_id")
            .annotate(latest=Max("created_at"), newest=Max("id"), total=Count("id"),
                      unread=Count("id", filter=Q(read_at__isnull=True)))
            .order_by("-latest", "-newest"))


def news_of_groups(user, groups, *, per_group: int = NEWS_SHOWN_PER_GROUP) -> list:
    """The latest ``per_group`` notifications of each of ``groups`` (rows of ``news_groups_of``), in one query."""
    if not groups:
        return []
    wanted = Q(pk__in=[])
    for group in groups:
        if group["group_type"]:
            wanted |= Q(target_type_id=group["group_type"], target_id=group["group_id"])
        else:
            wanted |= Q(target_type__isnull=True, pk=group["group_id"])
    ranked = _news_keyed(user).filter(wanted).annotate(
        rank=Window(RowNumber(), partition_by=[F("group_type"), F("group_id")], order_by=[F("created_at").desc(), F("id").desc()]))
    return list(ranked.filter(rank__lte=per_group))


def news_unread_of(user, *, limit: int = 5) -> list:
    """The latest unread notifications of ``user`` (the home page's news panel)."""
    return list(Notification.objects.filter(recipient=user, read_at__isnull=True)[:limit])


def followed_ids(user, model):
    """The ids of the ``model`` objects ``user`` follows (core.Follow rows), as a subquery."""
    content_type = ContentType.objects.get_for_model(model)
    return Follow.objects.filter(user=user, target_type=content_type).values("target_id")
