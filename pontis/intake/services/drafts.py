"""Creating and editing a request while the requester still holds it (draft, or answering a question)."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import IllegalTransition, ValidationFailed
from pontis.core.files import clear_file, replace_file
from pontis.core.once import creation_claim
from pontis.core.permissions import ensure
from pontis.core.uploads import original_name, stored_name

from ..models import EDITABLE_STATUSES, Request, RequestStatus
from ..uploads import check_upload

TEXT_FIELDS = {
    "problem": 20000,
    "objectives": 20000,
    "target_groups": 5000,
    "preferred_timing": 300,
    "other_actors": 5000,
    "endorsement_official_name": 200,
    "endorsement_official_position": 200,
}
M2M_FIELDS = ("institutions", "countries", "themes", "topics")
TITLE_MAX = 300


def _validate(data: dict, *, by) -> dict:
    errors: dict[str, str] = {}
    clean: dict = {}
    if "title" in data:
        raw = data["title"]
        if isinstance(raw, dict):
            # Every language at once (the form's one input per language): it replaces the stored title.
            title = {lang: text.strip() for lang, text in raw.items()
                     if isinstance(lang, str) and re.fullmatch(r"[a-z]{2,3}", lang) and isinstance(text, str) and text.strip()}
            too_long = any(len(text) > TITLE_MAX for text in title.values())
        else:
            # One text, in the language of the request (the API's ``title``).
            title = (raw or "").strip()
            too_long = len(title) > TITLE_MAX
        if too_long:
            errors["title"] = _("At most 300 characters.")
        clean["title"] = title
    if "language" in data:
        lang = data["language"] or "en"
        if lang not in dict(settings.LANGUAGES):
            errors["language"] = _("Unknown language.")
        clean["language"] = lang
    for name, limit in TEXT_FIELDS.items():
        if name in data:
            value = (data[name] or "").strip()
            if len(value) > limit:
                errors[name] = _("At most %(n)d characters.") % {"n": limit}
            clean[name] = value
    for name in M2M_FIELDS:
        if name in data and data[name] is not None:
            clean[name] = list(data[name])
    institutions = clean.get("institutions")
    if institutions and not ({i.pk for i in institutions} & by.focal_institution_ids):
        errors["institutions"] = _("Include your own institution among the requesting institutions.")
    if "topics" in clean and "themes" in clean:
        theme_ids = {t.pk for t in clean["themes"]}
        stray = [t for t in clean["topics"] if t.theme_id not in theme_ids]
        if stray:
            errors["topics"] = _("Each topic must belong to one of the chosen thematic areas.")
    if errors:
        raise ValidationFailed(errors=errors)
    return clean


def _apply(request: Request, clean: dict) -> None:
    if "title" in clean and isinstance(clean["title"], dict):
        request.title = clean["title"]
    elif "title" in clean:
        lang = clean.get("language", request.language)
        # One text in the request's language; the title's other languages are kept.
        title = dict(request.title or {})
        if clean["title"]:
            title[lang] = clean["title"]
        else:
            title.pop(lang, None)
        request.title = title
    for name in ("language", *TEXT_FIELDS):
        if name in clean:
            setattr(request, name, clean[name])


@transaction.atomic
def request_save_draft(*, by, data: dict, request: Request | None = None, client_token: uuid.UUID | str | None = None) -> Request:
    """Create a draft, or save changes to one the requester may still edit (draft or information requested).

    Partial data is fine: completeness is checked at submission. ``data["title"]`` is either one text in the
    request's language (its other languages are kept) or ``{lang: text}`` for every language (it replaces them). The same ``client_token`` twice updates the
    draft created the first time (a double-clicked or autosaved create form makes one request).
    Raises NotAllowed, IllegalTransition (no longer editable), ValidationFailed (``errors`` per field).
    """
    if request is None and client_token:
        request = Request.objects.filter(client_token=client_token, submitted_by=by).first()
    if request is None:
        ensure(by, "create", Request)
        clean = _validate(data, by=by)
        request = Request(submitted_by=by, language=clean.get("language") or by.language or "en",
                          client_token=client_token or None)
        _apply(request, clean)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            # Another submission with the same token won the race: continue with its draft.
            request = Request.objects.get(client_token=client_token, submitted_by=by)
            return request_save_draft(by=by, data=data, request=request)
        institutions = clean.get("institutions") or list(by.institutions.filter(pk__in=by.focal_institution_ids))
        request.institutions.set(institutions)
        for name in ("countries", "themes", "topics"):
            if clean.get(name):
                getattr(request, name).set(clean[name])
        audit.record_create(request, by=by)
        return request

    request = Request.objects.select_for_update().get(pk=request.pk)
    # The requester check comes first so a stranger learns nothing about the status (403, not 409).
    ensure(by, "submit", request)
    if request.status not in EDITABLE_STATUSES:
        raise IllegalTransition(_("This request can no longer be changed."))
    clean = _validate(data, by=by)
    before = audit.snapshot(request)
    _apply(request, clean)
    request.save()
    for name in M2M_FIELDS:
        if name in clean:
            getattr(request, name).set(clean[name])
    audit.record_update(request, by=by, before=before)
    return request


@transaction.atomic
def request_create(*, by, data: dict, idempotency_key: str | None = None,
                   client_token: uuid.UUID | str | None = None) -> Request:
    """Create a draft (the API's create route). The same ``idempotency_key`` (or ``client_token``) again answers
    the request the first call created, as it is now (even submitted since), instead of creating or changing one.

    Raises NotAllowed, ValidationFailed (``errors`` per field).
    """
    ensure(by, "create", Request)
    key = idempotency_key or (str(client_token) if client_token else None)
    claim = creation_claim(scope="intake.request_create", key=key, by=by)
    if claim.existing is not None:
        return claim.existing
    return claim.fulfil(request_save_draft(by=by, data=data, client_token=client_token))


@transaction.atomic
def request_endorsement_attach(*, request: Request, by, upload) -> Request:
    """Store the leadership's endorsement letter (PDF, DOCX or image, checked by content and size).

    Raises NotAllowed, IllegalTransition (not editable any more), ValidationFailed (type or size).
    """
    request = Request.objects.select_for_update().get(pk=request.pk)
    ensure(by, "submit", request)
    if request.status not in EDITABLE_STATUSES:
        raise IllegalTransition(_("This request can no longer be changed."))
    ext = check_upload(upload)
    before = audit.snapshot(request)
    letter_name = original_name(upload)  # kept as data only; stored and served as letter-<id>.<ext>
    # The previous letter is deleted once this commits (core.files).
    replace_file(request, "endorsement_letter", upload, name=stored_name("letter", request.pk, ext))
    request.endorsement_letter_name = letter_name or stored_name("letter", request.pk, ext)
    request.save()
    audit.record_update(request, by=by, before=before, note="endorsement letter attached")
    return request


@transaction.atomic
def request_endorsement_remove(*, request: Request, by) -> Request:
    """Remove the endorsement letter. Raises NotAllowed, IllegalTransition."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    ensure(by, "submit", request)
    if request.status not in EDITABLE_STATUSES:
        raise IllegalTransition(_("This request can no longer be changed."))
    if request.endorsement_letter:
        before = audit.snapshot(request)
        clear_file(request, "endorsement_letter")  # the file is deleted once this commits
        request.endorsement_letter_name = ""
        request.save()
        audit.record_update(request, by=by, before=before, note="endorsement letter removed")
    return request


@transaction.atomic
def request_draft_delete(*, request: Request, by) -> None:
    """Delete a draft its author no longer wants: the request, its links and its letter (the file once this
    commits). The audit trail keeps a row saying who deleted it and what it held.

    Only the person who started it, only while it is a draft (never once submitted: then it is withdrawn).
    Raises NotAllowed, IllegalTransition (no longer a draft).
    """
    request = Request.objects.select_for_update().get(pk=request.pk)
    # A stranger learns nothing about the status (403 first); the author of a draft since submitted gets 409.
    if request.status != RequestStatus.DRAFT and request.submitted_by_id == getattr(by, "pk", None):
        ensure(by, "delete_draft", Request)
        raise IllegalTransition(_("Only a draft can be deleted; a submitted request can be withdrawn."))
    ensure(by, "delete_draft", request)
    audit.record_delete(request, by=by)
    request.delete()
