"""Reads of the indicators pages and API: the objects a filter names (through the policies), the Actions a reader
may see per row, and the filter choices. The figures themselves are ``pontis.feedback.indicators``."""

from __future__ import annotations

from django.utils.translation import get_language

from pontis.actions.models import Action, Activity
from pontis.core.forms import reference_version
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


def activities_by_id(ids) -> dict[int, tuple[str, dict]]:
    """Activity id -> (its Action's code, its title) for the rows shown, in one query (a page of rows, or all for
    an export); none without rows."""
    ids = list(ids)
    if not ids:
        return {}
    return {pk: (code, title) for pk, code, title in Activity.objects.filter(pk__id_in=ids)
            .values_list("pk", "action__code", "title").order_by()}


def actions_by_id(ids) -> dict[int, tuple[str, dict]]:
    """Action id -> (its code, its title) for the rows shown, in one query (a page of rows, or all for an
    export); none without rows."""
    ids = list(ids)
    if not ids:
        return {}
    return {pk: (code, title) for pk, code, title in Action.objects.filter(pk__id_in=ids)
            .values_list("pk", "code", "title").order_by()}


def indicator_regions():
    return Region.objects.filter(is_active=True).order_by("sort_order", "code")


def indicator_themes():
    return ThematicArea.objects.filter(is_active=True).order_by("sort_order", "code")


_criterion_labels: dict = {"version": None, "labels": {}}  # per worker: {language: {code: name}}


def criterion_labels() -> dict[str, str]:
    """Evaluation criterion code -> its name in the reader's language (the figures carry codes). Reference data:
    read once per worker, language and reference-data version (``core.forms.reference_version``, which changes
    whenever a criterion is saved or deleted), as the option lists of ``CachedSelect`` are."""
    version = reference_version()
    if _criterion_labels["version"] != version:
        _criterion_labels.update(version=version, labels={})
    language = get_language()
    labels = _criterion_labels["labels"].get(language)
    if labels is None:
        labels = _criterion_labels["labels"][language] = {c.code: c.label for c in EvaluationCriterion.objects.all()}
    return dict(labels)
