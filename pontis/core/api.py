"""Reference data over the API (read-only; anyone with a token may read it)."""

from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from .i18n import translate
from .models import ActivityType, Country, DeliverableType, Region, ThematicArea, Topic

router = Router(tags=["reference data"])


class CodeLabel(Schema):
    code: str
    label: str
    name: dict


class TopicOut(CodeLabel):
    theme: str


class CountryOut(Schema):
    code: str
    alpha3: str
    label: str
    region: str | None
    eu_member_now: bool
    instruments: list[str]


def _code_label(obj):
    return {"code": obj.code, "label": translate(obj.name), "name": obj.name}


@router.get("/reference/themes", response=list[CodeLabel], summary="Thematic areas")
def themes(request):
    return [_code_label(t) for t in ThematicArea.objects.filter(is_active=True)]


@router.get("/reference/topics", response=list[TopicOut], summary="Topics, with their thematic area")
def topics(request, theme: str | None = None):
    qs = Topic.objects.filter(is_active=True).select_related("theme")
    if theme:
        qs = qs.filter(theme__code=theme)
    return [{**_code_label(t), "theme": t.theme.code} for t in qs]


@router.get("/reference/regions", response=list[CodeLabel], summary="The facility's regions")
def regions(request):
    return [_code_label(r) for r in Region.objects.all()]


@router.get("/reference/activity-types", response=list[CodeLabel], summary="Activity types")
def activity_types(request):
    return [_code_label(r) for r in ActivityType.objects.filter(is_active=True)]


@router.get("/reference/deliverable-types", response=list[CodeLabel], summary="Deliverable types")
def deliverable_types(request):
    return [_code_label(r) for r in DeliverableType.objects.filter(is_active=True)]


@router.get("/reference/countries", response=list[CountryOut], summary="Countries (ISO 3166-1) with region and instruments")
@paginate(LimitOffsetPagination)
def countries(request, region: str | None = None):
    today = timezone.localdate()
    qs = Country.objects.select_related("region").prefetch_related("eu_memberships", "instruments")
    if region:
        qs = qs.filter(region__code=region)
    return [
        {
            "code": c.code,
            "alpha3": c.alpha3,
            "label": translate(c.name),
            "region": c.region.code if c.region else None,
            "eu_member_now": c.was_eu_member_on(today),
            "instruments": [i.code for i in c.instruments.all()],
        }
        for c in qs
    ]
