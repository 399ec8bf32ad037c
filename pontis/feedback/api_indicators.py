"""``GET /api/v1/indicators``: the feedback indicators of an activity, an Action, a region, a theme and a period,
with the counts behind them. Same function as the review page (pontis.feedback.indicators), same policy
(IndicatorsPolicy: staff, committee members and donor observers), same suppression below five respondents for
everyone but administrators. An activity or Action the caller may not see answers 404; a bad filter 422."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pontis.core.api_helpers import Code, Id, OptionalDate, by_code
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.permissions import can

from .indicators import Figure, Indicators, indicators
from .selectors.indicators import (
    indicator_action_for,
    indicator_activity_for,
    indicator_regions,
    indicator_themes,
)

router = Router(tags=["feedback"])


class IndicatorFilters(Schema):
    """The scope (``from``/``to`` are Python keywords, hence the aliases); the filters combine."""

    activity: Id | None = Field(None, description="An activity id: its questionnaires and its meeting")
    action: Code | None = Field(None, description="An Action code: its questionnaires, activities and meetings")
    region: Code | None = Field(None, description="A region code (the Action's or the meeting's region)")
    theme: Code | None = Field(None, description="A thematic area code (the Action's or the meeting's)")
    date_from: OptionalDate = Field(None, alias="from", description="Responses submitted on or after this day (YYYY-MM-DD)")
    date_to: OptionalDate = Field(None, alias="to", description="Responses submitted on or before this day (YYYY-MM-DD)")


class CountsOut(Schema):
    """What a figure is made of; all ``None`` and ``suppressed`` true below five respondents (not for admins)."""

    count: int | None
    total: int | None
    respondents: int | None
    suppressed: bool


class IndicatorsOut(Schema):
    satisfaction_rate: float | None = Field(description="Share (0-1) of reaction-level ratings that are 4 or 5")
    knowledge_gain: float | None = Field(description="Mean of after minus before over matched pairs")
    women_share: float | None = Field(description="Share (0-1) of women among attending participants")
    response_rate: float | None = Field(description="Share (0-1) of personal links answered")
    ratings_by_criterion: dict[str, float | None] = Field(description="Evaluation criterion code -> mean rating (1-5)")
    suppressed: list[str] = Field(description="The figures (and criterion:<code>) suppressed for this caller")
    counts: dict[str, CountsOut] = Field(description="Per figure (and criterion:<code>) the counts behind it")


def _counts(figure: Figure) -> dict:
    return {"count": figure.count, "total": figure.total, "respondents": figure.respondents,
            "suppressed": figure.suppressed}


@router.get("/indicators", response=IndicatorsOut, summary="Feedback indicators (staff, committee, observers)")
def get_indicators(request: HttpRequest, filters: Query[IndicatorFilters]):
    """Satisfaction rate, knowledge gain, women share, response rate and ratings by criterion, with the counts
    behind them. ``counts.<figure>``: ``count`` of ``total`` (satisfied ratings of ratings, matched pairs, women of
    attendees, answered of invited, ratings) and the ``respondents``."""
    if not can(request.user, "view", Indicators):
        raise NotAllowed()
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise ValidationFailed(_("'to' must not be before 'from'."), field="to",
                               errors={"to": [_("'to' must not be before 'from'.")]})
    region = by_code(indicator_regions(), filters.region, field="region")
    theme = by_code(indicator_themes(), filters.theme, field="theme")
    activity = indicator_activity_for(request.user, filters.activity) if filters.activity is not None else None
    action = indicator_action_for(request.user, filters.action) if filters.action is not None else None
    figures = indicators(activity=activity, action=action, region=region, theme=theme, date_from=filters.date_from,
                         date_to=filters.date_to, user=request.user)
    named = {name: getattr(figures, name) for name in Indicators.FIGURES}
    named.update({f"criterion:{code}": f for code, f in figures.ratings_by_criterion.items()})
    return {
        **{name: getattr(figures, name).value for name in Indicators.FIGURES},
        "ratings_by_criterion": {code: f.value for code, f in figures.ratings_by_criterion.items()},
        "suppressed": [name for name, f in named.items() if f.suppressed],
        "counts": {name: _counts(f) for name, f in named.items()},
    }
