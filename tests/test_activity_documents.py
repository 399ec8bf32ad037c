"""Reports on activities: the experts confirmed on an activity upload their mission and fact-finding reports, the
partner's focal points and staff read them; the upload rules and the access rows are those of every file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pontis.actions import services
from pontis.actions.models import ActivityDocument
from pontis.actions.tests.factories import agreed_action
from pontis.core.errors import NotAllowed
from pontis.core.models import AuditEvent
from pontis.experts.services import deployment_create
from pontis.experts.tests.factories import make_profile
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries
from tests.test_hostile_files import EXE, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def deployed(officer, focal_point, institution, expert_user):
    """An agreed Action of the focal point's institution, its first activity, and an expert confirmed on it."""
    action = agreed_action(officer, focal_point, institution)
    activity = action.activities.order_by("sequence").first()
    profile = make_profile(user=expert_user, email=expert_user.email)
    deployment_create(activity=activity, profile=profile, by=officer)
    return action, activity


def _upload_url(action, activity):
    return reverse("actions:activity_document_upload", args=[action.code, activity.pk])


def _pdf(name="mission report.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_confirmed_expert_uploads_a_mission_report(client, deployed, expert_user):
    action, activity = deployed
    client.force_login(expert_user)
    page = client.get(reverse("actions:activity", args=[action.code, activity.pk])).content.decode()

    response = client.post(_upload_url(action, activity), {"kind": "mission_report", "file": _pdf(), "idempotency_key": "k"})

    assert 'enctype="multipart/form-data"' in page
    assert response.status_code == 302
    document = ActivityDocument.objects.get()
    assert (document.activity, document.kind, document.original_name, document.uploaded_by) == (
        activity, "mission_report", "mission report.pdf", expert_user)
    assert document.file.name.endswith(f"activity-document-{document.pk}.pdf")  # the stored name comes from the content
    assert AuditEvent.objects.for_object(document).filter(action=AuditEvent.Action.CREATE).count() == 1


def test_a_double_submit_stores_one_report(client, deployed, expert_user):
    action, activity = deployed
    client.force_login(expert_user)
    for _ in range(2):
        client.post(_upload_url(action, activity), {"kind": "mission_report", "file": _pdf(), "idempotency_key": "same"})

    assert ActivityDocument.objects.count() == 1


@pytest.mark.parametrize("who", ["focal_point", "committee", "undeployed_expert"])
def test_others_may_not_upload(client, deployed, focal_point, who, officer):
    action, activity = deployed
    user = focal_point if who == "focal_point" else user_with_role("committee" if who == "committee" else "expert")
    if who == "undeployed_expert":  # an expert on another activity of the same Action: sees the Action, not this upload
        other = action.activities.order_by("sequence")[1]
        deployment_create(activity=other, profile=make_profile(user=user, email=user.email), by=officer)
    client.force_login(user)

    response = client.post(_upload_url(action, activity), {"kind": "mission_report", "file": _pdf()})

    assert response.status_code == 403
    assert not ActivityDocument.objects.exists()
    with pytest.raises(NotAllowed):
        services.activity_document_add(activity=activity, by=user, kind="mission_report", upload=_pdf())


def test_a_hostile_file_is_refused_with_a_clear_message_and_nothing_is_stored(client, deployed, expert_user, _media):
    action, activity = deployed
    client.force_login(expert_user)

    response = client.post(_upload_url(action, activity),
                           {"kind": "fact_finding_report", "file": SimpleUploadedFile("report.pdf", EXE)}, follow=True)

    assert response.status_code == 200
    assert "Only PDF and Word (DOCX) documents are accepted." in response.content.decode()
    assert not ActivityDocument.objects.exists()
    assert not any(p.is_file() for p in _media.rglob("*"))


def test_the_partner_reads_the_report_and_the_download_leaves_an_access_row(client, deployed, expert_user, focal_point):
    action, activity = deployed
    document = services.activity_document_add(activity=activity, by=expert_user, kind="mission_report",
                                              upload=_pdf("<b>report.pdf"))
    client.force_login(focal_point)
    page = client.get(reverse("actions:activity", args=[action.code, activity.pk])).content.decode()

    response = client.get(reverse("actions:activity_document", args=[action.code, activity.pk, document.pk]))

    assert "&lt;b&gt;report.pdf" in page and "Mission report" in page
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="activity-document-{document.pk}.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    access = AuditEvent.objects.for_object(document).filter(action="download")
    assert [(a.actor_id) for a in access] == [focal_point.pk]


def test_another_institution_gets_404(client, deployed, expert_user):
    action, activity = deployed
    document = services.activity_document_add(activity=activity, by=expert_user, kind="other", upload=_pdf())
    stranger = user_with_role("focal_point")
    client.force_login(stranger)

    download = client.get(reverse("actions:activity_document", args=[action.code, activity.pk, document.pk]))
    upload = client.post(_upload_url(action, activity), {"kind": "other", "file": _pdf()})

    assert (download.status_code, upload.status_code) == (404, 404)
    assert not AuditEvent.objects.for_object(document).filter(action="download").exists()


def test_the_api_lists_the_reports_the_reader_may_read(deployed, expert_user, focal_point, committee_member, api_client):
    action, activity = deployed
    services.activity_document_add(activity=activity, by=expert_user, kind="fact_finding_report", upload=_pdf())

    mine = api_client(focal_point).get(f"/api/v1/activities/{activity.pk}/documents")
    committee = api_client(committee_member).get(f"/api/v1/activities/{activity.pk}/documents")
    stranger = api_client(user_with_role("focal_point")).get(f"/api/v1/activities/{activity.pk}/documents")

    assert mine.status_code == 200
    [row] = mine.json()
    assert (row["kind"], row["kind_label"], row["original_name"]) == ("fact_finding_report", "Fact-finding report",
                                                                       "mission report.pdf")
    assert row["download_url"].endswith(f"/documents/{row['id']}/")
    assert committee.json() == []
    assert stranger.status_code == 404


def test_the_activity_page_reads_the_reports_in_a_flat_number_of_queries(client, deployed, expert_user, officer):
    action, activity = deployed
    client.force_login(officer)
    url = reverse("actions:activity", args=[action.code, activity.pk])

    services.activity_document_add(activity=activity, by=expert_user, kind="mission_report", upload=_pdf())
    small, _response = count_queries(lambda: client.get(url))
    for _ in range(4):
        services.activity_document_add(activity=activity, by=user_with_role("officer"), kind="other", upload=_pdf())
    large, response = count_queries(lambda: client.get(url))

    assert response.content.decode().count("activity-document") == 0  # links name the route, never the stored file
    assert_flat(small, large)
