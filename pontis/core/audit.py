"""Writing the audit trail. Services call these; nothing else writes AuditEvent rows.

    before = audit.snapshot(obj)
    ... change obj ...
    audit.record_update(obj, by=user, before=before)

or, for the common case, ``with audit.tracking(obj, by=user):``.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent


def _plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj, fields=None, m2m=True) -> dict:
    """Plain, JSON-ready values of the object's concrete fields (and many-to-many ids when saved)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields and field.name not in fields:
            continue
        if field.name in {"updated_at"}:
            continue
        data[field.name] = _plain(getattr(obj, field.attname))
    if m2m and obj.pk:
        for field in obj._meta.many_to_many:
            if fields and field.name not in fields:
                continue
            data[field.name] = sorted(_plain(v) for v in getattr(obj, field.name).values_list("pk", flat=True))
    return data


def diff(before: dict, after: dict) -> dict:
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def _actor_label(by):
    if by is None or not getattr(by, "is_authenticated", False):
        return "system"
    return getattr(by, "email", "") or str(by)


def record(obj, *, action: str, by=None, changes: dict | None = None, note: str = "") -> AuditEvent:
    return AuditEvent.objects.create(
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_label=_actor_label(by),
        action=action,
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes or {},
        note=note,
    )


def record_create(obj, *, by=None, note: str = "") -> AuditEvent:
    after = snapshot(obj)
    return record(obj, action=AuditEvent.Action.CREATE, by=by, changes={k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}, note=note)


def record_update(obj, *, by=None, before: dict, note: str = "") -> AuditEvent | None:
    changes = diff(before, snapshot(obj, fields=list(before)))
    if not changes and not note:
        return None
    return record(obj, action=AuditEvent.Action.UPDATE, by=by, changes=changes, note=note)


def record_transition(obj, *, by=None, field: str = "status", before, after, note: str = "") -> AuditEvent:
    return record(obj, action=AuditEvent.Action.TRANSITION, by=by, changes={field: [before, after]}, note=note)


def record_delete(obj, *, by=None, note: str = "") -> AuditEvent:
    return record(obj, action=AuditEvent.Action.DELETE, by=by, changes={k: [v, None] for k, v in snapshot(obj).items()}, note=note)


@contextlib.contextmanager
def tracking(obj, *, by=None, note: str = ""):
    """Snapshot before the block, record the field-level difference after it."""
    before = snapshot(obj)
    yield obj
    record_update(obj, by=by, before=before, note=note)


def history_for(obj):
    return AuditEvent.objects.for_object(obj).select_related("actor")
