"""One-time form tokens: a create form (or an API call) submitted twice makes one object.

Every create form carries a hidden ``idempotency_key`` (``OneTimeTokenForm`` puts a fresh one in each rendered
form; the API accepts the same field). The service that creates claims the key before it creates:

    claim = creation_claim(scope="intake.note", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing            # the second submission: the object the first one made
    note = Comment.objects.create(...)
    claim.fulfil(note)

The claim is a row of ``CreationClaim`` with a unique (scope, person, key) constraint, written inside the
service's transaction: if the creation fails, the claim goes with it; if two submissions race, the second waits
for the first to commit, then finds its object. A view redirects to the object it gets back, so a double click
shows the object already created; an API retry answers it (never a validation error about a duplicate).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from ninja import Field, Schema

from .api_helpers import TEXT_PATTERN
from .models import CreationClaim

KEY_MAX_LENGTH = 64


def new_key() -> str:
    return uuid.uuid4().hex


@dataclass
class Claim:
    row: CreationClaim | None = None
    existing: object | None = None

    def fulfil(self, obj):
        """Record ``obj`` as what this key created (no-op without a key)."""
        if self.row is not None:
            self.row.content_type = ContentType.objects.get_for_model(obj)
            self.row.object_id = str(obj.pk)
            self.row.save(update_fields=["content_type", "object_id"])
        return obj


def creation_claim(*, scope: str, key: str | None, by) -> Claim:
    """Claim ``key`` for ``by`` in ``scope``; ``.existing`` is the object a previous use of the key created.

    Without a key (or without a signed-in person) every call creates: the claim does nothing. Call it inside the
    service's transaction, after the permission check and before any validation that the object's own creation
    may change (a retry must answer the object even when, say, the parent has moved on since).
    """
    key = (key or "").strip()[:KEY_MAX_LENGTH]
    if not key or by is None or getattr(by, "pk", None) is None:
        return Claim()
    try:
        with transaction.atomic():
            row = CreationClaim.objects.create(scope=scope, key=key, user=by)
        return Claim(row=row)
    except IntegrityError:
        pass
    row = CreationClaim.objects.select_for_update().get(scope=scope, key=key, user=by)
    if row.content_type_id and row.object_id:
        model = row.content_type.model_class()
        existing = model._default_manager.filter(pk=row.object_id).first() if model else None
        if existing is not None:
            return Claim(row=row, existing=existing)
    # The object was deleted since (or never made): this submission creates it again.
    return Claim(row=row)


class OneTimeTokenForm(forms.Form):
    """A hidden one-time key in every create form; the service's ``creation_claim`` honours it.

    Mix it into a create form (``class NoteForm(OneTimeTokenForm)``, or with a ModelForm:
    ``class InstitutionForm(OneTimeTokenMixin, forms.ModelForm)``) and render ``{{ form.idempotency_key }}``.
    """

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=KEY_MAX_LENGTH, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_key())


class OneTimeTokenMixin:
    """The same field for ModelForms and forms that already have a base class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"] = forms.CharField(widget=forms.HiddenInput, max_length=KEY_MAX_LENGTH,
                                                         required=False)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_key())


class IdempotentIn(Schema):
    """The API's field for the same mechanism: a create route's input schema inherits it."""

    idempotency_key: str | None = Field(
        None, max_length=KEY_MAX_LENGTH, pattern=TEXT_PATTERN,  # no NUL, no lone surrogate (pontis.core.api_helpers)
        description="Any unique string (a UUID is good). Sending the same key again answers the object the first "
                    "call created instead of creating another.",
    )
