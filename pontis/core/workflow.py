"""The one way a status moves: check the model's TRANSITIONS table, write the status, save, record the move.

Every app's services call ``transition()`` (or ``check_transition()`` when they only need to refuse an illegal
move before doing other work), so the rule, the history and the audit row cannot differ between apps.

A model taking part declares ``TRANSITIONS = {from_status: {to_status, ...}}`` and a ``status`` field with
choices (another field name can be given with ``field=``). If it has ``status_changed_at``, that is set too.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .errors import IllegalTransition


def _labels(obj, field: str) -> dict:
    return {str(value): label for value, label in (obj._meta.get_field(field).choices or [])}


def check_transition(obj, to: str, *, field: str = "status") -> None:
    """Raise IllegalTransition (with both statuses named in the reader's language) unless ``obj`` may move to ``to``."""
    current = getattr(obj, field)
    if to in obj.TRANSITIONS.get(current, set()):
        return
    labels = _labels(obj, field)
    raise IllegalTransition(
        _("This step is not possible: it cannot go from “%(from)s” to “%(to)s”.")
        % {"from": labels.get(str(current), current), "to": labels.get(str(to), to)},
        code="illegal_transition",
    )


def transition(obj, *, to: str, by, note: str = "", field: str = "status", **fields):
    """Move ``obj`` to ``to``: check the table, set the status (and ``status_changed_at`` when the model has it)
    and any extra ``fields``, save, and write the audit row (the object's history). Answers ``obj``.

    Raises IllegalTransition when the table does not allow the move; then nothing is changed.
    Callers hold the row lock (``select_for_update``) and run inside a transaction.
    """
    check_transition(obj, to, field=field)
    before = getattr(obj, field)
    setattr(obj, field, to)
    if any(f.name == "status_changed_at" for f in obj._meta.concrete_fields):
        obj.status_changed_at = timezone.now()
    for key, value in fields.items():
        setattr(obj, key, value)
    obj.save()
    audit.record_transition(obj, by=by, field=field, before=before, after=to, note=note)
    return obj
