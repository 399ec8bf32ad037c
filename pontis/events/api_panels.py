"""API routes of the panels part of meetings (mounted under /api/v1/ by config/api.py).

``GET /api/v1/panels`` and ``GET /api/v1/panels/{slug}`` (member countries, work programmes with their topics and
the confirmed host countries; delegates' names only for members and staff), and ``POST /api/v1/panels/{slug}/host-offers``
for a delegate (for their own country) or staff. Same selectors, policies and services as the pages.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.core.api_helpers import TEXT_PATTERN, Code, Id, LazyRows, Paging, Text, by_code
from pontis.core.errors import NotAllowed
from pontis.core.i18n import translate
from pontis.core.models import Country

from . import services
from .models import HostOffer, Panel
from .selectors import panels as selectors

router = Router(tags=["meetings"], auth=optional_auth())
SlugPath = Annotated[str, Path(pattern=TEXT_PATTERN, max_length=Panel._meta.get_field("slug").max_length)]


class PanelOut(Schema):
    slug: str
    name: dict
    name_text: str
    region: str | None
    is_active: bool
    member_count: int


class DelegateOut(Schema):
    country: str
    name: str
    role: str
    institution: str


class OfferOut(Schema):
    id: int
    country: str
    status: str


class ProgrammeTopicOut(Schema):
    id: int
    order: int
    title: dict
    meeting: str | None
    confirmed_hosts: list[str]
    offers: list[OfferOut]


class ProgrammeOut(Schema):
    year: int
    status: str
    presented_at: str | None
    topics: list[ProgrammeTopicOut]


class MeetingRef(Schema):
    slug: str
    title: dict
    start_date: str
    host_countries: list[str]


class PanelDetailOut(PanelOut):
    description: dict
    members: list[str]
    delegates: list[DelegateOut]
    meetings: list[MeetingRef]
    programmes: list[ProgrammeOut]


class HostOfferIn(Schema):
    topic: Id
    country: Code
    note: Text(2000) = ""


class HostOfferOut(Schema):
    id: int
    topic: int
    country: str
    status: str


def _panel(p: Panel) -> dict:
    return {"slug": p.slug, "name": p.name, "name_text": str(translate(p.name)),
            "region": p.region.code if p.region_id else None, "is_active": p.is_active,
            "member_count": getattr(p, "member_count", 0)}


def _topic(topic) -> dict:
    offers = topic.visible_offers
    return {"id": topic.pk, "order": topic.order, "title": topic.title,
            "meeting": topic.meeting.slug if topic.meeting_id else None,
            "confirmed_hosts": [o.country.code for o in offers if o.status == HostOffer.Status.CONFIRMED],
            "offers": [{"id": o.pk, "country": o.country.code, "status": o.status} for o in offers]}


@router.get("/panels", response=list[PanelOut], summary="Panels the caller may see", openapi_extra=OPTIONAL_AUTH)
@paginate(Paging)
def panels_list(request):
    return LazyRows(selectors.panels_for(request.user), _panel)


@router.get("/panels/{slug}", response=PanelDetailOut, openapi_extra=OPTIONAL_AUTH,
            summary="A panel: member countries, delegates (members only), meetings, work programmes and hosts")
def panels_detail(request, slug: SlugPath):
    panel = selectors.panel_get_for(request.user, slug)
    page = selectors.panel_page(request.user, panel)
    data = _panel(panel)
    data["member_count"] = len(page["members"])
    data.update({
        "description": panel.description,
        "members": [m.country.code for m in page["members"]],
        "delegates": [{"country": d.country.code, "name": d.name, "role": d.role, "institution": d.institution}
                      for d in page["delegates"] if d.is_active],
        "meetings": [{"slug": m.slug, "title": m.title, "start_date": m.start_date.isoformat(),
                      "host_countries": sorted(m.host_codes)} for m in page["meetings"]],
        "programmes": [{"year": p.year, "status": p.status,
                        "presented_at": p.presented_at.slug if p.presented_at_id else None,
                        "topics": [_topic(t) for t in p.ordered_topics]} for p in page["programmes"]],
    })
    return data


@router.post("/panels/{slug}/host-offers", response={200: HostOfferOut, 201: HostOfferOut},
             summary="Offer to host a topic of the panel's work programme (a delegate for their own country, or staff)")
def panels_host_offer(request, slug: SlugPath, payload: HostOfferIn):
    if not (request.user.is_authenticated and request.user.is_active):
        raise NotAllowed()
    panel = selectors.panel_get_for(request.user, slug)
    if not selectors.offer_countries_for(request.user, panel):  # neither staff nor a delegate of this panel
        raise NotAllowed()
    topic = selectors.topic_get_for(request.user, panel, payload.topic)
    country = by_code(Country, payload.country, field="country")
    before = selectors.offer_exists(topic, country)
    offer = services.host_offer_create(topic=topic, country=country, by=request.user, note=payload.note)
    body = {"id": offer.pk, "topic": topic.pk, "country": country.code, "status": offer.status}
    return Status(200 if before else 201, body)
