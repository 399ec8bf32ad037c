"""Checking uploaded files by what they contain, not by what they are called; one rule for every app.

    kind = check_upload(upload, accept=DOCUMENTS_AND_IMAGES, field="file")
    kind.ext, kind.mime

Raises ``ValidationFailed`` (with ``field``) for an empty file, a file over ``PONTIS_MAX_UPLOAD_BYTES``, or
content that is not one of the accepted types. DOCX and XLSX are zip archives: before anything opens one, its
central directory (the archive's table of contents, read without decompressing anything) must show no more
than ``PONTIS_UPLOAD_MAX_MEMBERS`` parts, at most ``PONTIS_UPLOAD_MAX_UNCOMPRESSED_BYTES`` once expanded, no
large part compressed more than ``PONTIS_UPLOAD_MAX_COMPRESSION_RATIO`` times, and no part that a document does
not need (programs, macros, nested archives, absolute or ``..`` paths). A zip counts as DOCX only when it holds
``word/document.xml`` and as XLSX only when it holds ``xl/workbook.xml``, whatever the file is named.

Stored files are named from their checked content, never from the uploaded name:
``stored_name("letter", 12, kind)`` is ``letter-12.pdf``; ``download_response`` serves a stored file under that
name with the checked content type.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .errors import ValidationFailed

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
IMAGES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
DOCUMENTS = {PDF: "pdf", DOCX: "docx"}
DOCUMENTS_AND_IMAGES = {**DOCUMENTS, **IMAGES}
SPREADSHEETS = {XLSX: "xlsx"}
# Every content type a stored file can have, with its extension, and back.
CONTENT_EXTENSIONS = {**DOCUMENTS_AND_IMAGES, **SPREADSHEETS, CSV: "csv"}
CONTENT_TYPES = {ext: mime for mime, ext in CONTENT_EXTENSIONS.items()}

# The part of an Office archive that tells which kind it is.
_MARKERS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
# Parts a document or workbook never needs: programs and scripts, macros and embedded objects (``.bin``:
# vbaProject.bin, oleObject1.bin), and archives inside the archive (an embedded workbook is one too).
_REFUSED_SUFFIXES = (
    ".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".hta",
    ".sh", ".jar", ".lnk", ".bin", ".zip", ".7z", ".rar", ".gz", ".tgz", ".cab", ".docx", ".docm", ".xlsx", ".xlsm",
    ".xlsb", ".pptx", ".pptm", ".odt", ".ods",
)
_REFUSED_NAMES = ("vbaproject", "vbadata")
# A part smaller than this may be compressed as strongly as it likes: it cannot expand into anything large.
_RATIO_FLOOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class UploadKind:
    mime: str
    ext: str


def _refuse(message, field):
    raise ValidationFailed(message, field=field, errors={field: [message]})


def _check_member_name(name: str, field: str) -> None:
    lowered = name.lower()
    parts = lowered.replace("\\", "/").split("/")
    if lowered.startswith(("/", "\\")) or ".." in parts or (len(lowered) > 1 and lowered[1] == ":"):
        _refuse(_("The file is refused: it holds a part with an unsafe path."), field)
    base = parts[-1]
    if base.endswith(_REFUSED_SUFFIXES) or base.startswith(_REFUSED_NAMES):
        _refuse(_("The file is refused: it holds a program, a macro or another archive (%(name)s).")
                % {"name": base[:80]}, field)


def check_archive(upload, *, field: str = "file") -> list[str]:
    """The member names of a zip-based Office file, after checking its central directory only.

    Nothing is decompressed: the sizes are the ones the archive declares, and Python's zipfile (which openpyxl
    and the text extraction use) never expands a member beyond its declared size. Raises ValidationFailed.
    """
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        _refuse(_("The file is damaged: it cannot be read as a document or workbook."), field)
    finally:
        upload.seek(0)
    max_members = settings.PONTIS_UPLOAD_MAX_MEMBERS
    if len(members) > max_members:
        _refuse(_("The file is refused: it holds more than %(count)s parts.") % {"count": max_members}, field)
    max_total = settings.PONTIS_UPLOAD_MAX_UNCOMPRESSED_BYTES
    max_ratio = settings.PONTIS_UPLOAD_MAX_COMPRESSION_RATIO
    names, total = set(), 0
    for member in members:
        _check_member_name(member.filename, field)
        if member.filename in names:
            _refuse(_("The file is damaged: it holds the same part twice."), field)
        names.add(member.filename)
        total += member.file_size
        if total > max_total:
            _refuse(_("The file is refused: its content expands to more than %(size)s.")
                    % {"size": filesizeformat(max_total)}, field)
        if member.file_size > _RATIO_FLOOR_BYTES and member.file_size > max_ratio * max(member.compress_size, 1):
            _refuse(_("The file is refused: it is compressed far more than a real document is "
                      "(a \"zip bomb\")."), field)
    return sorted(names)


def _refusal(accept: dict) -> str:
    if accept == DOCUMENTS:
        return _("Only PDF and Word (DOCX) documents are accepted.")
    if accept == DOCUMENTS_AND_IMAGES:
        return _("Only PDF, Word (DOCX) and image files (PNG, JPEG, GIF, WebP) are accepted.")
    if accept == SPREADSHEETS:
        return _("Only Excel (XLSX) workbooks are accepted.")
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
    if head[:4] == b"PK\x03\x04" and (DOCX in accept or XLSX in accept):
        # Checked before anything parses it; then classified by the part that marks its kind.
        names = check_archive(upload, field=field)
        mime = next((m for m, marker in _MARKERS.items() if marker in names), "application/zip")
    else:
        guessed = filetype.guess(head)
        mime = guessed.mime if guessed else ""
    if mime not in accept:
        _refuse(_refusal(accept), field)
    return UploadKind(mime=mime, ext=accept[mime])


def stored_name(prefix: str, pk, kind: UploadKind | str) -> str:
    """The name a file is stored and downloaded under: ``letter-12.pdf``, from its checked kind (or extension)."""
    ext = kind.ext if isinstance(kind, UploadKind) else kind
    return f"{get_valid_filename(prefix)}-{pk}.{ext}"


def original_name(upload, *, max_length: int = 255) -> str:
    """The uploaded file's own name, kept as data only (shown to people, never used as a path or download name)."""
    return ((getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1])[-max_length:]


def download_response(field_file, *, filename: str, content_type: str | None = None):
    """A stored file as an attachment under ``filename``, with its checked content type and no sniffing.

    ``content_type`` defaults to the type of ``filename``'s extension (names come from ``stored_name``).
    Raises Http404 when the file is gone from storage.
    """
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type or CONTENT_TYPES.get(ext, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    return response
