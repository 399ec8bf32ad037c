"""IATI activity identifiers: ``<reporting-org ref>-<Action code>``, minted once, never changed, never reused.

The first build of an Action mints its identifier into ``IatiIdentifier``; every later build reads it back, even
when the reporting organisation's reference changed since (the builder then declares the earlier reference as the
previous reporting organisation). The row is kept for as long as the Action exists (PROTECT) and ``identifier`` is
unique, so an identifier is never given to another Action.

Characters: IATI refuses ``/``, ``&``, ``|``, ``?`` and surrounding spaces in an identifier; Pontis keeps to letters,
digits, ``-``, ``_`` and ``.``, replacing anything else with ``-``.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import IntegrityError, transaction

from pontis.actions.models import Action

from ..models import IatiIdentifier

NOT_ALLOWED = re.compile(r"[^A-Za-z0-9._-]+")


def clean(text: str) -> str:
    return NOT_ALLOWED.sub("-", text.strip()).strip("-")


def proposed_identifier(action: Action, ref: str | None = None) -> str:
    ref = clean(ref if ref is not None else settings.PONTIS_IATI_REPORTING_ORG_REF)
    return f"{ref}-{clean(action.code)}"


def identifier_for(action: Action) -> str:
    """The Action's identifier, minted on first use (once, even when two builds race)."""
    existing = getattr(action, "_iati_identifier_cache", None) or _stored(action)
    if existing:
        return existing
    base = proposed_identifier(action)
    candidate, number = base, 1
    while True:
        try:
            with transaction.atomic():
                row, _created = IatiIdentifier.objects.get_or_create(action=action, defaults={"identifier": candidate})
            break
        except IntegrityError:
            # Either another build minted this Action's identifier a moment ago (read it back), or the identifier
            # belongs to another Action (an identifier is never reused: take the next free one).
            stored = IatiIdentifier.objects.filter(action=action).values_list("identifier", flat=True).first()
            if stored:
                return stored
            number += 1
            candidate = f"{base}-{number}"
    action._iati_identifier_cache = row.identifier
    return row.identifier


def _stored(action: Action) -> str | None:
    try:
        cached = action.iati_identifier  # select_related by the builder's queryset
    except IatiIdentifier.DoesNotExist:
        cached = None
    if cached is not None and cached.pk:
        return cached.identifier
    return IatiIdentifier.objects.filter(action=action).values_list("identifier", flat=True).first()
