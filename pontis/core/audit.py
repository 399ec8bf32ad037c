"""Writing the audit trail. Services call these; nothing else writes AuditEvent rows.

    before = audit.snapshot(obj)
    ... change obj ...
    audit.record_update(obj, by=user, before=before)

or, for the common case, ``with audit.tracking(obj, by=user):``. Imports write many rows at once with
``record_many``; reads of personal files and exports write an access row with ``record_access``.

What is audited, one rule for every model (``is_audited`` / ``scrub``):

- never a field whose name is in ``NEVER_AUDITED_FIELDS`` (passwords, token digests, TOTP secrets, session data,
  ``last_login``), on any model;
- never any field of a model in ``NEVER_SNAPSHOT_MODELS`` (allauth's authenticators, sessions, e-mail
  confirmation keys): their rows say that something happened, never what;
- a model may narrow further with a class attribute: ``audit_exclude = {"field", ...}`` (left out) or
  ``audit_fields = {"field", ...}`` (only these).
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import json
import re
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.utils import timezone

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


# Secrets and noise: never stored in the trail, whatever the model.
NEVER_AUDITED_FIELDS = frozenset({
    "password", "digest", "token_digest", "key_hash", "secret", "totp_secret", "otp_secret", "recovery_codes",
    "session_key", "session_data", "last_login", "updated_at",
    # Personal links (meetings, questionnaires, calendar feeds): whoever holds one acts as its owner.
    "token", "speaker_token", "check_in_key", "open_key", "resume_key",
})
# Models whose values are never snapshot (``app_label.model_name``): their rows carry no changes.
NEVER_SNAPSHOT_MODELS = frozenset({
    "mfa.authenticator", "sessions.session", "account.emailconfirmation", "socialaccount.socialtoken",
})


def _model_label(model) -> str:
    return model._meta.label_lower


def is_audited(model, name: str) -> bool:
    """The one rule: may the value of field ``name`` of ``model`` be written to the audit trail?"""
    if name in NEVER_AUDITED_FIELDS or _model_label(model) in NEVER_SNAPSHOT_MODELS:
        return False
    allowed = getattr(model, "audit_fields", None)
    if allowed is not None and name not in allowed:
        return False
    return name not in getattr(model, "audit_exclude", ())


def scrub(model, changes: dict | None) -> dict:
    """``changes`` without the keys the rule refuses for ``model`` (used by every writer, single and bulk)."""
    return {k: v for k, v in (changes or {}).items() if is_audited(model, k)}


def snapshot(obj, fields=None, m2m=True) -> dict:
    """Plain, JSON-ready values of the object's audited concrete fields (and many-to-many ids when saved)."""
    model = obj.__class__
    data = {}
    for field in obj._meta.concrete_fields:
        if fields and field.name not in fields:
            continue
        if not is_audited(model, field.name):
            continue
        data[field.name] = _plain(getattr(obj, field.attname))
    if m2m and obj.pk:
        for field in obj._meta.many_to_many:
            if fields and field.name not in fields:
                continue
            if not is_audited(model, field.name):
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


def _row(obj, *, action: str, by, changes: dict | None, note: str, content_type=None) -> dict:
    """One row's values, the same shape for the single and the bulk writer; the secret rule applied."""
    return {
        "actor": by if getattr(by, "is_authenticated", False) else None,
        "actor_label": _actor_label(by),
        "action": action,
        "content_type": content_type or ContentType.objects.get_for_model(obj.__class__),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:255],
        "changes": scrub(obj.__class__, changes),
        "note": note,
    }


def record(obj, *, action: str, by=None, changes: dict | None = None, note: str = "") -> AuditEvent:
    event = AuditEvent(**_row(obj, action=action, by=by, changes=changes, note=note))
    event.save()
    return event


def record_many(objs, *, action: str, by=None, changes=None, note: str = "", batch_size: int = 2000) -> int:
    """One row per object, written in bulk (imports). Same row shape and the same secret rule as ``record``;
    ``changes`` is one dict for every row or a function ``obj -> dict``. Answers the number of rows.

    ``bulk_create`` in batches of ``batch_size``; on PostgreSQL the same rows go in with one COPY, because
    compiling 100,000 model instances into INSERT statements took as long as the rest of a roster import."""
    objs = list(objs)
    if not objs:
        return 0
    content_types: dict = {}
    rows = []
    for obj in objs:  # built before any COPY starts: str(obj) may query, which cannot run during it
        model = obj.__class__
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        row_changes = changes(obj) if callable(changes) else changes
        rows.append(_row(obj, action=action, by=by, changes=row_changes, note=note, content_type=content_types[model]))
    db = connections[router.db_for_write(AuditEvent)]
    if db.vendor == "postgresql":
        _copy(db, rows)
    else:
        AuditEvent.objects.bulk_create([AuditEvent(**row) for row in rows], batch_size=batch_size)
    return len(rows)


