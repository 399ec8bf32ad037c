"""The public portal's Actions: ``GET /api/v1/portal/actions`` and ``GET /api/v1/portal/actions/{slug}``.

No token needed: they answer only published Actions, and only the parts the partner agreed to publish (the same
reads as the portal's pages), whoever asks. A request that sends an ``Authorization`` header with an invalid token
is refused (401) rather than treated as anonymous.
"""

import datetime
from typing import Annotated

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.core.api_helpers import Code, LazyRows, Paging, Year
from pontis.core.i18n import translate

from . import portal
from .models import PublishedAction
from .sitemaps import library_item_url

SlugPath = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=120)]


router = Router(tags=["portal"], auth=optional_auth())


class PublishedActionOut(Schema):
    slug: str
    code: str
    title: dict
    title_text: str
    status: str
    countries: list[str]
    region: str | None
    scope: str  # "country", "multi_country" or "regional"
    themes: list[str]
    start_date: datetime.date | None
    end_date: datetime.date | None
    summary: dict
    url: str


class PortalPartnerOut(Schema):
    name: dict
    acronym: str
    country: str | None


class PortalActivityOut(Schema):
    type: str
    type_label: str
    online: bool
    place: str
    country: str | None
    start_date: datetime.date | None
    end_date: datetime.date | None


class PortalLinkedItemOut(Schema):
    kind: str
    slug: str
    title: dict
    year: int | None
    url: str


class PublishedActionDetailOut(PublishedActionOut):
    results: dict
    partners: list[PortalPartnerOut]
    activities: list[PortalActivityOut]
    library_items: list[PortalLinkedItemOut]


class PortalActionFilters(Schema):
    region: Code | None = None
    country: Code | None = None
    theme: Code | None = None
    year: Year | None = None


def _published(p: PublishedAction) -> dict:
    action = p.action
    return {
        "slug": p.slug, "code": action.code, "title": action.title, "title_text": str(translate(action.title)),
        "status": action.status, "countries": [c.code for c in action.countries.all()],
        "region": action.region.code if action.region_id else None, "scope": portal.action_scope(action),
        "themes": [t.code for t in action.themes.all()], "start_date": action.start_date,
        "end_date": action.end_date, "summary": p.summary, "url": reverse("portal:action", args=[p.slug]),
    }


@router.get("/portal/actions", response=list[PublishedActionOut], openapi_extra=OPTIONAL_AUTH,
            summary="Actions published on the public portal, newest first")
@paginate(Paging)
def portal_actions(request, filters: Query[PortalActionFilters]):
    chosen = portal.ActionFilters(region=filters.region or "", country=filters.country or "",
                                  theme=filters.theme or "", year=filters.year)
    return LazyRows(portal.published_actions(chosen), _published)


@router.get("/portal/actions/{slug}", response=PublishedActionDetailOut, openapi_extra=OPTIONAL_AUTH,
            summary="One published Action: only what the partner agreed to publish")
def portal_action(request, slug: SlugPath):
    published, _new_slug = portal.published_action_for(AnonymousUser(), slug)
    if published is None:
        raise Http404
    action = published.action
    data = _published(published)
    library = portal.action_library_items(request.user, action)
    data.update({
        "results": published.results,
        "partners": [{"name": p.institution.name, "acronym": p.institution.acronym,
                      "country": p.institution.country.code if p.institution.country_id else None}
                     for p in action.partners.all()] if published.show_partners else [],
        "activities": [{"type": a.type.code, "type_label": str(a.type.label), "online": a.online, "place": a.place,
                        "country": a.country.code if a.country_id else None, "start_date": a.start_date,
                        "end_date": a.end_date}
                       for a in action.activities.all()] if published.show_activities else [],
        "library_items": [{"kind": item.kind, "slug": item.slug, "title": item.title, "year": item.year,
                           "url": library_item_url(item)}
                          for items in library.values() for item in items],
    })
    return data
