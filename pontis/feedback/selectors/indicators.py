"""Reads of the indicators pages and API: the objects a filter names (through the policies), the Actions a reader
may see per row, and the filter choices. The figures themselves are ``pontis.feedback.indicators``."""

from __future__ import annotations

import json

from django.db import connection
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


def _in(column: str, ids: list[int]) -> tuple[str, list]:
    """``column`` among ``ids`` as ``pontis.core.lookups.IdIn`` writes it: one array parameter on PostgreSQL,
    ``IN (%s, ...)`` elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def _json(value):
    """A JSON column read by a plain cursor: decoded text (SQLite, and PostgreSQL as Django configures psycopg), or
    the value itself when the driver already decoded it."""
    return json.loads(value) if isinstance(value, str) else value


def activities_by_id(ids) -> dict[int, tuple[str, dict]]:
    """Activity id -> (its Action's code, its title) for the rows shown, in one query (a page of rows, or all for
    an export); none without rows. A plain statement: building and compiling a queryset cost more than reading a
    page of rows."""
    ids = [int(pk) for pk in ids]
    if not ids:
        return {}
    qn = connection.ops.quote_name
    where, params = _in("a.id", ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a.id, x.code, a.title FROM {qn(Activity._meta.db_table)} a INNER JOIN "
                       f"{qn(Action._meta.db_table)} x ON x.id = a.action_id WHERE {where}", params)
        return {pk: (code, _json(title)) for pk, code, title in cursor.fetchall()}


def actions_by_id(ids) -> dict[int, tuple[str, dict]]:
    """Action id -> (its code, its title) for the rows shown, in one query (a page of rows, or all for an
    export); none without rows. A plain statement, as ``activities_by_id``."""
    ids = [int(pk) for pk in ids]
    if not ids:
        return {}
    where, params = _in("x.id", ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT x.id, x.code, x.title FROM {connection.ops.quote_name(Action._meta.db_table)} x "
                       f"WHERE {where}", params)
        return {pk: (code, _json(title)) for pk, code, title in cursor.fetchall()}


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
