"""What every figure shares: how the filters select Actions, and the small query helpers the figures are made of.

The filters, the same way for every figure (docs/reports.md, "One definition per figure"):

- region, theme and country always select Actions: the Action's region or the region of one of its countries; one
  of its thematic areas; one of its countries. Requests, deliverables, activities, deployments and feedback are
  selected through their Action (requests through their own countries and themes, having no Action yet);
- the period selects each object by its own date, named in the figure's definition: an Action that ran at some time
  in the period, a request submitted (or decided) in it, a deployment or an activity that took place in it.
"""

from __future__ import annotations

import contextlib
import contextvars

from django.db import connections, transaction
from django.db.models import Q

from pontis.actions.models import Action
from pontis.core.models import Country, Region, ThematicArea

from .filters import Filters

ACTION_COUNTRIES = Action.countries.through
ACTION_THEMES = Action.themes.through


def actions_in(filters: Filters):
    """The Actions a filter selects: not cancelled; running at some time in the period (started on or before its
    end, not ended before its start); of the region (the Action's or one of its countries'), theme and country."""
    qs = actions_of_place(filters).exclude(status=Action.Status.CANCELLED)
    if filters.date_to:
        qs = qs.filter(start_date__lte=filters.date_to)
    if filters.date_from:
        qs = qs.filter(Q(end_date__gte=filters.date_from) | Q(end_date__isnull=True))
    return qs


def actions_of_place(filters: Filters):
    """The Actions of the region, theme and country chosen, whatever their dates and status."""
    qs = Action.objects.all()
    if filters.region:
        qs = qs.filter(
            Q(region__code=filters.region)
            | Q(pk__in=ACTION_COUNTRIES.objects.filter(country__region__code=filters.region).values("action_id"))
        )
    if filters.theme:
        qs = qs.filter(pk__in=ACTION_THEMES.objects.filter(thematicarea__code=filters.theme).values("action_id"))
    if filters.country:
        qs = qs.filter(pk__in=ACTION_COUNTRIES.objects.filter(country__code=filters.country).values("action_id"))
    return qs


def place_map(kind: str) -> str:
    """SQL of the pairs (action_id, place) an Action belongs to: its regions (its own and its countries', each
    once) or its thematic areas."""
    q = connections["default"].ops.quote_name
    action, countries, themes = (q(m._meta.db_table) for m in (Action, ACTION_COUNTRIES, ACTION_THEMES))
    country = q(Country._meta.db_table)
    if kind == "region":
        return (
            f"SELECT {action}.{q('id')} AS place_action, {action}.{q('region_id')} AS place FROM {action} "
            f"WHERE {action}.{q('region_id')} IS NOT NULL UNION "
            f"SELECT {countries}.{q('action_id')}, {country}.{q('region_id')} FROM {countries} "
            f"INNER JOIN {country} ON {country}.{q('id')} = {countries}.{q('country_id')} "
            f"WHERE {country}.{q('region_id')} IS NOT NULL"
        )
    return f"SELECT {themes}.{q('action_id')} AS place_action, {themes}.{q('thematicarea_id')} AS place FROM {themes}"


def places_counted(kind: str, counts: dict) -> list:
    """The active regions or thematic areas (``kind``) in their order, each ``(place, n)`` from ``counts`` (keyed by
    the place's id; 0 when absent)."""
    places = (Region if kind == "region" else ThematicArea).objects.filter(is_active=True).order_by("sort_order", "code")
    return [(p, counts.get(p.pk, 0)) for p in places]


FIGURES_WORK_MEM = "64MB"

# Inside a ``figures_settings`` block (per database alias): nested blocks change nothing.
_tuned: contextvars.ContextVar[frozenset] = contextvars.ContextVar("figures_settings", default=frozenset())


@contextlib.contextmanager
def figures_settings(using: str = "default"):
    """The figures' queries with the settings they need, for the block only. On PostgreSQL: ``work_mem``
    ``FIGURES_WORK_MEM`` for their sorts and hash tables (the default 4 MB sends the grouping of 240,000
    deployments to disk), and no JIT compilation (``jit`` off: compiling a large aggregate cost 100 to 180 ms of
    CPU before it ran, more than it saved on queries of a few hundred milliseconds). Set for the transaction
    (``set_config(..., true)``, a transaction of its own when none is open) and set back after the block when the
    transaction goes on. A block inside another one (a figure computed for the whole dashboard) changes nothing.
    SQLite has no such settings."""
    connection = connections[using]
    if connection.vendor != "postgresql" or using in _tuned.get():
        yield
        return
    token = _tuned.set(_tuned.get() | {using})
    try:
        if not connection.in_atomic_block:
            with transaction.atomic(using=using):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [FIGURES_WORK_MEM])
                yield
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('work_mem'), current_setting('jit'), "
                "set_config('work_mem', %s, true), set_config('jit', 'off', true)",
                [FIGURES_WORK_MEM],
            )
            work_mem, jit = cursor.fetchone()[:2]
        yield
        # Not after an error: the transaction is then rolled back, and its settings with it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', %s, true)", [work_mem, jit])
    finally:
        _tuned.reset(token)


__all__ = [
    "ACTION_COUNTRIES",
    "ACTION_THEMES",
    "actions_in",
    "actions_of_place",
    "figures_settings",
    "place_map",
    "places_counted",
]
