"""Checking uploaded files by what they contain, not by what they are called; one rule for every app.

    kind = check_upload(upload, accept=DOCUMENTS_AND_IMAGES, field="file")
    kind.ext, kind.mime

Raises ``ValidationFailed`` (with ``field``) for an empty file, a file over ``PONTIS_MAX_UPLOAD_BYTES``, or
content that is not one of the accepted types. A DOCX is a zip archive: it counts as DOCX only when the
archive holds ``word/document.xml``, whatever the file is named.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .errors import ValidationFailed

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMAGES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
DOCUMENTS = {PDF: "pdf", DOCX: "docx"}
DOCUMENTS_AND_IMAGES = {**DOCUMENTS, **IMAGES}


@dataclass(frozen=True)
class UploadKind:
    mime: str
    ext: str


def _is_docx(upload) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _refusal(accept: dict) -> str:
    if accept == DOCUMENTS:
        return _("Only PDF and Word (DOCX) documents are accepted.")
    if accept == DOCUMENTS_AND_IMAGES:
        return _("Only PDF, Word (DOCX) and image files (PNG, JPEG, GIF, WebP) are accepted.")
    return _("This type of file is not accepted.")


def check_upload(upload, *, accept: dict = DOCUMENTS_AND_IMAGES, field: str = "file") -> UploadKind:
    """The kind of ``upload`` judged by its content; ValidationFailed if empty, too large or not accepted."""
    if upload is None:
        raise ValidationFailed(_("Choose a file."), field=field, errors={field: [_("Choose a file.")]})
    limit = settings.PONTIS_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is None or size > limit:
        message = _("The file is too large (at most %(size)s).") % {"size": filesizeformat(limit)}
        raise ValidationFailed(message, field=field, errors={field: [message]})
    if size == 0:
        raise ValidationFailed(_("The file is empty."), field=field, errors={field: [_("The file is empty.")]})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    mime = guessed.mime if guessed else ""
    if mime in {"application/zip", DOCX}:
        mime = DOCX if _is_docx(upload) else "application/zip"
    if mime not in accept:
        message = _refusal(accept)
        raise ValidationFailed(message, field=field, errors={field: [message]})
    return UploadKind(mime=mime, ext=accept[mime])


def safe_stored_name(upload, kind: UploadKind, *, max_length: int = 150) -> str:
    """A storage name from the uploaded name, with the extension that matches the content."""
    base = get_valid_filename(((getattr(upload, "name", "") or "file").rsplit("/", 1)[-1]).rsplit(".", 1)[0] or "file")
    return f"{base[:max_length]}.{kind.ext}"
