"""Minutes: draft, consultation of the attendees until a deadline, comments (who may, double submits, hostile text),
publication, and who reads the published minutes and the report (the meeting's protection level)."""

import datetime
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone

from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.events import services
from pontis.events.models import Minutes, MinutesComment, Registration
from pontis.events.tests.factories import make_agenda, make_meeting
from pontis.events.tests.test_panels_services import c, make_panel
from pontis.events.visitor import SESSION_KEY
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def registration(meeting, *, status="approved", user=None, name="Participant"):
    return Registration.objects.create(
        meeting=meeting, user=user, name=name, email=f"{secrets.token_hex(4)}@example.org", gender="woman",
        institution_name="Ministry", country=c("BY"), status=status, token=secrets.token_urlsafe(32))


@pytest.fixture
def world():
    officer = user_with_role("officer")
    panel, _programme, by_user, _lt = make_panel()
    meeting = make_meeting(slug="minsk", kind="panel_meeting", is_public=False, country="BY")
    services.meeting_update(meeting=meeting, by=None, panel=panel)
    sessions = make_agenda(meeting, sessions=2, contributions=1)
    services.session_update(session=sessions[0], by=None, summary={"en": "Summary of session one"})
    attendee = UserFactory()
    registration(meeting, user=attendee)
    minutes = services.minutes_save(meeting=meeting, by=officer, executive_summary={"en": "The executive summary"},
                                    body={"en": "The body", "ru": "Текст"})
    return {"officer": officer, "meeting": meeting, "minutes": minutes, "attendee": attendee, "delegate": by_user}


def _open(world, days=5):
    return services.minutes_open_comments(minutes=world["minutes"], by=world["officer"],
                                          comments_until=timezone.now() + datetime.timedelta(days=days))


def test_the_workflow_from_draft_to_published(world):
    minutes = _open(world)
    assert minutes.status == "consultation"
    comment = services.minutes_comment_add(minutes=minutes, body="Please add Moldova", by=world["attendee"])
    assert comment.author == world["attendee"]
    published = services.minutes_publish(minutes=minutes, by=world["officer"])
    assert (published.status, published.published_by) == ("published", world["officer"])
    assert published.published_at is not None
    with pytest.raises(IllegalTransition):
        services.minutes_save(meeting=world["meeting"], by=world["officer"], executive_summary={"en": "x"}, body={})
    assert Minutes.objects.get(pk=minutes.pk).executive_summary == {"en": "The executive summary"}


def test_only_staff_draft_and_publish(world):
    with pytest.raises(NotAllowed):
        services.minutes_save(meeting=world["meeting"], by=world["attendee"], executive_summary={"en": "x"}, body={})
    with pytest.raises(NotAllowed):
        services.minutes_publish(minutes=world["minutes"], by=world["delegate"])
    assert Minutes.objects.get(pk=world["minutes"].pk).status == "draft"


def test_a_past_deadline_is_refused(world):
    with pytest.raises(ValidationFailed):
        services.minutes_open_comments(minutes=world["minutes"], by=world["officer"],
                                       comments_until=timezone.now() - datetime.timedelta(hours=1))
    assert Minutes.objects.get(pk=world["minutes"].pk).status == "draft"


def test_attendees_delegates_and_link_holders_comment_outsiders_do_not(world):
    minutes = _open(world)
    services.minutes_comment_add(minutes=minutes, body="attendee", by=world["attendee"])
    services.minutes_comment_add(minutes=minutes, body="delegate", by=world["delegate"])
    by_link = registration(world["meeting"], name="No account")
    services.minutes_comment_add(minutes=minutes, body="by link", registration=by_link)
    for outsider in (UserFactory(), None):
        with pytest.raises(NotAllowed):
            services.minutes_comment_add(minutes=minutes, body="outsider", by=outsider)
    pending = registration(world["meeting"], status="pending", name="Pending")
    with pytest.raises(NotAllowed):
        services.minutes_comment_add(minutes=minutes, body="pending", registration=pending)
    assert list(MinutesComment.objects.order_by("id").values_list("body", flat=True)) == ["attendee", "delegate", "by link"]


