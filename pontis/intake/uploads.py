"""Endorsement letters: PDF, DOCX or images, checked by the shared rule in pontis.core.uploads."""

from __future__ import annotations

from pontis.core.uploads import DOCUMENTS_AND_IMAGES
from pontis.core.uploads import check_upload as _check


def check_upload(upload, *, field: str = "endorsement_letter") -> str:
    """Answer the extension matching the file's content; raise ValidationFailed if empty, too big or of another type."""
    return _check(upload, accept=DOCUMENTS_AND_IMAGES, field=field).ext
