"""The shared upload rule: content decides, not the name; size and emptiness are refused clearly."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pontis.core.errors import ValidationFailed
from pontis.core.uploads import DOCUMENTS, DOCUMENTS_AND_IMAGES, check_upload, original_name, stored_name

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in members:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


def test_pdf_named_anything_is_a_pdf():
    kind = check_upload(SimpleUploadedFile("letter.exe", PDF_BYTES))
    assert (kind.mime, kind.ext) == ("application/pdf", "pdf")


def test_docx_is_recognised_by_its_archive_content():
    kind = check_upload(SimpleUploadedFile("cv.bin", _zip(["[Content_Types].xml", "word/document.xml"])), accept=DOCUMENTS)
    assert kind.ext == "docx"


def test_a_zip_renamed_docx_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        check_upload(SimpleUploadedFile("cv.docx", _zip(["notes.xml"])), accept=DOCUMENTS, field="cv")
    assert refused.value.field == "cv"
    assert str(refused.value.message) == "Only PDF and Word (DOCX) documents are accepted."


def test_an_image_is_refused_where_only_documents_are_accepted_and_accepted_elsewhere():
    with pytest.raises(ValidationFailed):
        check_upload(SimpleUploadedFile("photo.png", PNG_BYTES), accept=DOCUMENTS)
    assert check_upload(SimpleUploadedFile("photo.png", PNG_BYTES), accept=DOCUMENTS_AND_IMAGES).ext == "png"


def test_html_pretending_to_be_pdf_is_refused():
    with pytest.raises(ValidationFailed):
        check_upload(SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>"))


def test_empty_and_too_large_files_are_refused():
    with pytest.raises(ValidationFailed) as empty:
        check_upload(SimpleUploadedFile("a.pdf", b""))
    assert str(empty.value.message) == "The file is empty."
    with override_settings(PONTIS_MAX_UPLOAD_BYTES=10):
        with pytest.raises(ValidationFailed) as large:
            check_upload(SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert "too large" in str(large.value.message)


def test_stored_name_comes_from_the_content_and_the_uploaded_name_is_data_only():
    upload = SimpleUploadedFile("../../etc/passwd report.exe", PDF_BYTES)
    assert stored_name("letter", 12, check_upload(upload)) == "letter-12.pdf"
    assert original_name(upload) == "passwd report.exe"
