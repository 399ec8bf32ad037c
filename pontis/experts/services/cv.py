"""CV uploads: checked by content (not by name), size-limited, text extracted for search."""

from __future__ import annotations

import io

from pontis.core.uploads import DOCUMENTS, check_upload


def check_cv(upload) -> str:
    """Answer the file's extension ('pdf' or 'docx'); raise ValidationFailed for other content or a file too big."""
    return check_upload(upload, accept=DOCUMENTS, field="cv").ext


def extract_text(upload, ext: str) -> str:
    """Plain text of the CV for search; an unreadable file gives empty text rather than an error."""
    upload.seek(0)
    data = io.BytesIO(upload.read())
    upload.seek(0)
    try:
        if ext == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(data)
            return "\n".join((page.extract_text() or "") for page in reader.pages[:30])[:100000]
        from docx import Document

        document = Document(data)
        return "\n".join(p.text for p in document.paragraphs)[:100000]
    except Exception:  # noqa: BLE001 - a damaged CV must not block registration; staff see no text
        return ""
