"""The practice library over the API: ``GET /api/v1/library/items`` (paginated, filterable), one item by its short
name, and for staff create, change and publish. Same selectors, policy and services as the pages.

Public items are readable without a token; a valid token or session shows what that person may see. A request
that sends an ``Authorization`` header with an invalid token is refused (401), never treated as anonymous.
"""


import datetime
from typing import Annotated

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.actions.models import Action
from pontis.core.api_helpers import (
    TEXT_PATTERN,
    Code,
    LazyRows,
    Paging,
    Text,
    Translations,
    by_code,
    by_codes,
    model_choice,
    model_text,
)
from pontis.core.errors import NotAllowed, ValidationFailed
from pontis.core.i18n import clean_translations, translate
from pontis.core.models import (
    Country,
    DeliverableType,
    GCMObjective,
    GoodPracticeFeature,
    Language,
    SDGTarget,
    ThematicArea,
    Topic,
)
from pontis.core.once import IdempotentIn
from pontis.core.permissions import can

from . import selectors, services
from .models import LibraryItem

LibraryYear = Field(None, ge=1900, le=2200)
# A short name in the address: as long as the column allows (a former one too, for the redirect).
SlugPath = Annotated[str, Path(pattern=TEXT_PATTERN, max_length=LibraryItem._meta.get_field("slug").max_length)]


router = Router(tags=["library"], auth=optional_auth())
# Public items need no credentials: the document says so with an empty security requirement.


class LibraryFileOut(Schema):
    id: int
    title: str
    language: str
    size: int
    content_type: str
    url: str


class LibraryItemOut(Schema):
    id: int
    slug: str
    kind: str
    status: str
    visibility: str
    title: dict
    title_text: str
    summary: dict
    year: int | None
    countries: list[str]
    themes: list[str]
    url: str


class LibraryItemDetailOut(LibraryItemOut):
    context: dict
    action_design: dict
    practices_text: dict
    impact: dict
    challenges: dict
    lessons: dict
    body: dict
    topics: list[str]
    sdg_targets: list[str]
    gcm_objectives: list[str]
    features: list[str]
    languages: list[str]
    deliverable_type: str | None
    deliverable_status: str
    publication_type: str
    partner_agreed_by: str
    partner_agreed_on: datetime.date | None
    published_at: datetime.datetime | None
    actions: list[str]
    files: list[LibraryFileOut]


class LibraryItemFilters(Schema):
    kind: model_choice(LibraryItem, "kind") | None = None
    theme: Code | None = None
    country: Code | None = None
    year: int | None = LibraryYear


class LibraryItemPatch(Schema):
    slug: model_text(LibraryItem, "slug") | None = None
    title: Translations | None = None
    summary: Translations | None = None
    context: Translations | None = None
    action_design: Translations | None = None
    practices_text: Translations | None = None
    impact: Translations | None = None
    challenges: Translations | None = None
    lessons: Translations | None = None
    body: Translations | None = None
    year: int | None = LibraryYear
    deliverable_type: Code | None = None
    deliverable_status: Text(20) | None = None
    publication_type: Text(30) | None = None
    partner_agreed_by: model_text(LibraryItem, "partner_agreed_by") | None = None
    partner_agreed_on: datetime.date | None = None
    languages: list[Code] | None = None
    themes: list[Code] | None = None
    topics: list[Code] | None = None
    countries: list[Code] | None = None
    sdg_targets: list[Code] | None = None
    gcm_objectives: list[Code] | None = None
    features: list[Code] | None = None
    actions: list[Code] | None = Field(None, description="Action codes (YYYY-NN)")


class LibraryItemIn(LibraryItemPatch, IdempotentIn):
    # Required (a 422 names them), but checked after the permission: a caller who may not create is refused first.
    kind: model_choice(LibraryItem, "kind") | None = None
    title: Translations | None = None
    visibility: model_choice(LibraryItem, "visibility") = "staff"


_REFERENCE = {"languages": Language, "themes": ThematicArea, "topics": Topic, "countries": Country,
              "sdg_targets": SDGTarget, "gcm_objectives": GCMObjective, "features": GoodPracticeFeature}


def _service_fields(data: dict) -> dict:
    """Input values as the services take them: codes become objects (an unknown code is a 422 naming it)."""

    fields = {}
    for key, value in data.items():
        if key in _REFERENCE:
            fields[key] = by_codes(_REFERENCE[key], value or [], field=key)
        elif key == "actions":
            fields[key] = by_codes(Action, value or [], field=key)
        elif key == "deliverable_type":
            fields[key] = by_code(DeliverableType, value, field=key)
        elif key in ("title", "summary", "context", "action_design", "practices_text", "impact", "challenges",
                     "lessons", "body"):
            fields[key] = clean_translations(value)
        elif key in ("deliverable_status", "publication_type", "partner_agreed_by", "slug"):
            fields[key] = value or ""
        else:
            fields[key] = value
    return fields


