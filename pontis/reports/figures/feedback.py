"""What participants said (satisfaction, knowledge gain) and how fast the facility answers (rapid reaction)."""

from __future__ import annotations

import statistics

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontis.core.facility import RAPID_REACTION_DAYS
from pontis.core.models import Region, ThematicArea
from pontis.feedback.indicators import knowledge_figure, satisfaction_figure

from . import columns
from .actions import actions_found
from .filters import Filters
from .registry import NUMBER, Result, data_as_of, figure, shared

UNIT_SHARE = _("share (0 to 1)")
UNIT_POINTS = _("points on the answer scale")
UNIT_DAYS = _("days")
UNIT_SHARE_ACTIONS = _("share of Actions (0 to 1)")


def _sums(filters: Filters) -> dict | None:
    """The sums behind the satisfaction rate and the knowledge gain of the filters (``columns.feedback_sums``, from
    the feedback facts kept as columns; the same numbers as ``headline_indicators`` reads from the database), shared
    by the two figures; None for a region or theme that does not exist. Computed for no particular reader: a figure
    behind fewer than five respondents is suppressed for everyone (the feedback rule, docs/feedback.md)."""
    if (filters.region and not Region.objects.filter(code=filters.region).exists()) or (
        filters.theme and not ThematicArea.objects.filter(code=filters.theme).exists()
    ):
        return None
    sums = shared(f"feedback-sums:{filters.key}", lambda: columns.feedback_sums(filters))
    data_as_of(sums["as_of"])
    return sums


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
    sums = _sums(filters)
    return _from_indicator(
        "feedback.satisfaction",
        sums and satisfaction_figure(sums, reveal=False),
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
    sums = _sums(filters)
    return _from_indicator(
        "feedback.knowledge_gain",
        sums and knowledge_figure(sums, reveal=False),
        gettext("%(count)s matched pairs of answers, from %(respondents)s people."),
    )


# ---------------------------------------------------------------- rapid reaction


def _launch_days(filters: Filters) -> list[int]:
    """Days from request to launch of the Actions of the place launched in the period (whatever their status; those
    with both dates), shared by the two rapid-reaction figures with the Action figures (``actions_found``)."""
    return actions_found(filters)["launch_days"]


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
