"""Every write to the practice library: items, their status and visibility, their files, and the case study an
officer publishes from a completed Action in one step.

Conventions (STYLE.md): keyword-only, atomic, permission checked first (``by=None`` is the system: the demo loader
and imports), validated before anything is written, one audit row per change, and ``indexing.item_changed`` inside
the transaction so that the search documents and the meaning vector follow the item once it commits.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.errors import Conflict, IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.files import replace_file
from pontis.core.i18n import clean_translations, content_languages, translate
from pontis.core.once import creation_claim
from pontis.core.permissions import can, ensure
from pontis.core.uploads import DOCX, PDF, XLSX, check_upload, original_name, stored_name
from pontis.core.workflow import check_transition, transition
from pontis.experts.models import Deployment

from .. import indexing
from ..models import LibraryFile, LibraryItem, SlugRedirect, Visibility

# The files a library item may hold: documents and workbooks, judged by their content (pontis/core/uploads.py).
LIBRARY_FILES = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx"}

TEXT_FIELDS = ("title", "summary", "context", "action_design", "practices_text", "impact", "challenges", "lessons",
               "body")
PLAIN_FIELDS = ("year", "deliverable_type", "deliverable_status", "publication_type", "partner_agreed_by",
                "partner_agreed_on")
M2M_FIELDS = ("languages", "themes", "topics", "concepts", "countries", "sdg_targets", "gcm_objectives", "features",
              "actions", "deliverables", "experts", "meetings")
UPDATABLE = set(TEXT_FIELDS) | set(PLAIN_FIELDS) | set(M2M_FIELDS) | {"slug"}
SLUG_MAX = LibraryItem._meta.get_field("slug").max_length
DELIVERABLE_STATUSES = ("drafted", "validated", "endorsed", "adopted")
# Addresses of the library's own pages (urls_library.py): no item may take them as its short name.
RESERVED_SLUGS = {"new", "from-action"}


def _check(by, verb, obj):
    if by is not None:
        ensure(by, verb, obj)


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, field=field, errors={field: [message]})


def _validate(item: LibraryItem) -> None:
    """Refuse an item that cannot be stored or shown: the first problem is the message, all are in ``errors``."""
    errors = {}
    if item.kind not in LibraryItem.Kind.values:
        errors["kind"] = [_("Choose the kind of item.")]
    if item.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose who may see the item.")]
    if not {k: v for k, v in (item.title or {}).items() if k in content_languages()}:
        errors["title"] = [_("Write the title in at least one language.")]
    try:
        validate_slug(item.slug or "")
    except ValidationError:
        errors["slug"] = [_("Use only letters, numbers, hyphens and underscores in the short name.")]
    if item.slug in RESERVED_SLUGS:
        errors["slug"] = [_("This short name is reserved for a page of the library; choose another.")]
    if item.year is not None and not (1900 <= int(item.year) <= 2200):
        errors["year"] = [_("Give a year between 1900 and 2200.")]
    if item.publication_type and item.publication_type not in LibraryItem.PublicationType.values:
        errors["publication_type"] = [_("Choose a type of publication.")]
    if item.deliverable_status and item.deliverable_status not in DELIVERABLE_STATUSES:
        errors["deliverable_status"] = [_("Choose drafted, validated, endorsed or adopted.")]
    if item.partner_agreed_on and item.partner_agreed_on > timezone.localdate():
        errors["partner_agreed_on"] = [_("The date of the partner's agreement cannot be in the future.")]
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(errors[first][0], errors=errors, field=first)


def _slug_taken(slug: str, *, item_id=None) -> bool:
    return LibraryItem.objects.filter(slug=slug).exclude(pk=item_id).exists()


def _unique_slug(base: str) -> str:
    """``base`` (made safe for an address), with -2, -3... when another item holds it."""
    base = slugify(base or "")[: SLUG_MAX - 6].strip("-") or "item"
    slug, n = base, 1
    while _slug_taken(slug) or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _slug_from_title(title: dict) -> str:
    # English first: the address stays readable and ASCII whatever language the author wrote in first.
    for lang in ("en", "fr", "es", "pt"):
        if slugify((title or {}).get(lang, "")):
            return title[lang]
    return ""


def _set_m2m(item: LibraryItem, values: dict) -> None:
    for name in M2M_FIELDS:
        if name in values and values[name] is not None:
            getattr(item, name).set(values[name])


@transaction.atomic
def item_create(*, by, kind: str, title: dict, slug: str = "", visibility: str = Visibility.STAFF,
                idempotency_key: str | None = None, **fields) -> LibraryItem:
    """Create a draft library item (case study, practice, shared deliverable or publication) and audit it.

    The short name is made from the title when none is given. The same ``idempotency_key`` answers the item the
    first call made (a double-submitted form creates one item). Raises ``NotAllowed`` for anyone but staff,
    ``ValidationFailed`` for a missing title, an unknown kind or visibility, an unknown field or a bad value,
    ``Conflict`` when the short name is taken.
    """
    _check(by, "create", LibraryItem)
    claim = creation_claim(scope="knowledge.item_create", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise ValidationFailed(_("These details cannot be set here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    title = clean_translations(title)
    slug = (slug or "").strip().lower()
    if slug and _slug_taken(slug):
        raise Conflict(_("Another item already has this short name."), field="slug")
    item = LibraryItem(kind=kind, title=title, visibility=visibility or Visibility.STAFF,
                       created_by=by if getattr(by, "pk", None) else None)
    for name in TEXT_FIELDS[1:]:
        setattr(item, name, clean_translations(fields.get(name)))
    for name in PLAIN_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.partner_agreed_by = item.partner_agreed_by or ""
    item.deliverable_status = item.deliverable_status or ""
    item.publication_type = item.publication_type or ""
    item.slug = slug or _unique_slug(_slug_from_title(title) or kind)
    _validate(item)
    item.save()
    _set_m2m(item, fields)
    audit.record_create(item, by=by)
    indexing.item_changed(item.kind, item.pk)
    return claim.fulfil(item)


@transaction.atomic
def item_update(*, item: LibraryItem, by, **fields) -> LibraryItem:
    """Change an item's texts, tags and links (not its status or visibility: see ``item_publish``,
    ``item_withdraw``, ``item_set_visibility``). A new short name keeps the old address working: a
    ``SlugRedirect`` is written and the old address answers a permanent redirect.

    Raises ``NotAllowed``; ``ValidationFailed`` for an unknown field or an invalid value (nothing is saved);
    ``Conflict`` when the new short name belongs to another item.
    """
    _check(by, "change", item)
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise ValidationFailed(_("These details cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    before = audit.snapshot(item)
    old_slug = item.slug
    for name in TEXT_FIELDS:
        if name in fields:
            setattr(item, name, clean_translations(fields[name]))
    for name in PLAIN_FIELDS:
        if name in fields:
            value = fields[name]
            if name in ("partner_agreed_by", "deliverable_status", "publication_type"):
                value = (value or "").strip()
            setattr(item, name, value)
    if "slug" in fields:
        item.slug = (fields["slug"] or "").strip().lower()
    _validate(item)
    if item.slug != old_slug:
        if _slug_taken(item.slug, item_id=item.pk):
            raise Conflict(_("Another item already has this short name."), field="slug")
        # The new name may be a former name of this or another item: the live name wins, the redirect goes.
        SlugRedirect.objects.filter(kind="item", old_slug=item.slug).delete()
        SlugRedirect.objects.update_or_create(kind="item", old_slug=old_slug, defaults={"target_id": item.pk})
    item.save()
    _set_m2m(item, fields)
    audit.record_update(item, by=by, before=before)
    indexing.item_changed(item.kind, item.pk)
    return item


@transaction.atomic
def item_publish(*, item: LibraryItem, by) -> LibraryItem:
    """Publish a draft or withdrawn item: it becomes visible at its visibility level (public, members, staff).

    Raises ``NotAllowed``; ``IllegalTransition`` when it is already published.
    """
    _check(by, "publish", item)
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    check_transition(item, LibraryItem.Status.PUBLISHED)
    transition(item, to=LibraryItem.Status.PUBLISHED, by=by, published_at=item.published_at or timezone.now())
    indexing.item_changed(item.kind, item.pk)
    return item


@transaction.atomic
def item_withdraw(*, item: LibraryItem, by, note: str = "") -> LibraryItem:
    """Withdraw a published item: only staff see it afterwards (it may be published again).

    Raises ``NotAllowed``; ``IllegalTransition`` unless it is published.
    """
    _check(by, "publish", item)
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    transition(item, to=LibraryItem.Status.WITHDRAWN, by=by, note=(note or "").strip()[:500])
    indexing.item_changed(item.kind, item.pk)
    return item


@transaction.atomic
def item_set_visibility(*, item: LibraryItem, by, visibility: str) -> LibraryItem:
    """Say who may see the item: everyone, signed-in members or staff only. Audited; the search follows.

    Raises ``NotAllowed``; ``ValidationFailed`` for an unknown level.
    """
    _check(by, "publish", item)
    if visibility not in Visibility.values:
        raise _invalid("visibility", _("Choose who may see the item."))
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    if item.visibility == visibility:
        return item
    before = audit.snapshot(item, m2m=False)
    item.visibility = visibility
    item.save(update_fields=["visibility", "updated_at"])
    audit.record_update(item, by=by, before=before)
    indexing.item_changed(item.kind, item.pk)
    return item


@transaction.atomic
def file_add(*, item: LibraryItem, by, upload, title: str = "", language: str = "",
             idempotency_key: str | None = None) -> LibraryFile:
    """Attach a file (PDF, DOCX or XLSX, judged by its content and size before anything opens it) to an item.

    Stored as ``library-file-<id>.<ext>``; read only through the permission-checked download. The same
    ``idempotency_key`` answers the same file. Raises ``NotAllowed``, ``ValidationFailed`` (no file, empty, too
    large, another type, a hostile archive, an unknown language).
    """
    _check(by, "change", item)
    claim = creation_claim(scope="knowledge.file_add", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    language = (language or "").strip()
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise _invalid("language", _("Choose one of the languages offered."))
    checked = check_upload(upload, accept=LIBRARY_FILES, field="file")
    title = (title or "").strip()[:255] or original_name(upload)[:255]
    record = LibraryFile(item=item, title=title, language=language, size=upload.size, content_type=checked.mime,
                         uploaded_by=by if getattr(by, "pk", None) else None)
    record.save()  # the stored name needs the id, and comes from the checked content, never the uploaded name
    replace_file(record, "file", upload, name=stored_name("library-file", record.pk, checked))
    record.save(update_fields=["file"])
    audit.record_create(record, by=by)
    indexing.item_changed(item.kind, item.pk)
    return claim.fulfil(record)


@transaction.atomic
def file_remove(*, file: LibraryFile, by) -> None:
    """Remove a file from its item (the stored file is deleted when the transaction commits). The page asks for
    confirmation first. Raises ``NotAllowed``."""
    _check(by, "change", file)
    item = file.item
    audit.record_delete(file, by=by)
    file.delete()
    indexing.item_changed(item.kind, item.pk)


def _text_language(action) -> str:
    """The language an Action's free texts are written in: that of its title when it has one language only."""
    langs = [k for k, v in (action.title or {}).items() if k in content_languages() and str(v).strip()]
    return langs[0] if len(langs) == 1 else settings.LANGUAGE_CODE


