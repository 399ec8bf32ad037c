"""The thesaurus over the API: ``GET /api/v1/thesaurus/concepts`` (paginated) and ``GET /api/v1/thesaurus/concepts/{code}``:
each concept with its preferred and alternative labels in the five languages, its definition and the codes of its
broader and narrower concepts. Readable by everyone, without a token; an invalid token is refused (401).
"""

from typing import Annotated

from django.urls import reverse
from ninja import Path, Router, Schema
from ninja.pagination import paginate

from pontis.accounts.api_auth import OPTIONAL_AUTH, optional_auth
from pontis.core.api_helpers import TEXT_PATTERN, LazyRows, Paging
from pontis.core.permissions import get_visible_or_404, visible_to

from . import thesaurus
from .models import Concept

router = Router(tags=["thesaurus"], auth=optional_auth())
ConceptCode = Annotated[str, Path(pattern=TEXT_PATTERN, max_length=80)]


class LabelsOut(Schema):
    preferred: str | None
    alternative: list[str]


class ConceptOut(Schema):
    code: str
    label: str
    labels: dict[str, LabelsOut]
    definition: dict
    theme: str | None
    topic: str | None
    broader: list[str]
    narrower: list[str]
    url: str


def _concept(concept: Concept) -> dict:
    return {
        "code": concept.code,
        "label": str(concept.label()),
        "labels": {row["language"]: {"preferred": row["preferred"].text if row["preferred"] else None,
                                     "alternative": [lb.text for lb in row["alternatives"]]}
                   for row in thesaurus.labels_by_language(concept)},
        "definition": concept.definition or {},
        "theme": concept.theme.code if concept.theme_id else None,
        "topic": concept.topic.code if concept.topic_id else None,
        "broader": sorted(c.code for c in concept.broader.all()),
        "narrower": sorted(c.code for c in concept.narrower.all()),
        "url": reverse("thesaurus:detail", args=[concept.code]),
    }


def _queryset(user):
    return (visible_to(user, Concept).select_related("theme", "topic")
            .prefetch_related("labels", "broader", "narrower").order_by("sort_order", "code"))


@router.get("/thesaurus/concepts", response=list[ConceptOut], summary="Thesaurus concepts with their labels",
            openapi_extra=OPTIONAL_AUTH)
@paginate(Paging)
def thesaurus_concepts(request):
    return LazyRows(_queryset(request.user), _concept)


@router.get("/thesaurus/concepts/{code}", response=ConceptOut, summary="One thesaurus concept",
            openapi_extra=OPTIONAL_AUTH)
def thesaurus_concept(request, code: ConceptCode):
    return _concept(get_visible_or_404(request.user, _queryset(request.user), code=code))
