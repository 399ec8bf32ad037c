"""The protection rules on the pages: downloads served only through the check (a refusal tells nothing), the
materials section (restricted items listed with the reason and whom to ask, or hidden), ``noindex`` on pages and
files of non-public meetings, counts that count only what the visitor may see, widening with a confirmation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pontis.events.models import Material, Meeting
from pontis.events.visitor import SESSION_KEY
from tests.queries import assert_flat, count_queries

from .factories import make_agenda, make_meeting
from .protection_world import VISITORS, build_world, expected_material, material

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def as_visitor(client, user, reg_ids):
    if getattr(user, "is_authenticated", False):
        client.force_login(user)
    if reg_ids:
        session = client.session
        session[SESSION_KEY] = list(reg_ids)
        session.save()
    return client


@pytest.mark.parametrize("who", VISITORS)
def test_downloads_follow_the_rules_and_refusals_tell_nothing(client, who):
    # Given materials of every kind in meetings of every kind
    world = build_world()
    as_visitor(client, *world["visitors"][who])
    for key, item in world["materials"].items():
        # When the visitor asks for the file
        response = client.get(reverse("events:materials_download", args=[item.pk]))
        if expected_material(who, *key):
            # Then the file comes under its neutral name
            assert response.status_code == 200, key
            assert response["Content-Disposition"] == f'attachment; filename="meeting-material-{item.pk}.pdf"'
            assert b"".join(response.streaming_content) == b"%PDF-1.4 secret"
        else:
            # Or the same 404 as a missing material: no title, no size, no file name
            assert response.status_code == 404, key
            body = response.content.decode()
            assert item.title["en"] not in body and "secret-plan" not in body
            assert not response.has_header("Content-Disposition")
            assert not response.has_header("Content-Length") or response["Content-Length"] == str(len(body.encode()))


def test_a_missing_material_answers_the_same_404(client):
    assert client.get(reverse("events:materials_download", args=[999999])).status_code == 404


def _meeting_with_materials(access="public", display="list"):
    meeting = make_meeting(is_public=True)
    Meeting.objects.filter(pk=meeting.pk).update(access=access, restricted_display=display,
                                                 restricted_reason="Shared with the delegates only",
                                                 restricted_contact="panel-secretariat@example.org")
    meeting.refresh_from_db()
    open_one = material(meeting, "inherit", title="Open programme")
    closed = material(meeting, "members", title="Delegates' draft")
    return meeting, open_one, closed


def test_restricted_items_are_listed_with_the_reason_and_whom_to_ask(client):
    meeting, open_one, closed = _meeting_with_materials(display="list")
    body = client.get(reverse("events:detail", args=[meeting.slug])).content.decode()
    assert "Open programme" in body
    assert reverse("events:materials_download", args=[open_one.pk]) in body
    assert "Delegates&#x27; draft" in body
    assert reverse("events:materials_download", args=[closed.pk]) not in body
    assert "Shared with the delegates only" in body and "panel-secretariat@example.org" in body


def test_restricted_items_are_hidden_when_the_meeting_says_so(client):
    meeting, _open_one, closed = _meeting_with_materials(display="hide")
    body = client.get(reverse("events:detail", args=[meeting.slug])).content.decode()
    assert "Open programme" in body
    assert "Delegates" not in body and "panel-secretariat@example.org" not in body
    assert reverse("events:materials_download", args=[closed.pk]) not in body


def test_a_signed_in_member_opens_both(client, plain_user):
    meeting, open_one, closed = _meeting_with_materials()
    client.force_login(plain_user)
    body = client.get(reverse("events:detail", args=[meeting.slug])).content.decode()
    assert reverse("events:materials_download", args=[closed.pk]) in body
    assert "Shared with the delegates only" not in body


def test_pages_and_files_of_non_public_meetings_say_noindex(client, plain_user):
    public, public_file, _closed = _meeting_with_materials("public")
    members, members_file, _ = _meeting_with_materials("members")
    client.force_login(plain_user)

    public_page = client.get(reverse("events:detail", args=[public.slug]))
    members_page = client.get(reverse("events:detail", args=[members.slug]))
    public_download = client.get(reverse("events:materials_download", args=[public_file.pk]))
    members_download = client.get(reverse("events:materials_download", args=[members_file.pk]))

    assert not public_page.has_header("X-Robots-Tag")
    assert '<meta name="robots" content="noindex">' not in public_page.content.decode()
    assert members_page["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in members_page.content.decode()
    assert not public_download.has_header("X-Robots-Tag")
    assert members_download["X-Robots-Tag"] == "noindex"


def test_a_registration_link_opens_a_registered_meeting(client):
    world = build_world()
    meeting = world["meetings"][(False, "registered")]
    user, reg_ids = world["visitors"]["registered_link"]
    assert client.get(reverse("events:detail", args=[meeting.slug])).status_code == 404
    as_visitor(client, user, reg_ids)
    assert client.get(reverse("events:detail", args=[meeting.slug])).status_code == 200


def test_lists_and_years_count_only_what_the_visitor_may_see(client, plain_user):
    import datetime

    make_meeting(slug="open-2016", is_public=True, start=datetime.date(2016, 12, 1))
    make_meeting(slug="closed-2014", is_public=False, start=datetime.date(2014, 5, 1))
    roles_only = make_meeting(slug="roles-2012", is_public=False, start=datetime.date(2012, 5, 1))
    Meeting.objects.filter(pk=roles_only.pk).update(access="roles", access_roles=["committee"])

    anonymous = client.get(reverse("events:list")).content.decode()
    client.force_login(plain_user)
    member = client.get(reverse("events:list")).content.decode()

    assert "1 meeting<" in anonymous and "closed-2014" not in anonymous and ">2014<" not in anonymous
    assert "2 meetings<" in member and "roles-2012" not in member and ">2012<" not in member
    assert ">2014<" in member


def test_the_meeting_page_costs_the_same_queries_with_more_materials(client):
    meeting, _open_one, _closed = _meeting_with_materials()
    sessions = make_agenda(meeting, sessions=2, contributions=2)
    url = reverse("events:detail", args=[meeting.slug])
    small, _ = count_queries(lambda: client.get(url))
    for session in sessions:
        for contribution in session.contributions.all():
            for level in ("inherit", "members", "registered", "roles"):
                item = material(meeting, level, roles=["committee"] if level == "roles" else [])
                Material.objects.filter(pk=item.pk).update(session=session, contribution=contribution)
    large, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    assert_flat(small, large)


# ------------------------------------------------------------------ staff forms


def test_staff_upload_a_material(client, officer):
    meeting = make_meeting(is_public=False)
    client.force_login(officer)
    url = reverse("events:materials_upload", args=[meeting.slug])
    assert client.get(url).status_code == 200

    response = client.post(url, {"title_en": "Opening", "kind": "presentation", "place": "", "access": "inherit",
                                 "file": SimpleUploadedFile("talk.pdf", PDF)})

    assert response.status_code == 302
    created = Material.objects.get(meeting=meeting)
    assert (created.title, created.original_name) == ({"en": "Opening"}, "talk.pdf")


def test_an_upload_with_a_refused_file_shows_the_error(client, officer):
    meeting = make_meeting(is_public=False)
    client.force_login(officer)
    response = client.post(reverse("events:materials_upload", args=[meeting.slug]), {
        "title_en": "Opening", "kind": "presentation", "access": "inherit",
        "file": SimpleUploadedFile("run.pdf", b"MZ\x90\x00" + b"\x00" * 40)})
    assert response.status_code == 422
    assert "error-summary" in response.content.decode()
    assert Material.objects.count() == 0


@pytest.mark.parametrize("role", ["committee", "expert"])
def test_others_cannot_open_the_staff_forms(client, make_user, role):
    meeting = make_meeting(is_public=False)
    item = material(meeting, "inherit")
    client.force_login(make_user(role))
    assert client.get(reverse("events:materials_upload", args=[meeting.slug])).status_code == 403
    assert client.get(reverse("events:materials_access", args=[item.pk])).status_code == 403
    assert client.post(reverse("events:materials_delete", args=[item.pk]), {"confirmed": "1"}).status_code == 403
    assert Material.objects.filter(pk=item.pk).exists()


def test_widening_a_material_asks_for_confirmation_then_records_it(client, officer):
    meeting = make_meeting(is_public=False)
    item = material(meeting, "inherit")
    client.force_login(officer)
    url = reverse("events:materials_access", args=[item.pk])

    first = client.post(url, {"access": "public"})
    item.refresh_from_db()
    assert first.status_code == 200 and "button--danger" in first.content.decode()
    assert (item.access, item.widened_by) == ("inherit", None)

    second = client.post(url, {"access": "public", "confirmed": "1"})
    item.refresh_from_db()
    assert second.status_code == 302
    assert (item.access, item.widened_by) == ("public", officer)


def test_narrowing_a_meeting_needs_no_confirmation(client, officer):
    meeting = make_meeting(is_public=True)
    client.force_login(officer)
    response = client.post(reverse("events:materials_meeting_access", args=[meeting.slug]), {
        "access": "registered", "restricted_display": "hide", "restricted_reason": "", "restricted_contact": ""})
    meeting.refresh_from_db()
    assert response.status_code == 302
    assert (meeting.access, meeting.restricted_display) == ("registered", "hide")


def test_deleting_asks_for_confirmation(client, officer):
    item = material(make_meeting(is_public=False), "inherit")
    client.force_login(officer)
    url = reverse("events:materials_delete", args=[item.pk])
    first = client.post(url)
    assert first.status_code == 200 and Material.objects.filter(pk=item.pk).exists()
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not Material.objects.filter(pk=item.pk).exists()


def test_the_sitemap_and_the_portal_show_public_meetings_only(client, officer):
    # Given a public meeting and one at every narrower level
    public = make_meeting(slug="open-meeting", is_public=True)
    for level in ("members", "registered", "roles"):
        narrow = make_meeting(slug=f"{level}-meeting", is_public=False)
        Meeting.objects.filter(pk=narrow.pk).update(access=level, access_roles=["committee"] if level == "roles" else [])
    client.force_login(officer)  # even staff asking get the public sitemap

    sitemap = client.get("/sitemap.xml").content.decode()
    portal = client.get("/").content.decode()

    assert reverse("events:detail", args=[public.slug]) in sitemap
    for level in ("members", "registered", "roles"):
        assert f"{level}-meeting" not in sitemap
        assert f"/events/{level}-meeting/" not in portal
