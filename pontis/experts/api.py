"""Roster API: statistics (staff and observers), the expert's own data, ranked candidates (staff)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import create_model

from pontis.actions.selectors import activity_detail_queryset
from pontis.core.api_helpers import IdPath, OptionalDate
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.permissions import can, get_visible_or_404

from . import matching, selectors
from .models import ExpertProfile
from .services import profile_export_data

router = Router(tags=["experts"])


class StatsPeriod(Schema):
    """The period of the deployment figures (``from``/``to`` are Python keywords, hence the aliases)."""

    date_from: OptionalDate = Field(None, alias="from", description="Count deployments that end on or after this day (YYYY-MM-DD)")
    date_to: OptionalDate = Field(None, alias="to", description="Count deployments that start, and experts registered, on or before this day (YYYY-MM-DD)")


# One query parameter ``w_<part>`` per part of the matching score (0-100; the document shows each default), built
# from matching.DEFAULT_WEIGHTS so that a new part is declared the day it is scored.
MatchingWeights = create_model(
    "MatchingWeights", __base__=Schema,
    **{f"w_{part}": (int, Field(default, ge=0, le=100, description=f"Weight of '{part}' in the score (0-100)"))
       for part, default in matching.DEFAULT_WEIGHTS.items()},
)


@router.get("/stats/experts", summary="Roster figures (staff and observers)")
def stats_experts(request: HttpRequest, period: Query[StatsPeriod]):
    """Registered and deployed experts; deployed by gender and background; government experts by EU member state
    (nationality a member on the start date of one of their deployments). ``from``/``to`` (YYYY-MM-DD) restrict
    the deployment figures to deployments in that period."""
    if not can(request.user, "view_stats", ExpertProfile):
        raise NotAllowed()
    date_from, date_to = period.date_from, period.date_to
    if date_from and date_to and date_to < date_from:
        raise ValidationFailed(_("'to' must not be before 'from'."), field="to")
    return selectors.expert_statistics(date_from=date_from, date_to=date_to)


class CandidateOut(Schema):
    profile_id: int
    name: str
    score: float
    parts: dict[str, float]
    non_eu: bool
    partner_institution: bool


@router.get("/activities/{activity_id}/candidates", response=list[CandidateOut],
            summary="Ranked candidates for an activity (staff)")
def activity_candidates(request: HttpRequest, activity_id: IdPath, weights: Query[MatchingWeights]):
    if not can(request.user, "match", ExpertProfile):
        raise NotAllowed()
    activity = get_visible_or_404(request.user, activity_detail_queryset(), pk=activity_id)
    chosen = {part: getattr(weights, f"w_{part}") for part in matching.DEFAULT_WEIGHTS}
    ranked = matching.rank(activity, chosen, limit=50)
    return [{"profile_id": c.profile.pk, "name": c.profile.full_name, "score": c.score,
             "parts": {k: round(v, 3) for k, v in c.parts.items()}, "non_eu": c.non_eu,
             "partner_institution": c.partner_institution} for c in ranked]


@router.get("/experts/me/data", summary="My personal data on the roster (JSON)")
def my_data(request: HttpRequest):
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise NotAllowed()
    return profile_export_data(profile=profile, by=request.user)
