"""What participants said (satisfaction, knowledge gain) and how fast the facility answers (rapid reaction)."""

from __future__ import annotations

import statistics

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontis.core.facility import RAPID_REACTION_DAYS, days_on_clock
from pontis.core.models import Region, ThematicArea
from pontis.feedback.indicators import headline_indicators

from .common import actions_of_place, figures_settings
from .filters import Filters
from .registry import NUMBER, Result, figure, shared

UNIT_SHARE = _("share (0 to 1)")
UNIT_POINTS = _("points on the answer scale")
UNIT_DAYS = _("days")
UNIT_SHARE_ACTIONS = _("share of Actions (0 to 1)")


def _indicators(filters: Filters):
    """The feedback indicators of the filters: the region and theme as objects, the period as dates. Computed for
    no particular reader: a figure behind fewer than five respondents is suppressed for everyone (the feedback
    rule, docs/feedback.md)."""
    codes = [c for c in (filters.region, filters.theme) if c]
    region = theme = None
    if filters.region:
        region = Region.objects.filter(code=filters.region).first()
    if filters.theme:
        theme = ThematicArea.objects.filter(code=filters.theme).first()
    if codes and ((filters.region and region is None) or (filters.theme and theme is None)):
        return None
    with figures_settings():  # their aggregates over the responses are large enough to be JIT-compiled
        return headline_indicators(region=region, theme=theme, date_from=filters.date_from, date_to=filters.date_to, user=None)


def _from_indicator(figure_id: str, value, note_text: str) -> Result:
    if value is None:
        return Result(figure_id, value=None)
    if value.suppressed:
        return Result(
            figure_id, value=None, suppressed=True, note=gettext("Fewer than five people answered: the figure is not shown.")
        )
    return Result(
        figure_id,
        value=value.value,
        note=note_text % {"count": value.count or 0, "total": value.total or 0, "respondents": value.respondents or 0},
    )


@figure(
    "feedback.satisfaction",
    label=_("Satisfaction rate"),
    unit=UNIT_SHARE,
    kind=NUMBER,
    section="feedback",
    order=10,
    definition=_(
        "The share of answers to the satisfaction questions (rating 1 to 5) that are 4 or 5, over the "
        "feedback submitted in the period, for the region and theme chosen (the country chosen does not "
        "apply). Not shown when fewer than five people answered."
    ),
)
def satisfaction(filters: Filters) -> Result:
    result = _indicators(filters)
    return _from_indicator(
        "feedback.satisfaction",
        result and result.satisfaction_rate,
        gettext("%(count)s satisfied answers of %(total)s, from %(respondents)s people."),
    )


@figure(
    "feedback.knowledge_gain",
    label=_("Knowledge gain"),
    unit=UNIT_POINTS,
    kind=NUMBER,
    section="feedback",
    order=20,
    definition=_(
        'The mean of the "after" answer minus the "before" answer over the knowledge questions '
        "answered both before and after by the same person, over the feedback submitted in the period, "
        "for the region and theme chosen (the country chosen does not apply). Not shown when fewer "
        "than five people answered."
    ),
)
def knowledge_gain(filters: Filters) -> Result:
    result = _indicators(filters)
    return _from_indicator(
        "feedback.knowledge_gain",
        result and result.knowledge_gain,
        gettext("%(count)s matched pairs of answers, from %(respondents)s people."),
    )


# ---------------------------------------------------------------- rapid reaction


def _launch_days(filters: Filters) -> list[int]:
    """Days from request to launch of the Actions of the place launched in the period (one query, shared by the
    two rapid-reaction figures through the figures cache)."""

    def compute() -> list[int]:
        qs = actions_of_place(filters).filter(requested_on__isnull=False, launched_on__isnull=False)
        if filters.date_from:
            qs = qs.filter(launched_on__gte=filters.date_from)
        if filters.date_to:
            qs = qs.filter(launched_on__lte=filters.date_to)
        return [days_on_clock(requested, launched) for requested, launched in qs.values_list("requested_on", "launched_on")]

    return shared(f"launch-days:{filters.key}", compute)


@figure(
    "speed.median_days",
    label=_("Days from request to launch (median)"),
    unit=UNIT_DAYS,
    kind=NUMBER,
    section="speed",
    order=10,
    definition=_(
        "The median number of days from the request to the first activity delivered, over the Actions "
        "of the region, theme and country chosen launched in the period (those with a request date)."
    ),
)
def median_days(filters: Filters) -> Result:
    days = _launch_days(filters)
    if not days:
        return Result("speed.median_days", value=None)
    return Result(
        "speed.median_days", value=statistics.median(days), note=gettext("Over %(count)s Actions.") % {"count": len(days)}
    )


@figure(
    "speed.within_target",
    label=_("Actions launched within 90 days"),
    unit=UNIT_SHARE_ACTIONS,
    kind=NUMBER,
    section="speed",
    order=20,
    definition=_(
        'The share of the Actions counted in "Days from request to launch" that were launched within '
        "90 days of the request, the facility's rapid-reaction promise."
    ),
)
def within_target(filters: Filters) -> Result:
    days = _launch_days(filters)
    if not days:
        return Result("speed.within_target", value=None)
    within = sum(1 for d in days if d <= RAPID_REACTION_DAYS)
    return Result(
        "speed.within_target",
        value=round(within / len(days), 4),
        note=gettext("%(within)s of %(count)s Actions.") % {"within": within, "count": len(days)},
    )
