"""Reads of the indicators pages and API: the objects a filter names (through the policies), the Actions a reader
may see per row, and the filter choices. The figures themselves are ``pontis.feedback.indicators``."""

from __future__ import annotations

from pontis.actions.models import Action, Activity
from pontis.core.models import EvaluationCriterion, Region, ThematicArea
from pontis.core.permissions import get_visible_or_404, visible_to


def indicator_activity_for(user, pk):
    """The activity an indicators filter names, or 404 when ``user`` may not see it."""
    return get_visible_or_404(user, Activity.objects.select_related("action"), pk=pk)


def indicator_action_for(user, code):
    """The Action an indicators filter names (by code), or 404 when ``user`` may not see it."""
    return get_visible_or_404(user, Action.objects.all(), code=code)


def indicator_row_actions(user):
    """The Actions whose own figures ``user`` may read in the per-Action rows (the Actions they may see: none for
    a donor observer, who reads aggregate figures only)."""
    return visible_to(user, Action)


def indicator_row_activities(user):
    """The activities whose own figures ``user`` may read in the per-activity rows."""
    return visible_to(user, Activity)


def activities_by_id(ids) -> dict[int, Activity]:
    """Activities of the rows with their Action's code, in one query (a page of rows, or all for an export)."""
    return {a.pk: a for a in Activity.objects.filter(pk__id_in=list(ids)).select_related("action")
            .only("pk", "title", "sequence", "action__code").order_by()}


def actions_by_id(ids) -> dict[int, Action]:
    """Code and title of the Actions of the rows, in one query (a page of rows, or all for an export)."""
    return {a.pk: a for a in Action.objects.filter(pk__id_in=list(ids)).only("pk", "code", "title").order_by()}


def indicator_regions():
    return Region.objects.filter(is_active=True).order_by("sort_order", "code")


def indicator_themes():
    return ThematicArea.objects.filter(is_active=True).order_by("sort_order", "code")


def criterion_labels() -> dict[str, str]:
    """Evaluation criterion code -> its name in the reader's language (the figures carry codes)."""
    return {c.code: c.label for c in EvaluationCriterion.objects.all()}
