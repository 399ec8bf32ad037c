"""Hostile uploads through every entry point a person or a client uses: each page or API route that takes a file
refuses each hostile file with its clear message, and stores nothing (no row changed, no file left behind).

tests/test_hostile_files.py checks the services and the archive limits; this file sends the same kinds of files
(plus over-size files, XLSX bombs and a PDF/HTML polyglot) the way they arrive: a multipart form post from the
page, or the API's multipart route. The upload points are every ``FileField`` of the models (an expert's CV, an
endorsement letter, a deliverable's files, an import file) reached from each page and API route that writes it.

The polyglot (a file starting ``%PDF-`` that also holds ``<html><script>``) is accepted as the PDF it says it is:
PDF readers ignore the HTML, and Pontis never lets a browser read it as HTML: it is stored under a name from its
content (``.pdf``) and always served as an attachment, as ``application/pdf``, with ``nosniff``.
"""

from __future__ import annotations

import functools

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pontis.actions.models import DeliverableFile
from pontis.core.models import Country, ThematicArea
from pontis.experts.models import ExpertProfile, ImportJob
from pontis.experts.tests.factories import make_profile
from pontis.intake.models import Request
from tests.test_hostile_files import EXE, PDF, SVG, bomb_docx, docx_bytes, xlsx_bytes, zip_bytes

pytestmark = pytest.mark.django_db

