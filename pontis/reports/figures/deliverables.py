"""Deliverables of the Actions in scope: by type, by status, and the policies and strategies adopted."""

from __future__ import annotations

from django.db.models import Count, OuterRef
from django.utils.translation import gettext_lazy as _

from pontis.actions.models import Deliverable
from pontis.core.models import DeliverableType

from .common import actions_in, count_of
from .filters import Filters
from .registry import BREAKDOWN, NUMBER, Result, Row, figure

UNIT_DELIVERABLES = _("deliverables")

# Deliverable types (pontis/core/data/reference.yaml) that are public policies or strategies. A communication
# strategy is a communication product, not a policy: it is left out.
POLICY_TYPES = ("policy", "strategy")


def deliverables_in(filters: Filters):
    return Deliverable.objects.filter(action__in=actions_in(filters).values("pk"))


@figure("deliverables.by_type", label=_("Deliverables by type"), unit=UNIT_DELIVERABLES, kind=BREAKDOWN, chart="bar",
        section="deliverables", order=10,
        definition=_("Deliverables of the Actions counted in \"Actions\", whatever their status, by type. Types "
                     "without a deliverable are left out."))
def deliverables_by_type(filters: Filters) -> Result:
    types = (DeliverableType.objects.annotate(n=count_of(deliverables_in(filters).filter(type_id=OuterRef("pk"))))
             .filter(n__gt=0).order_by("sort_order", "code"))
    return Result("deliverables.by_type", rows=tuple(Row(t.code, t.label or t.code, t.n) for t in types))


@figure("deliverables.by_status", label=_("Deliverables by status"), unit=UNIT_DELIVERABLES, kind=BREAKDOWN,
        chart="bar", section="deliverables", order=20,
        definition=_("Deliverables of the Actions counted in \"Actions\", by their status today (drafted, "
                     "validated, endorsed, adopted)."))
def deliverables_by_status(filters: Filters) -> Result:
    counts = dict(deliverables_in(filters).values_list("status").annotate(n=Count("id")).order_by())
    rows = tuple(Row(code, str(label), counts.get(code, 0)) for code, label in Deliverable.Status.choices)
    return Result("deliverables.by_status", rows=rows)


@figure("deliverables.policies_adopted", label=_("Policies and strategies adopted"), unit=UNIT_DELIVERABLES,
        kind=NUMBER, section="deliverables", order=30,
        definition=_("Deliverables of the Actions counted in \"Actions\" whose type is \"Policy\" or \"Strategy\" "
                     "and whose status is \"Adopted\"."))
def policies_adopted(filters: Filters) -> Result:
    value = deliverables_in(filters).filter(type__code__in=POLICY_TYPES, status=Deliverable.Status.ADOPTED).count()
    return Result("deliverables.policies_adopted", value=value)
