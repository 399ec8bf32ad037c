"""Every figure of the facility, registered once (figures/registry.py). One query each."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pontis.actions.models import Action

from .filters import Filters
from .registry import NUMBER, Result, figure


def actions_in(filters: Filters):
    """The Actions a filter selects: not cancelled; running at some time in the period (started on or before its
    end, not ended before its start); of the region (the Action's or one of its countries'), theme and country."""
    qs = Action.objects.exclude(status=Action.Status.CANCELLED)
    if filters.date_to:
        qs = qs.filter(start_date__lte=filters.date_to)
    if filters.date_from:
        qs = qs.filter(Q(end_date__gte=filters.date_from) | Q(end_date__isnull=True))
    if filters.region:
        qs = qs.filter(Q(region__code=filters.region) | Q(pk__in=Action.countries.through.objects.filter(
            country__region__code=filters.region).values("action_id")))
    if filters.theme:
        qs = qs.filter(pk__in=Action.themes.through.objects.filter(thematicarea__code=filters.theme).values("action_id"))
    if filters.country:
        qs = qs.filter(pk__in=Action.countries.through.objects.filter(country__code=filters.country).values("action_id"))
    return qs


@figure("actions.total", label=_("Actions"), unit=_("Actions"), kind=NUMBER, order=10,
        definition=_("Actions not cancelled that ran at some time in the period, in the region, theme and country "
                     "chosen."))
def actions_total(filters: Filters) -> Result:
    return Result("actions.total", value=actions_in(filters).count())
