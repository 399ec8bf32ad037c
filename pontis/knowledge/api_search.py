"""``GET /api/v1/search``: the library and the portal's Actions, ranked as on the search page.

Anonymous callers get what the public may see; a valid token or session adds what that person may see. A request
with an invalid ``Authorization`` header is refused (401) rather than answered as anonymous.
"""

from typing import Annotated

from ninja import Field, Query, Router, Schema

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.core.api_helpers import Code, Text

from .search.query import MAX_PER_PAGE, MAX_QUERY_LENGTH, search

router = Router(tags=["search"], auth=optional_auth())


class SearchFilters(Schema):
    q: Text(MAX_QUERY_LENGTH) = ""
    lang: Code | None = Field(None, description="The language the words are written in (en, fr, es, pt, ru).")
    type: list[Code] = Field([], description="case_study, practice, shared_deliverable, publication or action.")
    theme: list[Code] = []
    topic: list[Code] = []
    country: list[Code] = []
    region: list[Code] = []
    year: list[Annotated[int, Field(ge=1900, le=2200)]] = []
    language: list[Code] = Field([], description="Items written in these languages.")
    concept: Code | None = None
    page: Annotated[int, Field(ge=1, le=10_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE)] = 20


class SearchItemOut(Schema):
    kind: str
    id: int
    title: str
    url: str
    snippet: str = Field(description="HTML: the text is escaped, the matched words are in <mark>.")
    score: float
    language: str
    countries: list[str]
    year: int | None
    why: list[str]
    matched_by_meaning: bool


class FacetOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    count: int
    page: int
    items: list[SearchItemOut]
    facets: dict[str, list[FacetOut]]
    expanded: dict


@router.get("/search", response=SearchOut, summary="Search what the caller may see, with facet counts",
            openapi_extra=OPTIONAL_AUTH)
def search_api(request, filters: Query[SearchFilters]):
    result = search(
        request.user, filters.q, filters.lang, kinds=filters.type, themes=filters.theme, topics=filters.topic,
        countries=filters.country, regions=filters.region, languages=filters.language, years=filters.year,
        concept=filters.concept, page=filters.page, per_page=filters.per_page,
    )
    return {
        "count": result.count, "page": result.page.number, "expanded": result.expanded,
        "facets": {name: [vars(v) for v in values] for name, values in result.facets.items()},
        "items": [{
            "kind": h.kind, "id": h.object_id, "title": h.title_text, "url": h.url, "snippet": str(h.snippet),
            "score": h.score, "language": h.text_language or h.language, "countries": h.countries, "year": h.year,
            "why": [str(w) for w in h.why], "matched_by_meaning": h.matched_by_meaning,
        } for h in result.items],
    }
