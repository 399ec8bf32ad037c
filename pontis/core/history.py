"""Showing the audit trail to people: field labels, values as people know them, who did what when.

The trail stores plain values (``audit.snapshot``): ids for related objects, lists of ids for many-to-many
fields, ``{"fr": ...}`` for translated text, codes for choices, ISO strings for dates and stored paths for files.
``present(events)`` turns a page of rows into entries a template shows as they are:

- each field by its label (the model field's verbose name, in the reader's language);
- related objects and many-to-many ids by their names, read in one query per related model for the whole page;
- translated text in the reader's language, choices by their label, dates and times in the language's format;
- files by the name they were uploaded with (the model's ``<field>_name`` / ``original_name`` companion), never
  the stored path; fields that the audit rule refuses (secrets) never, whatever an old row holds.
"""

from __future__ import annotations

import datetime
import posixpath
from dataclasses import dataclass, field

from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .audit import is_audited
from .i18n import TranslatedField, translate
from .models import AuditEvent
from .templatetags.dates import day, day_time

LONG_TEXT = 300  # characters of a long text shown in a change; the object's page has the whole text
EMPTY = "—"


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    event: AuditEvent
    who: str
    what: str
    at: datetime.datetime
    note: str = ""
    changes: list[Change] = field(default_factory=list)


def _file_name_field(model, name: str) -> str | None:
    """The field that keeps the uploaded name of file field ``name`` (``endorsement_letter_name``,
    ``cv_original_name``, ``original_name``), if the model has one."""
    names = {f.name for f in model._meta.concrete_fields}
    stem = name.removesuffix("_file")
    for candidate in (f"{name}_name", f"{name}_original_name", f"{stem}_name", f"{stem}_original_name", "original_name"):
        if candidate in names:
            return candidate
    return None


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a row may name a field that no longer exists
        return None


def _ids(value) -> list:
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, (int, str)) and v not in ("", None)]
    if isinstance(value, (int, str)) and value not in ("", None):
        return [value]
    return []


def _related_names(events) -> dict:
    """{related model: {pk: name}} for every id the rows' relation fields hold (one query per related model)."""
    wanted: dict = {}
    for event in events:
        model = _event_model(event)
        if model is None:
            continue
        for name, pair in (event.changes or {}).items():
            f = _field(model, name)
            if f is None or not (f.many_to_many or f.many_to_one or f.one_to_one) or not isinstance(pair, list):
                continue
            target = f.related_model
            for value in pair:
                wanted.setdefault(target, set()).update(str(v) for v in _ids(value))
    names: dict = {}
    for target, pks in wanted.items():
        if isinstance(target._meta.pk, (models.AutoField, models.BigAutoField, models.IntegerField)):
            pks = {pk for pk in pks if pk.isdigit()}
        names[target] = {str(pk): str(obj) for pk, obj in target._default_manager.in_bulk(sorted(pks)).items()}
    return names


def _event_model(event):
    cache = getattr(event, "_history_model", None)
    if cache is None:
        cache = event._history_model = event.content_type.model_class() if event.content_type_id else False
    return cache or None


def _date(value, with_time: bool) -> str:
    """A stored ISO date or date-time in the reader's language (and zone), the pages' one format."""
    if isinstance(value, str):
        parsed = parse_datetime(value) if with_time else parse_date(value[:10])
        if parsed is None:
            return value
        value = parsed
    return day_time(value) if with_time else day(value)


def _shorten(text: str) -> str:
    text = text.strip()
    return text if len(text) <= LONG_TEXT else text[:LONG_TEXT].rstrip() + "…"


def _value(f, value, names: dict) -> str:
    """One stored value as people know it."""
    if value in (None, "", [], {}):
        return EMPTY
    if f is None:
        return _shorten(str(value)) if not isinstance(value, (dict, list)) else _("changed")
    if f.many_to_many or f.many_to_one or f.one_to_one:
        known = names.get(f.related_model, {})
        shown = [known.get(str(v), _("deleted item")) for v in _ids(value)]
        return ", ".join(sorted(shown, key=str.casefold)) or EMPTY
    if f.choices:
        choices = {str(k): v for k, v in f.flatchoices}
        if isinstance(value, list):
            return ", ".join(str(choices.get(str(v), v)) for v in value)
        return str(choices.get(str(value), value))
    if isinstance(f, TranslatedField) or (isinstance(value, dict) and isinstance(f, models.JSONField)
                                           and all(isinstance(k, str) and len(k) <= 3 for k in value)):
        return _shorten(str(translate(value))) or EMPTY
    if isinstance(f, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(f, models.DateTimeField):
        return _date(value, True)
    if isinstance(f, models.DateField):
        return _date(value, False)
    if isinstance(f, models.FileField):
        return posixpath.basename(str(value))
    if isinstance(value, (dict, list)):
        return _("changed")
    return _shorten(str(value))


def _changes(model, changes: dict, names: dict) -> list[Change]:
    rows = []
    hidden = set()
    for name in changes:
        f = _field(model, name) if model is not None else None
        if isinstance(f, models.FileField):
            companion = _file_name_field(model, name)
            if companion:
                hidden.add(companion)
    for name, pair in changes.items():
        if name in hidden or (model is not None and not is_audited(model, name)):
            continue
        f = _field(model, name) if model is not None else None
        # Bookkeeping nobody reads as a change: the row's id, fields set by the system, internal tokens.
        if f is not None and (getattr(f, "primary_key", False) or not getattr(f, "editable", True)
                              or isinstance(f, models.UUIDField)):
            continue
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        label = capfirst(str(f.verbose_name)) if f is not None and hasattr(f, "verbose_name") else capfirst(name.replace("_", " "))
        before, after = pair
        if isinstance(f, models.FileField):
            companion = _file_name_field(model, name)
            original = changes.get(companion) if companion else None
            if isinstance(original, list) and len(original) == 2:
                before = original[0] if before else None
                after = original[1] if after else None
                rows.append(Change(label, _shorten(before) if before else EMPTY, _shorten(after) if after else EMPTY))
                continue
        rows.append(Change(label, _value(f, before, names), _value(f, after, names)))
    return rows


SUMMARIES = {
    AuditEvent.Action.CREATE: _lazy("%(who)s created it"),
    AuditEvent.Action.UPDATE: _lazy("%(who)s changed it"),
    AuditEvent.Action.DELETE: _lazy("%(who)s deleted it"),
    AuditEvent.Action.TRANSITION: _lazy("%(who)s changed its status"),
    AuditEvent.Action.ACCESS: _lazy("%(who)s opened it"),
    AuditEvent.Action.DOWNLOAD: _lazy("%(who)s downloaded it"),
    AuditEvent.Action.EXPORT: _lazy("%(who)s exported it"),
}


def _what(event: AuditEvent, who: str) -> str:
    """Who did what, as one sentence in the reader's language."""
    summary = SUMMARIES.get(event.action)
    if summary is None:
        return f"{who}: {event.get_action_display()}"
    return str(summary) % {"who": who}


def _who(event: AuditEvent) -> str:
    if event.actor_id and event.actor is not None:
        return str(event.actor)
    if event.actor_label in ("", "system"):
        return _("Pontis (automatic)")
    return event.actor_label


def present(events) -> list[Entry]:
    """Entries for a page of audit rows (fetched with ``select_related("actor", "content_type")``)."""
    events = list(events)
    names = _related_names(events)
    entries = []
    for event in events:
        model = _event_model(event)
        who = _who(event)
        entries.append(Entry(event=event, who=who, what=_what(event, who), at=event.at, note=event.note,
                             changes=_changes(model, event.changes or {}, names)))
    return entries