def _url(item):

    return reverse("library:detail", args=[item.slug])


def _item(item: LibraryItem) -> dict:
    return {
        "id": item.pk, "slug": item.slug, "kind": item.kind, "status": item.status, "visibility": item.visibility,
        "title": item.title, "title_text": str(translate(item.title)), "summary": item.summary, "year": item.year,
        "countries": [c.code for c in item.countries.all()], "themes": [t.code for t in item.themes.all()],
        "url": _url(item),
    }


def _item_detail(request, item: LibraryItem) -> dict:

    links = selectors.item_links_for(request.user, item)
    data = _item(item)
    data.update({name: getattr(item, name) for name in (
        "context", "action_design", "practices_text", "impact", "challenges", "lessons", "body",
        "deliverable_status", "publication_type", "partner_agreed_by", "partner_agreed_on", "published_at")})
    data.update({
        "topics": [t.code for t in item.topics.all()], "sdg_targets": [t.code for t in item.sdg_targets.all()],
        "gcm_objectives": [o.code for o in item.gcm_objectives.all()],
        "features": [f.code for f in item.features.all()], "languages": [lang.code for lang in item.languages.all()],
        "deliverable_type": item.deliverable_type.code if item.deliverable_type_id else None,
        "actions": [a.code for a in links["actions"]],
        "files": [{"id": f.pk, "title": str(f), "language": f.language, "size": f.size,
                   "content_type": f.content_type, "url": reverse("library:file", args=[item.slug, f.pk])}
                  for f in item.files.all()],
    })
    return data


def _get(request, slug) -> LibraryItem:
    return selectors.item_get_for(request.user, slug)


@router.get("/library/items", response=list[LibraryItemOut], summary="Library items the caller may see (filter by kind, "
            "theme, country, year)", openapi_extra=OPTIONAL_AUTH)
@paginate(Paging)
def library_items(request, filters: Query[LibraryItemFilters]):
    queryset = selectors.items_visible_to(request.user, {
        "kind": filters.kind or "", "theme": filters.theme or "", "country": (filters.country or "").upper(),
        "year": filters.year})
    return LazyRows(queryset, _item)


@router.get("/library/items/{slug}", response=LibraryItemDetailOut, summary="One library item (a former short name "
            "answers the item under its current one)", openapi_extra=OPTIONAL_AUTH)
def library_item(request, slug: SlugPath):
    return _item_detail(request, _get(request, slug))


def _staff(request, verb, obj):
    if not can(request.user, verb, obj):
        raise NotAllowed()


@router.post("/library/items", response={201: LibraryItemDetailOut}, summary="Create a library item as a draft (staff)")
def library_item_create(request, payload: LibraryItemIn):
    _staff(request, "create", LibraryItem)
    data = payload.dict(exclude_unset=True)
    key = data.pop("idempotency_key", None)
    kind, visibility = data.pop("kind", None), data.pop("visibility", "staff")
    if not kind:
        raise ValidationFailed(_("Choose the kind of item."), field="kind", errors={"kind": [_("Choose the kind of item.")]})
    fields = _service_fields(data)
    title = fields.pop("title", None) or {}
    item = services.item_create(by=request.user, kind=kind, title=title, visibility=visibility,
                                idempotency_key=key, **fields)
    return Status(201, _item_detail(request, selectors.item_get_for(request.user, item.slug)))


@router.patch("/library/items/{slug}", response=LibraryItemDetailOut, summary="Change a library item (staff)")
def library_item_update(request, slug: SlugPath, payload: LibraryItemPatch):
    item = _get(request, slug)
    _staff(request, "change", item)
    data = payload.dict(exclude_unset=True)
    item = services.item_update(item=item, by=request.user, **_service_fields(data))
    return _item_detail(request, selectors.item_get_for(request.user, item.slug))


@router.post("/library/items/{slug}/publish", response=LibraryItemDetailOut, summary="Publish a library item (staff; "
             "409 when already published)")
def library_item_publish(request, slug: SlugPath):
    item = _get(request, slug)
    _staff(request, "publish", item)
    item = services.item_publish(item=item, by=request.user)
    return _item_detail(request, selectors.item_get_for(request.user, item.slug))
