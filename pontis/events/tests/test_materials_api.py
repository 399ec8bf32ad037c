"""Materials over the API: the list holds only what the caller may open, a refused file is a 404 that tells
nothing, staff add materials (multipart) through the same service as the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pontis.events.models import Material, Meeting

from .factories import make_agenda, make_meeting
from .protection_world import material

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def meeting():
    meeting = make_meeting(is_public=True)
    material(meeting, "inherit", title="Open programme")
    material(meeting, "members", title="Delegates' draft")
    material(meeting, "roles", title="Steering note", roles=["committee"])
    return meeting


def titles(response):
    return sorted(row["title_text"] for row in response.json())


def test_anonymous_callers_list_public_materials_only(client, meeting):
    response = client.get(f"/api/v1/meetings/{meeting.pk}/materials")
    assert response.status_code == 200
    assert titles(response) == ["Open programme"]
    assert response.json()[0]["level"] == "public"


def test_a_signed_in_member_lists_more(api_client, plain_user, committee_member, meeting):
    assert titles(api_client(plain_user).get(f"/api/v1/meetings/{meeting.pk}/materials")) == [
        "Delegates' draft", "Open programme"]
    assert titles(api_client(committee_member).get(f"/api/v1/meetings/{meeting.pk}/materials")) == [
        "Delegates' draft", "Open programme", "Steering note"]


def test_a_meeting_the_caller_may_not_see_is_a_404(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(access="members")
    response = client.get(f"/api/v1/meetings/{meeting.pk}/materials")
    assert response.status_code == 404
    assert "Open programme" not in response.content.decode()


def test_a_refused_file_tells_nothing(client, meeting):
    closed = Material.objects.get(meeting=meeting, access="members")
    refused = client.get(f"/api/v1/materials/{closed.pk}/file")
    missing = client.get("/api/v1/materials/999999/file")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert not refused.has_header("Content-Disposition")


def test_an_open_file_downloads(client, meeting):
    open_one = Material.objects.get(meeting=meeting, access="inherit")
    response = client.get(f"/api/v1/materials/{open_one.pk}/file")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="meeting-material-{open_one.pk}.pdf"'
    assert not response.has_header("X-Robots-Tag")


def test_staff_add_a_material(api_client, officer):
    meeting = make_meeting(is_public=False)
    contribution = make_agenda(meeting, sessions=1, contributions=1)[0].contributions.get()
    response = api_client(officer).post(f"/api/v1/meetings/{meeting.pk}/materials", {
        "title": "Slides", "kind": "presentation", "access": "registered", "contribution": contribution.pk,
        "file": SimpleUploadedFile("slides.pdf", PDF)})
    assert response.status_code == 201, response.content
    created = Material.objects.get(meeting=meeting)
    assert response.json()["id"] == created.pk
    assert (created.access, created.contribution_id, created.original_name) == (
        "registered", contribution.pk, "slides.pdf")


def test_widening_over_the_api_is_refused(api_client, officer):
    meeting = make_meeting(is_public=False)
    response = api_client(officer).post(f"/api/v1/meetings/{meeting.pk}/materials", {
        "title": "Slides", "access": "public", "file": SimpleUploadedFile("slides.pdf", PDF)})
    assert response.status_code == 422
    assert response.json()["code"] == "widening_needs_confirmation"
    assert Material.objects.count() == 0


def test_others_may_not_add(api_client, committee_member):
    meeting = make_meeting(is_public=True)
    response = api_client(committee_member).post(f"/api/v1/meetings/{meeting.pk}/materials", {
        "title": "Slides", "file": SimpleUploadedFile("slides.pdf", PDF)})
    assert response.status_code == 403
    assert Material.objects.count() == 0


def test_the_events_list_counts_only_what_the_caller_may_see(client, plain_user):
    make_meeting(slug="open-one", is_public=True)
    closed = make_meeting(slug="closed-one", is_public=False)
    assert client.get("/api/v1/events").json()["count"] == 1
    assert client.get(f"/api/v1/events/{closed.pk}").status_code == 404
    logged = Client()
    logged.force_login(plain_user)
    assert logged.get("/api/v1/events").json()["count"] == 2


def test_a_post_without_a_file_names_the_field(api_client, officer, committee_member):
    meeting = make_meeting(is_public=True)
    refused = api_client(committee_member).post(f"/api/v1/meetings/{meeting.pk}/materials", {"title": "Slides"})
    missing = api_client(officer).post(f"/api/v1/meetings/{meeting.pk}/materials", {"title": "Slides"})
    assert refused.status_code == 403
    assert missing.status_code == 422
    assert Material.objects.count() == 0


def test_the_list_costs_the_same_queries_with_more_materials(api_client, plain_user, meeting):
    from tests.queries import assert_flat, count_queries

    caller = api_client(plain_user)
    url = f"/api/v1/meetings/{meeting.pk}/materials"
    small, _ = count_queries(lambda: caller.get(url))
    for n in range(12):
        material(meeting, ["inherit", "members", "registered", "roles"][n % 4], roles=["committee"])
    large, response = count_queries(lambda: caller.get(url))
    assert len(response.json()) == 2 + 6  # the open ones: inherit and members, the first two and six new ones
    assert_flat(small, large)
