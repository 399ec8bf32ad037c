"""Reference data over the API (read-only; anyone with a token may read it)."""

from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from . import selectors
from .api_helpers import Code, LazyRows, Paging
from .i18n import translate

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
    return [_code_label(t) for t in selectors.active_themes()]


@router.get("/reference/topics", response=list[TopicOut], summary="Topics, with their thematic area")
def topics(request, theme: Code | None = None):
    qs = selectors.active_topics(theme=theme or "")
    return [{**_code_label(t), "theme": t.theme.code} for t in qs]


@router.get("/reference/regions", response=list[CodeLabel], summary="The facility's regions")
def regions(request):
    return [_code_label(r) for r in selectors.regions()]


@router.get("/reference/activity-types", response=list[CodeLabel], summary="Activity types")
def activity_types(request):
    return [_code_label(r) for r in selectors.active_activity_types()]


@router.get("/reference/deliverable-types", response=list[CodeLabel], summary="Deliverable types")
def deliverable_types(request):
    return [_code_label(r) for r in selectors.active_deliverable_types()]


@router.get("/reference/countries", response=list[CountryOut], summary="Countries (ISO 3166-1) with region and instruments")
@paginate(Paging)
def countries(request, region: Code | None = None):
    today = timezone.localdate()
    return LazyRows(selectors.countries_for_api(region=region or ""), lambda c: {
        "code": c.code,
        "alpha3": c.alpha3,
        "label": translate(c.name),
        "region": c.region.code if c.region else None,
        "eu_member_now": c.was_eu_member_on(today),
        "instruments": [i.code for i in c.instruments.all()],
    })
