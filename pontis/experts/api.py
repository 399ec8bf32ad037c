"""Roster API: statistics (staff and observers), the expert's own data, ranked candidates (staff)."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from pontis.actions.selectors import activity_detail_queryset
from pontis.core.api_helpers import IdPath
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.permissions import can, get_visible_or_404

from . import matching, selectors
from .models import ExpertProfile
from .services import profile_export_data

router = Router(tags=["experts"])


def _date(request, name):
    raw = request.GET.get(name)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(_("'%(name)s' must be a date (YYYY-MM-DD).") % {"name": name}, field=name)


@router.get("/stats/experts", summary="Roster figures (staff and observers)")
def stats_experts(request: HttpRequest):
    """Registered and deployed experts; deployed by gender and background; government experts by EU member state
    (nationality a member on the start date of one of their deployments). ``from``/``to`` (YYYY-MM-DD) restrict
    the deployment figures to deployments in that period."""
    if not can(request.user, "view_stats", ExpertProfile):
        raise NotAllowed()
    date_from, date_to = _date(request, "from"), _date(request, "to")
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
def activity_candidates(request: HttpRequest, activity_id: IdPath):
    if not can(request.user, "match", ExpertProfile):
        raise NotAllowed()
    activity = get_visible_or_404(request.user, activity_detail_queryset(), pk=activity_id)
    ranked = matching.rank(activity, matching.parse_weights(request.GET), limit=50)
    return [{"profile_id": c.profile.pk, "name": c.profile.full_name, "score": c.score,
             "parts": {k: round(v, 3) for k, v in c.parts.items()}, "non_eu": c.non_eu,
             "partner_institution": c.partner_institution} for c in ranked]


@router.get("/experts/me/data", summary="My personal data on the roster (JSON)")
def my_data(request: HttpRequest):
    profile = selectors.profile_of(request.user)
    if profile is None:
        raise NotAllowed()
    return profile_export_data(profile=profile, by=request.user)
