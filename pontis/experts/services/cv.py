"""CV uploads: checked by content (not by name) and size; their text is extracted for search by a task.

Extraction never runs in a web request: ``profile_cv_text_extract`` is called by ``tasks.extract_cv_text`` after
the upload commits, and reads at most ``PONTIS_EXTRACT_MAX_CHARS`` characters, ``PONTIS_EXTRACT_MAX_PARAGRAPHS``
DOCX paragraphs or ``PONTIS_EXTRACT_MAX_PAGES`` PDF pages, stopping after ``PONTIS_EXTRACT_MAX_SECONDS``.
A DOCX is read as a stream (one paragraph at a time, each forgotten once read), so its size in memory does not
grow with the document.
"""

from __future__ import annotations

import time
import zipfile

from django.conf import settings
from django.db import transaction
from lxml import etree
from pypdf import PdfReader

from pontis.core.uploads import DOCUMENTS, check_archive, check_upload

from ..models import CvTextStatus, ExpertProfile

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_cv(upload) -> str:
    """Answer the file's extension ('pdf' or 'docx'); raise ValidationFailed for other content or a file too big."""
    return check_upload(upload, accept=DOCUMENTS, field="cv").ext


class _Budget:
    """The limits of one extraction; ``spent()`` is true once any of them is reached."""

    def __init__(self):
        self.max_chars = settings.PONTIS_EXTRACT_MAX_CHARS
        self.deadline = time.monotonic() + settings.PONTIS_EXTRACT_MAX_SECONDS
        self.chars = 0

    def add(self, parts: list[str], text: str) -> None:
        parts.append(text)
        self.chars += len(text) + 1

    def spent(self) -> bool:
        return self.chars >= self.max_chars or time.monotonic() > self.deadline


def _docx_text(handle, budget: _Budget) -> str:
    check_archive(handle, field="cv")  # also for files stored before the archive checks existed
    parts, paragraphs, events = [], 0, 0
    with zipfile.ZipFile(handle) as archive, archive.open("word/document.xml") as xml:
        current = []
        for _event, element in etree.iterparse(xml, events=("end",), resolve_entities=False, no_network=True,
                                              huge_tree=False, remove_comments=True, remove_pis=True):
            events += 1
            if element.tag == f"{_W}t" and element.text:
                current.append(element.text)
            elif element.tag == f"{_W}p":
                if current:
                    budget.add(parts, "".join(current))
                current = []
                paragraphs += 1
                # Forget what was read: the tree never holds more than the paragraph being read.
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
                if paragraphs >= settings.PONTIS_EXTRACT_MAX_PARAGRAPHS:
                    break
            if events % 1000 == 0 and budget.spent():
                break
            if budget.chars >= budget.max_chars:
                break
    return "\n".join(parts)


def _pdf_text(handle, budget: _Budget) -> str:
    reader = PdfReader(handle)
    parts = []
    for number, page in enumerate(reader.pages):
        if number >= settings.PONTIS_EXTRACT_MAX_PAGES or budget.spent():
            break
        budget.add(parts, page.extract_text() or "")
    return "\n".join(parts)


def extract_text(handle, ext: str) -> str:
    """Plain text of a CV (an open binary file), bounded by the PONTIS_EXTRACT_* settings.

    Raises whatever the file's damage causes; ``profile_cv_text_extract`` records that as unreadable.
    """
    budget = _Budget()
    text = _pdf_text(handle, budget) if ext == "pdf" else _docx_text(handle, budget)
    return text[: budget.max_chars]


def profile_cv_text_extract(*, profile_id: int, cv_name: str) -> str:
    """Extract the text of the profile's CV named ``cv_name`` and index it for search; answer the new status.

    Does nothing (answers "") when the profile is gone, its CV was replaced since, or the text is already
    extracted: safe to run twice. A damaged file gives status ``unreadable`` and no text, never an error.
    """
    profile = ExpertProfile.objects.filter(pk=profile_id, cv=cv_name, cv_text_status=CvTextStatus.PENDING).first()
    if profile is None:
        return ""
    ext = cv_name.rsplit(".", 1)[-1].lower()
    try:
        with profile.cv.open("rb") as handle:
            text = extract_text(handle, ext)
    except Exception:  # noqa: BLE001 - a damaged CV must not fail the worker; staff still have the file
        text = ""
    text = text.replace("\x00", "")
    status = CvTextStatus.DONE if text.strip() else CvTextStatus.UNREADABLE
    with transaction.atomic():
        updated = ExpertProfile.objects.filter(pk=profile_id, cv=cv_name, cv_text_status=CvTextStatus.PENDING).update(
            cv_text=text, cv_text_status=status)
        if updated:
            profile.cv_text = text
            ExpertProfile.objects.filter(pk=profile_id).update(search_text=profile.build_search_text())
    return status if updated else ""
