"""What every figure shares: how the filters select Actions, and the small query helpers the figures are made of.

The filters, the same way for every figure (docs/reports.md, "One definition per figure"):

- region, theme and country always select Actions: the Action's region or the region of one of its countries; one
  of its thematic areas; one of its countries. Requests, deliverables, activities, deployments and feedback are
  selected through their Action (requests through their own countries and themes, having no Action yet);
- the period selects each object by its own date, named in the figure's definition: an Action that ran at some time
  in the period, a request submitted (or decided) in it, a deployment or an activity that took place in it.
"""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from pontis.actions.models import Action

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
        qs = qs.filter(Q(region__code=filters.region) | Q(pk__in=ACTION_COUNTRIES.objects.filter(
            country__region__code=filters.region).values("action_id")))
    if filters.theme:
        qs = qs.filter(pk__in=ACTION_THEMES.objects.filter(thematicarea__code=filters.theme).values("action_id"))
    if filters.country:
        qs = qs.filter(pk__in=ACTION_COUNTRIES.objects.filter(country__code=filters.country).values("action_id"))
    return qs


def places_filtered(filters: Filters) -> bool:
    return bool(filters.region or filters.theme or filters.country)


def in_period(filters: Filters, start: str, end: str | None = None) -> Q:
    """Objects dated from ``start`` to ``end`` (or on the day ``start`` when ``end`` is None) that meet the period."""
    q = Q()
    if filters.date_to:
        q &= Q(**{f"{start}__lte": filters.date_to})
    if filters.date_from:
        q &= Q(**{f"{end or start}__gte": filters.date_from})
    return q


def of_region(action_path: str) -> Q:
    """Inside a subquery annotating regions: rows whose Action (``action_path``) has the outer region as its own
    region or as the region of one of its countries. An Action in two regions belongs to both."""
    return Q(**{f"{action_path}__region_id": OuterRef("pk")}) | Q(**{f"{action_path}__in": ACTION_COUNTRIES.objects.filter(
        country__region_id=OuterRef(OuterRef("pk"))).values("action_id")})


def of_theme(action_path: str) -> Q:
    """Inside a subquery annotating thematic areas: rows whose Action has the outer thematic area."""
    return Q(**{f"{action_path}__in": ACTION_THEMES.objects.filter(
        thematicarea_id=OuterRef(OuterRef("pk"))).values("action_id")})


class _Count(Func):
    function = "COUNT"
    template = "COUNT(*)"
    output_field = IntegerField()


def count_of(queryset):
    """A correlated subquery counting the rows of ``queryset`` (0 when none), to annotate each row of a vocabulary
    (region, theme, country) with one query for the whole breakdown."""
    return Coalesce(Subquery(queryset.order_by().values(n=_Count()).values("n")[:1], output_field=IntegerField()),
                    Value(0))


class _Aggregate(Func):
    output_field = IntegerField()


def sum_of(queryset, expression):
    """A correlated subquery summing ``expression`` over the rows of ``queryset`` (0 when none)."""
    value = _Aggregate(expression, function="SUM")
    return Coalesce(Subquery(queryset.order_by().values(n=value).values("n")[:1], output_field=IntegerField()),
                    Value(0))


def distinct_count_of(queryset, field: str):
    """A correlated subquery counting the distinct values of ``field`` over the rows of ``queryset`` (0 when none)."""
    value = _Aggregate(F(field), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
    return Coalesce(Subquery(queryset.order_by().values(n=value).values("n")[:1], output_field=IntegerField()),
                    Value(0))


__all__ = ["ACTION_COUNTRIES", "ACTION_THEMES", "OuterRef", "actions_in", "actions_of_place", "count_of",
           "distinct_count_of", "of_region", "of_theme", "in_period", "places_filtered", "sum_of"]
