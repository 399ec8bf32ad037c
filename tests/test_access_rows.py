"""Staff reads of personal files and exports write an access row (who, what, when): one per download route."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pontis.actions import services as action_services
from pontis.actions.tests.factories import make_action, sop
from pontis.core.models import AuditEvent
from pontis.experts.models import ExpertProfile
from pontis.experts.tests.factories import make_profile
from pontis.intake import services as intake_services
from pontis.intake.tests.conftest import complete_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _access_rows():
    return list(AuditEvent.objects.filter(action__in=["access", "download", "export"]).order_by("id"))


def _drain(response):
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def test_a_cv_download_writes_an_access_row_and_shows_in_the_history(client, officer):
    profile = make_profile(given_name="Noor", family_name="Aziz")
    profile.cv.save("cv-1.pdf", ContentFile(PDF), save=True)
    client.force_login(officer)

    response = _drain(client.get(reverse("experts:cv", args=[profile.pk])))

    assert response.status_code == 200
    [row] = _access_rows()
    assert (row.action, row.actor, row.note, row.object_id) == ("download", officer, "CV", str(profile.pk))
    assert row.content_type == ContentType.objects.get_for_model(ExpertProfile)
    history = client.get(f"/history/{row.content_type_id}/{profile.pk}/")
    assert b"downloaded" in history.content and b"CV" in history.content


def test_a_refused_or_missing_cv_writes_no_row(client, make_user):
    profile = make_profile()
    client.force_login(make_user("expert"))

    assert client.get(reverse("experts:cv", args=[profile.pk])).status_code == 404
    assert _access_rows() == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_roster_export_writes_an_export_row_listed_in_the_access_log(client, officer, fmt):
    make_profile(email="x@example.org")
    client.force_login(officer)

    assert client.get(reverse("experts:export", args=[fmt])).status_code == 200

    [row] = _access_rows()
    assert (row.action, row.actor, row.note, row.object_id) == ("export", officer, f"roster export ({fmt})", "")
    log = client.get(reverse("core:access_log"))
    assert log.status_code == 200
    assert f"roster export ({fmt})".encode() in log.content


@pytest.mark.parametrize("role", ["committee", "observer", "focal_point"])
def test_the_access_log_is_for_staff_only(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("core:access_log")).status_code == 403


def _request_with_letter(focal_point, institution):
    request = intake_services.request_save_draft(by=focal_point, data=complete_data(institution))
    intake_services.request_endorsement_attach(request=request, by=focal_point, upload=SimpleUploadedFile(
        "carta.pdf", PDF, content_type="application/pdf"))
    return request


def test_an_endorsement_letter_download_writes_a_row(client, focal_point, institution):
    request = _request_with_letter(focal_point, institution)
    client.force_login(focal_point)

    response = _drain(client.get(reverse("intake:endorsement", args=[request.pk])))

    assert response.status_code == 200
    [row] = _access_rows()
    assert (row.action, row.actor, row.note, row.object_id) == ("download", focal_point, "endorsement letter",
                                                                 str(request.pk))


def test_an_endorsement_letter_download_through_the_api_writes_a_row(api_client, focal_point, institution):
    request = _request_with_letter(focal_point, institution)

    response = _drain(api_client(focal_point).get(f"/api/v1/requests/{request.pk}/endorsement-letter"))

    assert response.status_code == 200
    [row] = _access_rows()
    assert (row.action, row.actor, row.note) == ("download", focal_point, "endorsement letter")


def test_a_deliverable_file_download_writes_a_row(client, officer, focal_point, institution):
    action = make_action(officer, focal_point=focal_point, institution=institution)
    deliverable = action_services.deliverable_create(action=action, by=officer, type=sop(), title={"en": "SOP"})
    item = action_services.deliverable_file_add(deliverable=deliverable, by=focal_point,
                                                upload=SimpleUploadedFile("decree.pdf", PDF))
    client.force_login(officer)

    response = _drain(client.get(reverse("actions:deliverable_file", args=[action.code, deliverable.pk, item.pk])))

    assert response.status_code == 200
    [row] = _access_rows()
    assert (row.action, row.actor, row.note, row.object_id) == ("download", officer, "deliverable file", str(item.pk))


@pytest.mark.parametrize(("role", "shown"), [("officer", True), ("admin", True), ("observer", False),
                                             ("committee", False)])
def test_the_access_log_is_in_the_staff_navigation_only(client, make_user, role, shown):
    client.force_login(make_user(role))

    home = client.get(reverse("core:home")).content.decode()

    assert (reverse("core:access_log") in home) is shown
