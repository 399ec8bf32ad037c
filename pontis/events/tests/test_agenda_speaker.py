"""The speakers' personal upload link: no account, their own contribution only, until the deadline."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pontis.core.models import AuditEvent
from pontis.events.models import Material
from pontis.events.services import contribution_create, session_create, speaker_link_send
from pontis.events.views_agenda import SPEAKER_REQUESTS

from .test_agenda_views import _meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _speakers(officer, *, deadline):
    meeting = _meeting(speaker_deadline=deadline, registration_closes_at=None)
    session = session_create(meeting=meeting, by=None, title={"en": "Opening"}, day=meeting.start_date)
    mine = contribution_create(session=session, by=None, speaker_name="Ms A", title={"en": "Returns in practice"},
                               speaker_email="a@example.org")
    other = contribution_create(session=session, by=None, speaker_name="Mr B", speaker_email="b@example.org")
    for c in (mine, other):
        speaker_link_send(contribution=c, by=officer)
        c.refresh_from_db()
    return meeting, mine, other


def _upload(client, target, **extra):
    return client.post(reverse("events:agenda_speaker", args=[target.speaker_token]),
                       {"title": "My slides", "file": SimpleUploadedFile("slides.pdf", PDF), **extra})


def test_the_speaker_sees_their_contribution_and_uploads_without_an_account(client, officer):
    _meeting_obj, mine, _other = _speakers(officer, deadline=timezone.now() + datetime.timedelta(days=3))
    page = client.get(reverse("events:agenda_speaker", args=[mine.speaker_token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Returns in practice" in html and "Ms A" in html and "Mr B" not in html
    assert page["X-Robots-Tag"].startswith("noindex") and '<meta name="robots" content="noindex' in html

    response = _upload(client, mine)

    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.contribution_id, material.session_id, material.uploaded_by_speaker, material.access) == (
        mine.pk, mine.session_id, True, "inherit")
    assert "My slides" in client.get(reverse("events:agenda_speaker", args=[mine.speaker_token])).content.decode()
    rows = " ".join(str(e.changes) + e.note for e in AuditEvent.objects.all())
    assert mine.speaker_token not in rows


def test_a_double_submitted_upload_stores_one_file(client, officer):
    _m, mine, _other = _speakers(officer, deadline=timezone.now() + datetime.timedelta(days=3))
    _upload(client, mine, idempotency_key="once")
    _upload(client, mine, idempotency_key="once")
    assert Material.objects.count() == 1


def test_the_upload_cannot_be_pointed_at_another_contribution(client, officer):
    _m, mine, other = _speakers(officer, deadline=timezone.now() + datetime.timedelta(days=3))
    _upload(client, mine, contribution=str(other.pk), session="999")
    assert list(Material.objects.values_list("contribution_id", flat=True)) == [mine.pk]


def test_after_the_deadline_the_page_refuses_clearly_and_stores_nothing(client, officer):
    _m, mine, _other = _speakers(officer, deadline=timezone.now() - datetime.timedelta(minutes=1))
    page = client.get(reverse("events:agenda_speaker", args=[mine.speaker_token]))
    assert page.status_code == 200 and "the deadline for speakers has passed" in page.content.decode()
    assert 'type="file"' not in page.content.decode()

    response = _upload(client, mine)

    assert response.status_code == 409 and "the deadline for speakers has passed" in response.content.decode()
    assert Material.objects.count() == 0


def test_a_refused_file_is_a_form_error(client, officer):
    _m, mine, _other = _speakers(officer, deadline=timezone.now() + datetime.timedelta(days=3))
    response = client.post(reverse("events:agenda_speaker", args=[mine.speaker_token]),
                           {"title": "Run me", "file": SimpleUploadedFile("run.exe", b"MZ\x90\x00binary")})
    assert response.status_code == 422 and 'class="error-summary"' in response.content.decode()
    assert Material.objects.count() == 0


def test_unknown_or_renewed_token_is_404(client, officer):
    _m, mine, _other = _speakers(officer, deadline=timezone.now() + datetime.timedelta(days=3))
    assert client.get(reverse("events:agenda_speaker", args=["x" * 43])).status_code == 404
    old = mine.speaker_token
    speaker_link_send(contribution=mine, by=officer, renew=True)
    assert client.get(reverse("events:agenda_speaker", args=[old])).status_code == 404
    assert _upload(client, mine).status_code == 404  # the old token, still held by ``mine`` in memory
    assert Material.objects.count() == 0


def test_the_page_is_rate_limited_per_address(client, officer):
    _m, mine, _other = _speakers(officer, deadline=timezone.now() + datetime.timedelta(days=3))
    url = reverse("events:agenda_speaker", args=["unknown-token"])
    for _ in range(SPEAKER_REQUESTS):
        assert client.get(url).status_code == 404
    assert client.get(reverse("events:agenda_speaker", args=[mine.speaker_token])).status_code == 429