@transaction.atomic
def case_study_from_action(*, action, by, partner_agreed_by: str, partner_agreed_on: datetime.date,
                           visibility: str = Visibility.PUBLIC, idempotency_key: str | None = None) -> LibraryItem:
    """One step for an officer: a published case study made from a completed Action.

    Prefilled from the Action: its title, countries, themes, topics, SDG targets and GCM objectives; its lessons
    learnt as the lessons and its final report as the impact; linked to the Action, its deliverables and the
    experts deployed on it. The partner's agreement to share (who and when) is required and recorded. The same
    ``idempotency_key`` answers the case study the first call made.

    Raises ``NotAllowed`` (staff only); ``IllegalTransition`` unless the Action is completed; ``ValidationFailed``
    without the partner's agreement, for a future date or an unknown visibility.
    """

    _check(by, "create", LibraryItem)
    if by is not None and not can(by, "view", action):
        raise NotAllowed()
    claim = creation_claim(scope="knowledge.case_study_from_action", key=idempotency_key, by=by)
    if claim.existing is not None:
        return claim.existing
    if action.status != "completed":
        raise IllegalTransition(_("A case study is published from a completed Action only."), code="action_not_completed")
    partner_agreed_by = (partner_agreed_by or "").strip()
    errors = {}
    if not partner_agreed_by:
        errors["partner_agreed_by"] = [_("Say who agreed, for the partner, to share this case study.")]
    if not isinstance(partner_agreed_on, datetime.date):
        errors["partner_agreed_on"] = [_("Give the date of the partner's agreement.")]
    elif partner_agreed_on > timezone.localdate():
        errors["partner_agreed_on"] = [_("The date of the partner's agreement cannot be in the future.")]
    if visibility not in Visibility.values:
        errors["visibility"] = [_("Choose who may see the item.")]
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(errors[first][0], errors=errors, field=first)
    lang = _text_language(action)
    year = (action.closed_on or action.end_date or timezone.localdate()).year
    item = LibraryItem(
        kind=LibraryItem.Kind.CASE_STUDY, title=clean_translations(action.title), visibility=visibility,
        lessons=clean_translations({lang: action.lessons_learnt or ""}),
        impact=clean_translations({lang: action.final_report or ""}),
        year=year, partner_agreed_by=partner_agreed_by[:255], partner_agreed_on=partner_agreed_on,
        created_by=by if getattr(by, "pk", None) else None,
    )
    item.slug = _unique_slug(f"{action.code}-{_slug_from_title(item.title)}")
    _validate(item)
    item.save()
    experts = (Deployment.objects.filter(activity__action=action)
               .exclude(status=Deployment.Status.CANCELLED).values_list("profile_id", flat=True).distinct())
    _set_m2m(item, {
        "countries": list(action.countries.all()), "themes": list(action.themes.all()),
        "topics": list(action.topics.all()), "sdg_targets": list(action.sdg_targets.all()),
        "gcm_objectives": list(action.gcm_objectives.all()), "actions": [action],
        "deliverables": list(action.deliverables.all()), "experts": list(experts),
    })
    audit.record_create(item, by=by, note=_("Published from the Action %(code)s.") % {"code": action.code})
    transition(item, to=LibraryItem.Status.PUBLISHED, by=by, published_at=timezone.now())
    indexing.item_changed(item.kind, item.pk)
    return claim.fulfil(item)


def item_title(item: LibraryItem) -> str:
    """The item's title in the reader's language (for messages)."""
    return str(translate(item.title)) or item.slug
