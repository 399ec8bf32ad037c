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
    return answer_of(result)


def answer_of(result) -> SearchOut:
    """The answer built in its schema, of the schema's own types: django-ninja dumps an instance of the route's
    schema as it is, where it would validate a dict again field by field through its ``DjangoGetter`` (a common word
    shows some 360 filter values, each about forty Python calls to validate). The declared schema, and so the
    OpenAPI document, are the same; the tests compare the bytes with those of the validated answer."""
    return _built(SearchOut, {
        "count": int(result.count),
        "page": int(result.page.number),
        "items": [
            _built(SearchItemOut, {
                "kind": h.kind, "id": h.object_id, "title": h.title_text, "url": h.url, "snippet": str(h.snippet),
                "score": float(h.score), "language": h.text_language or h.language, "countries": h.countries,
                "year": h.year, "why": [str(w) for w in h.why], "matched_by_meaning": h.matched_by_meaning,
            })
            for h in result.items
        ],
        # A filter value holds the four fields of ``FacetOut`` under their names, already of its types.
        "facets": {name: [_built(FacetOut, vars(v).copy()) for v in values] for name, values in result.facets.items()},
        "expanded": result.expanded,
    })


_set = object.__setattr__


def _built(schema, values: dict):
    """``schema.model_construct(**values)`` for ``values`` holding every field of ``schema`` under its name (no
    alias, no default to fill), in the five steps it takes then: pydantic's loop over the fields costs a dozen Python
    calls per object, and a search answers hundreds of filter values. The tests compare the result with
    ``model_construct``'s and with the validated answer."""
    built = schema.__new__(schema)
    _set(built, "__dict__", values)
    _set(built, "__pydantic_fields_set__", set(values))
    _set(built, "__pydantic_extra__", None)
    _set(built, "__pydantic_private__", None)
    return built
