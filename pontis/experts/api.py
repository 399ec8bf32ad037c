"""Roster API: the expert's own data, ranked candidates (staff). The roster's figures (GET /api/v1/stats/experts)
are served by the reports app from the registry of figures (pontis/reports/api_stats.py)."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import create_model

from pontis.actions.selectors import activity_detail_queryset
from pontis.core.api_helpers import IdPath
from pontis.core.errors import NotAllowed
from pontis.core.permissions import can, get_visible_or_404

from . import matching, selectors
from .models import ExpertProfile
from .services import profile_export_data

router = Router(tags=["experts"])


# One query parameter ``w_<part>`` per part of the matching score (0-100; the document shows each default), built
# from matching.DEFAULT_WEIGHTS so that a new part is declared the day it is scored.
MatchingWeights = create_model(
    "MatchingWeights", __base__=Schema,
    **{f"w_{part}": (int, Field(default, ge=0, le=100, description=f"Weight of '{part}' in the score (0-100)"))
       for part, default in matching.DEFAULT_WEIGHTS.items()},
)


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
