"""Stored files: one mechanism so that no stored file outlives the row that pointed to it.

- ``replace_file(obj, "cv", upload)``: put a new file in a FileField; the previous file is deleted once the
  transaction commits (kept if it rolls back, since the row still points to it then).
- ``clear_file(obj, "cv")``: empty the field; the file is deleted on commit.
- Deleting a row that has a FileField (directly, through a queryset or a cascade) deletes its files on commit:
  ``connect_file_cleanup()`` (called once from ``CoreConfig.ready``) connects ``post_delete`` for exactly the models
  that have a FileField, so other models keep Django's fast deletes. This is storage housekeeping, not domain
  logic, which is why it is the one signal receiver in core.
- ``delete_on_commit(storage, name)``: for a file known only by name (an erasure deleting earlier CVs).

Services call these; they never call ``storage.delete`` or ``FieldFile.delete`` themselves.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import post_delete


def delete_on_commit(storage, name: str, *, using=None) -> None:
    """Delete ``name`` from ``storage`` after the current transaction commits (at once outside a transaction)."""
    if not name:
        return

    def _delete():
        storage.delete(name)

    transaction.on_commit(_delete, using=using)


def replace_file(obj, field_name: str, new_file, *, name: str | None = None) -> None:
    """Set ``obj.<field_name>`` to ``new_file`` and schedule the previous file for deletion on commit.

    With ``name`` the new file is stored now under that name (``FieldFile.save(name, content, save=False)``);
    without it, it is stored when ``obj`` is saved. The caller saves ``obj`` in the same transaction."""
    field_file = getattr(obj, field_name)
    old_name = field_file.name or ""
    storage = field_file.storage
    if name is not None:
        field_file.save(name, new_file, save=False)
    else:
        setattr(obj, field_name, new_file)
    if old_name and old_name != (getattr(obj, field_name).name or ""):
        delete_on_commit(storage, old_name)


def clear_file(obj, field_name: str) -> None:
    """Empty ``obj.<field_name>``; the file is deleted on commit. The caller saves ``obj``."""
    field_file = getattr(obj, field_name)
    if field_file.name:
        delete_on_commit(field_file.storage, field_file.name)
    setattr(obj, field_name, "")


def file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _delete_files_of(sender, instance, using=None, **kwargs):
    for field in file_fields(sender):
        field_file = getattr(instance, field.attname, None)
        name = getattr(field_file, "name", field_file) or ""
        if name:
            delete_on_commit(field.storage, name, using=using)


def connect_file_cleanup() -> None:
    """Delete a row's files when the row is deleted (on commit), for every model that has a FileField."""
    for model in apps.get_models():
        if file_fields(model):
            post_delete.connect(_delete_files_of, sender=model, dispatch_uid=f"pontis-files-{model._meta.label_lower}")
