"""Deliverables of the Actions in scope: by type, by status, and the policies and strategies adopted."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pontis.actions.models import Deliverable
from pontis.core.models import DeliverableType

from .actions import actions_found
from .filters import Filters
from .registry import BREAKDOWN, NUMBER, Result, Row, figure

UNIT_DELIVERABLES = _("deliverables")

# Deliverable types (pontis/core/data/reference.yaml) that are public policies or strategies. A communication
# strategy is a communication product, not a policy: it is left out.
POLICY_TYPES = ("policy", "strategy")


def _counts(filters: Filters) -> dict[tuple[int, str], int]:
    """The deliverables of the Actions counted in "Actions", by (type id, status), from the Action facts
    (``actions_found``)."""
    return actions_found(filters)["deliverables"]


@figure("deliverables.by_type", label=_("Deliverables by type"), unit=UNIT_DELIVERABLES, kind=BREAKDOWN, chart="bar",
        section="deliverables", order=10,
        definition=_("Deliverables of the Actions counted in \"Actions\", whatever their status, by type. Types "
                     "without a deliverable are left out."))
def deliverables_by_type(filters: Filters) -> Result:
    counts: dict[int, int] = {}
    for (type_id, _status), n in _counts(filters).items():
        counts[type_id] = counts.get(type_id, 0) + n
    types = DeliverableType.objects.filter(pk__in=counts).order_by("sort_order", "code") if counts else ()
    return Result("deliverables.by_type", rows=tuple(Row(t.code, t.label or t.code, counts[t.pk]) for t in types))


@figure("deliverables.by_status", label=_("Deliverables by status"), unit=UNIT_DELIVERABLES, kind=BREAKDOWN,
        chart="bar", section="deliverables", order=20,
        definition=_("Deliverables of the Actions counted in \"Actions\", by their status today (drafted, "
                     "validated, endorsed, adopted)."))
def deliverables_by_status(filters: Filters) -> Result:
    counts: dict[str, int] = {}
    for (_type_id, status), n in _counts(filters).items():
        counts[status] = counts.get(status, 0) + n
    rows = tuple(Row(code, str(label), counts.get(code, 0)) for code, label in Deliverable.Status.choices)
    return Result("deliverables.by_status", rows=rows)


@figure("deliverables.policies_adopted", label=_("Policies and strategies adopted"), unit=UNIT_DELIVERABLES,
        kind=NUMBER, section="deliverables", order=30,
        definition=_("Deliverables of the Actions counted in \"Actions\" whose type is \"Policy\" or \"Strategy\" "
                     "and whose status is \"Adopted\"."))
def policies_adopted(filters: Filters) -> Result:
    policies = set(DeliverableType.objects.filter(code__in=POLICY_TYPES).values_list("pk", flat=True))
    value = sum(n for (type_id, status), n in _counts(filters).items()
                if type_id in policies and status == Deliverable.Status.ADOPTED)
    return Result("deliverables.policies_adopted", value=value)
