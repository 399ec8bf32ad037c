"""``GET /api/v1/similar?request=|action=|practice=``: the suggestions from other countries, with their reasons.

Exactly one source. It answers 404 for a source the caller may not see (exactly like a missing one), and only
suggestions the caller may see; experts are named only where the caller may see them. Public library items need no
credentials; an ``Authorization`` header with an invalid token is refused (401), never treated as anonymous.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.core.api_helpers import Id
from pontis.core.errors import ValidationFailed
from pontis.core.i18n import translate

from . import similar

router = Router(tags=["similar"], auth=optional_auth())


class SimilarQuery(Schema):
    request: Id | None = None
    action: Id | None = None
    practice: Id | None = None


class ReasonOut(Schema):
    code: str
    label: str
    weight: float
    things: list[str]


class ExpertsOut(Schema):
    names: list[str]
    count: int


class SuggestionOut(Schema):
    kind: str
    kind_label: str
    id: int
    title: str
    url: str
    countries: list[str]
    year: int | None
    score: float
    pinned: bool
    reasons: list[ReasonOut]
    experts: ExpertsOut


class SourceOut(Schema):
    kind: str
    id: int


class SimilarOut(Schema):
    source: SourceOut
    items: list[SuggestionOut]


def _suggestion(s: similar.Suggestion) -> dict:
    return {
        "kind": s.kind, "kind_label": str(s.kind_label), "id": s.obj.pk, "title": str(translate(s.obj.title)),
        "url": s.url, "countries": sorted(c.code for c in s.obj.countries.all()), "year": s.year, "score": s.score,
        "pinned": s.pinned, "experts": s.experts,
        "reasons": [{"code": r.code, "label": str(r.label), "weight": r.weight, "things": [str(t) for t in r.things]}
                    for r in s.reasons],
    }


@router.get("/similar", response=SimilarOut, openapi_extra=OPTIONAL_AUTH,
            summary="Similar Actions, practices and deliverables from other countries, with the reasons")
def similar_list(request, query: Query[SimilarQuery]):
    given = [(kind, value) for kind, value in (("request", query.request), ("action", query.action),
                                               ("practice", query.practice)) if value is not None]
    if len(given) != 1:
        message = _("Give exactly one of request, action or practice.")
        raise ValidationFailed(message, field="request", errors={"request": [message]})
    kind, source_id = given[0]
    items = similar.similar_for(request.user, kind, source_id)
    return {"source": {"kind": kind, "id": source_id}, "items": [_suggestion(s) for s in items]}