def _copy(db, rows) -> None:
    qn = db.ops.quote_name
    names = ("at", "actor", "actor_label", "action", "content_type", "object_id", "object_repr", "changes", "note")
    columns = ", ".join(qn(AuditEvent._meta.get_field(n).column) for n in names)
    at = timezone.now()
    with db.cursor() as cursor, cursor.cursor.copy(f"COPY {qn(AuditEvent._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((at, row["actor"].pk if row["actor"] else None, row["actor_label"], row["action"],
                            row["content_type"].pk, row["object_id"], row["object_repr"],
                            json.dumps(row["changes"], cls=DjangoJSONEncoder), row["note"]))


def record_access(obj, *, by, what: str, action: str = AuditEvent.Action.DOWNLOAD) -> AuditEvent:
    """An access row: who (``by``), what (``what``: "CV", "endorsement letter", "roster export (csv, 120 rows)"),
    when (``at``). ``obj`` is the object read, or a model class for an export of many (then ``object_id`` is empty
    and the row shows in the access log, not in one object's history). No value is copied into the row.
    Every view and API route that hands out a personal file or an export calls this."""
    if isinstance(obj, type) and issubclass(obj, models.Model):
        event = AuditEvent(actor=by if getattr(by, "is_authenticated", False) else None, actor_label=_actor_label(by),
                           action=action, content_type=ContentType.objects.get_for_model(obj), object_id="",
                           object_repr=str(obj._meta.verbose_name_plural)[:255], note=what[:500])
        event.save()
        return event
    return record(obj, action=action, by=by, note=what[:500])


def access_log():
    """Access rows (reads of personal files, exports), newest first, for the staff's access log."""
    actions = [AuditEvent.Action.ACCESS, AuditEvent.Action.DOWNLOAD, AuditEvent.Action.EXPORT]
    return AuditEvent.objects.filter(action__in=actions).select_related("actor", "content_type")


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


# ---------------------------------------------------------------- erasure


def _objects_filter(objects) -> models.Q | None:
    by_model: dict = {}
    for obj in objects:
        if obj is not None and obj.pk is not None:
            by_model.setdefault(obj.__class__, set()).add(str(obj.pk))
    query = None
    for model, ids in by_model.items():
        part = models.Q(content_type=ContentType.objects.get_for_model(model), object_id__in=sorted(ids))
        query = part if query is None else query | part
    return query


def _replacer(values, pseudonym):
    needles = sorted({v.strip() for v in values if isinstance(v, str) and len(v.strip()) >= 2}, key=len, reverse=True)
    if not needles:
        return lambda value: value
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)

    def replace(value):
        if isinstance(value, str):
            return pattern.sub(pseudonym, value)
        if isinstance(value, list):
            return [replace(v) for v in value]
        if isinstance(value, dict):
            return {k: replace(v) for k, v in value.items()}
        return value

    return replace


def rows_about(objects, *, actor=None):
    """The rows about any of ``objects``, and those ``actor`` wrote (oldest first)."""
    query = _objects_filter(objects)
    if actor is not None:
        by_actor = models.Q(actor=actor)
        query = by_actor if query is None else query | by_actor
    if query is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(query).order_by("at", "id")


def erase_person(*, objects, pseudonym: str, values=(), fields=(), actor=None) -> int:
    """Erasure: in every row about ``objects`` and every row ``actor`` wrote, put ``pseudonym`` in place of the
    person's data: the whole (non-empty) values of the changed ``fields``, and each string of ``values`` (e-mail,
    names) wherever it appears in ``changes``, ``object_repr`` and ``actor_label``. Answers the rows rewritten.

    The one sanctioned rewrite of the append-only trail: the rows keep saying who did what when, without the
    person's data. Call it inside the erasure service's transaction."""
    replace = _replacer(values, pseudonym)
    fields = set(fields)
    actor_pk = getattr(actor, "pk", None)
    rewritten = 0
    for event in rows_about(objects, actor=actor).iterator(chunk_size=500):
        changes = {}
        for key, pair in (event.changes or {}).items():
            if key in fields and isinstance(pair, list):
                pair = [pseudonym if v not in (None, "", [], {}) else v for v in pair]
            changes[key] = replace(pair)
        object_repr = replace(event.object_repr)[:255]
        actor_label = pseudonym if actor_pk is not None and event.actor_id == actor_pk else replace(event.actor_label)
        if (changes, object_repr, actor_label) != (event.changes, event.object_repr, event.actor_label):
            # AuditQuerySet refuses update(); erasure is the one path allowed past it.
            models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), changes=changes,
                                   object_repr=object_repr, actor_label=actor_label[:255])
            rewritten += 1
    return rewritten


def recorded_values(objects, field: str) -> set:
    """Every value ``field`` ever had in the rows about ``objects`` (for example each CV file a profile held)."""
    found = set()
    for changes in rows_about(objects).filter(changes__has_key=field).values_list("changes", flat=True):
        for value in changes.get(field) or ():
            if value not in (None, "", [], {}):
                found.add(value)
    return found