def test_no_comment_before_consultation_nor_after_the_deadline(world):
    with pytest.raises(NotAllowed):
        services.minutes_comment_add(minutes=world["minutes"], body="early", by=world["attendee"])
    minutes = _open(world, days=1)
    with pytest.raises(NotAllowed):
        services.minutes_comment_add(minutes=minutes, body="late", by=world["attendee"],
                                     now=timezone.now() + datetime.timedelta(days=2))
    assert MinutesComment.objects.count() == 0


def test_a_double_submitted_comment_is_stored_once(world):
    minutes = _open(world)
    first = services.minutes_comment_add(minutes=minutes, body="once", by=world["attendee"], key="k1")
    second = services.minutes_comment_add(minutes=minutes, body="once", by=world["attendee"], key="k1")
    assert first.pk == second.pk
    # the same key from someone else is their own comment
    services.minutes_comment_add(minutes=minutes, body="other", by=world["delegate"], key="k1")
    assert MinutesComment.objects.count() == 2


# ---------------------------------------------------------------- pages


def _public_meeting(world):
    """The page needs the visitor to see the meeting: make it public (the minutes stay for attendees)."""
    services.meeting_update(meeting=world["meeting"], by=None, is_public=True)


def test_comments_through_the_page_are_escaped_for_staff_and_refused_to_outsiders(client, world):
    _public_meeting(world)
    _open(world)
    url = reverse("events:minutes_comment", args=["minsk"])
    client.force_login(world["attendee"])
    page = client.get(reverse("events:minutes", args=["minsk"]))
    assert "The executive summary" in page.content.decode()
    form = {"body": "<script>alert(1)</script>", "idempotency_key": "abc"}
    client.post(url, form)
    client.post(url, form)
    assert MinutesComment.objects.count() == 1
    client.force_login(UserFactory())
    assert client.post(url, {"body": "outsider"}).status_code in (403, 404)
    assert MinutesComment.objects.count() == 1
    client.force_login(world["officer"])
    body = client.get(reverse("events:minutes", args=["minsk"])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body


def test_a_visitor_with_their_registration_link_comments(client, world):
    _public_meeting(world)
    _open(world)
    reg = registration(world["meeting"], name="Link holder")
    session = client.session
    session[SESSION_KEY] = [reg.pk]
    session.save()
    client.post(reverse("events:minutes_comment", args=["minsk"]), {"body": "by link"})
    assert list(MinutesComment.objects.values_list("registration_id", "body")) == [(reg.pk, "by link")]


def test_published_minutes_follow_the_meetings_protection(client, world):
    # the meeting is for members of the panel: its delegates see it, other signed-in people do not
    minutes_url, report_url = reverse("events:minutes", args=["minsk"]), reverse("events:minutes_report", args=["minsk"])
    client.force_login(world["delegate"])
    assert "The executive summary" not in client.get(minutes_url).content.decode()  # a draft is for staff
    assert client.get(report_url).status_code == 404
    services.minutes_publish(minutes=world["minutes"], by=world["officer"])
    assert "The executive summary" in client.get(minutes_url).content.decode()
    report = client.get(report_url)
    assert report.status_code == 200
    assert "Summary of session one" in report.content.decode()
    client.logout()
    assert client.get(minutes_url).status_code == 404
    assert client.get(report_url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(report_url).status_code == 404


def test_publishing_through_the_page_asks_for_confirmation(client, world):
    client.force_login(world["officer"])
    url = reverse("events:minutes_publish", args=["minsk"])
    assert "Publish the minutes" in client.post(url).content.decode()
    assert Minutes.objects.get(pk=world["minutes"].pk).status == "draft"
    client.post(url, {"confirmed": "1"})
    assert Minutes.objects.get(pk=world["minutes"].pk).status == "published"