POLYGLOT = (b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"
            b"1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
SIZE_LIMIT = 4096


def _xlsx_bomb() -> bytes:
    return xlsx_bytes(extra=[("xl/worksheets/sheet9.xml", "<row/>" * 2_000_000)])


# name, content, the message a document point answers, the message the import answers
HOSTILE = {
    "renamed executable": ("report.pdf", lambda: EXE, "are accepted", "must be a CSV"),
    "executable renamed as a table": ("roster.csv", lambda: EXE, "are accepted", "must be a CSV"),
    "over-size file": ("report.pdf", lambda: PDF + b"%" * (SIZE_LIMIT + 100), "too large", "too large"),
    "DOCX bomb": ("cv.docx", bomb_docx, "zip bomb", "zip bomb"),
    "XLSX bomb": ("roster.xlsx", _xlsx_bomb, "zip bomb", "zip bomb"),
    "SVG with a script": ("drawing.svg", lambda: SVG, "are accepted", "must be a CSV"),
    "zip holding an executable": ("files.zip", lambda: zip_bytes([("setup.exe", EXE), ("readme.txt", b"hi")]),
                                  "holds a program", "holds a program"),
    "document holding an executable": ("cv.docx", lambda: docx_bytes(extra=[("word/media/setup.exe", EXE)]),
                                       "holds a program", "holds a program"),
}


@functools.cache
def _content(payload: str) -> bytes:
    return HOSTILE[payload][1]()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _nothing_stored(tmp_path):
    return not any(p.is_file() for p in tmp_path.rglob("*"))


def _profile_data(**extra):
    return {"given_name": "Nadia", "family_name": "Benali", "gender": "female",
            "nationality": Country.objects.get(code="MA").pk, "background": "non_government_organisation",
            "themes": [ThematicArea.objects.get(code="legal").pk],
            "lang-TOTAL_FORMS": "1", "lang-INITIAL_FORMS": "0", "lang-MIN_NUM_FORMS": "0", "lang-MAX_NUM_FORMS": "12",
            "lang-0-language": "", "lang-0-level": "", **extra}


# ---------------------------------------------------------------- the entry points


def _registration_page(client, upload, **_):
    cache.clear()
    response = client.post(reverse("experts:register"),
                           _profile_data(email="upload@example.org", consent="on", cv=upload))
    return response, lambda: ExpertProfile.objects.count()


def _profile_edit_page(client, officer, **_):
    profile = make_profile()
    client.force_login(officer)

    def send(upload):
        response = client.post(reverse("experts:edit", args=[profile.pk]), _profile_data(cv=upload))
        return response, lambda: (ExpertProfile.objects.values("cv", "cv_original_name").get(pk=profile.pk))
    return send


def _request_page(client, focal_point, institution, **_):
    client.force_login(focal_point)

    def send(upload):
        data = {"language": "en", "institutions": [institution.pk], "title_en": "Border training",
                "endorsement_letter": upload}
        return client.post(reverse("intake:create"), data), lambda: Request.objects.count()
    return send


def _request_api(api_client, focal_point, institution, **_):
    from pontis.intake import services
    from pontis.intake.tests.conftest import complete_data

    request = services.request_save_draft(by=focal_point, data=complete_data(institution))
    api = api_client(focal_point)

    def send(upload):
        response = api.post(f"/api/v1/requests/{request.pk}/endorsement-letter", {"file": upload})
        return response, lambda: Request.objects.values("endorsement_letter").get(pk=request.pk)
    return send


def _deliverable_page(client, officer, focal_point, institution, **_):
    from pontis.actions import services
    from pontis.actions.tests.factories import make_action, sop

    action = make_action(officer, focal_point=focal_point, institution=institution)
    deliverable = services.deliverable_create(action=action, by=officer, type=sop(), title={"en": "SOP"})
    client.force_login(officer)

    def send(upload):
        response = client.post(reverse("actions:deliverable_upload", args=[action.code, deliverable.pk]),
                               {"file": upload}, follow=True)
        return response, lambda: DeliverableFile.objects.count()
    return send


def _activity_document_page(client, officer, focal_point, institution, **_):
    from pontis.actions.models import ActivityDocument
    from pontis.actions.tests.factories import agreed_action

    action = agreed_action(officer, focal_point, institution)
    activity = action.activities.order_by("sequence").first()
    client.force_login(officer)

    def send(upload):
        response = client.post(reverse("actions:activity_document_upload", args=[action.code, activity.pk]),
                               {"kind": "mission_report", "file": upload}, follow=True)
        return response, lambda: ActivityDocument.objects.count()
    return send


def _import_page(client, officer, **_):
    client.force_login(officer)

    def send(upload):
        response = client.post(reverse("experts:imports"), {"kind": "roster", "file": upload})
        return response, lambda: ImportJob.objects.count()
    return send


def _registration(client, **_):
    def send(upload):
        return _registration_page(client, upload)
    return send


POINTS = {
    "expert registration page (CV)": _registration,
    "expert profile edit page (CV)": _profile_edit_page,
    "request page (endorsement letter)": _request_page,
    "request API (endorsement letter)": _request_api,
    "deliverable page (file)": _deliverable_page,
    "activity page (report)": _activity_document_page,
    "import page (CSV or XLSX)": _import_page,
}


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("payload", HOSTILE)
def test_every_upload_point_refuses_each_hostile_file_with_its_message_and_stores_nothing(
        point, payload, client, officer, focal_point, institution, api_client, _media, settings):
    if payload == "over-size file":
        settings.PONTIS_MAX_UPLOAD_BYTES = SIZE_LIMIT
    send = POINTS[point](client=client, officer=officer, focal_point=focal_point, institution=institution,
                         api_client=api_client)
    name, _make, document_message, import_message = HOSTILE[payload]
    _, state = send(SimpleUploadedFile("warm-up.txt", b""))  # an empty file: refused too; gives the state reader
    before = state()

    response, state = send(SimpleUploadedFile(name, _content(payload)))

    expected = import_message if point.startswith("import") else document_message
    if point.endswith("API (endorsement letter)"):
        assert response.status_code == 422
        assert expected in response.json()["detail"]
    else:
        assert response.status_code == 200
        assert expected in response.content.decode()
    assert state() == before
    assert _nothing_stored(_media)


# ---------------------------------------------------------------- the polyglot: a PDF, never HTML


def test_a_pdf_html_polyglot_is_kept_as_a_pdf_and_only_ever_served_as_a_pdf_attachment(
        client, api_client, officer, focal_point, institution, _media):
    from pontis.intake import services
    from pontis.intake.tests.conftest import complete_data

    request = services.request_save_draft(by=focal_point, data=complete_data(institution))
    api = api_client(focal_point)

    answer = api.post(f"/api/v1/requests/{request.pk}/endorsement-letter",
                      {"file": SimpleUploadedFile("letter.html", POLYGLOT, content_type="text/html")})

    assert answer.status_code == 200
    request.refresh_from_db()
    assert request.endorsement_letter.name.endswith(".pdf")  # named from its content, whatever it was called
    for response in (api.get(f"/api/v1/requests/{request.pk}/endorsement-letter"),
                     _signed_in(client, focal_point).get(reverse("intake:endorsement", args=[request.pk]))):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="letter-{request.pk}.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"


def _signed_in(client, user):
    client.force_login(user)
    return client
