"""The meeting and agenda editors' pages, per role; the edit form's round trip in French and Russian; the
activity page's "Meeting" panel."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from pontis.core.models import AuditEvent, Country
from pontis.events.models import Contribution, DiscussionNote, Meeting, Session
from pontis.events.services import contribution_create, meeting_create, note_create, session_create
from tests.factories import user_with_role
from tests.test_form_round_trip import _post_data, _values

from .test_agenda_services import make_activity

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _english_again():
    with translation.override("en"):
        yield


def _meeting(by=None, **over):
    data = dict(slug="minsk-2030", kind="panel_meeting", title={"en": "Panel meeting", "ru": "Встреча панели"},
                start_date=D(2030, 12, 7), end_date=D(2030, 12, 8), city="Minsk", time_zone="Europe/Minsk",
                country=Country.objects.get(code="BY"), is_public=True, registration="open", capacity=40,
                speaker_deadline=datetime.datetime(2030, 12, 1, 15, 30, tzinfo=datetime.UTC),
                registration_closes_at=datetime.datetime(2030, 12, 5, 20, 0, tzinfo=datetime.UTC))
    data.update(over)
    meeting = meeting_create(by=by, **data)
    meeting.host_countries.set(Country.objects.filter(code__in=["BY", "LT"]))
    return meeting


def _agenda(meeting):
    session = session_create(meeting=meeting, by=None, title={"en": "Opening"}, day=meeting.start_date,
                             starts_at=datetime.time(9), ends_at=datetime.time(10))
    contribution = contribution_create(session=session, by=None, speaker_name="Ms A", speaker_email="a@example.org")
    note = note_create(session=session, by=None, question="Why?")
    return session, contribution, note


def _form_data(**over):
    data = {"kind": "round_table", "title_en": "Round-table on returns", "start_date": "2030-05-04",
            "end_date": "2030-05-05", "time_zone": "Europe/Vilnius", "city": "Vilnius",
            "country": str(Country.objects.get(code="LT").pk), "registration": "none", "idempotency_key": "form-1"}
    data.update(over)
    return data


# ---------------------------------------------------------------- access per role


def _routes(meeting, session, contribution, note):
    s = meeting.slug
    return [
        ("get", reverse("events:agenda_meeting_create")),
        ("get", reverse("events:agenda_meeting_edit", args=[s])),
        ("get", reverse("events:agenda_editor", args=[s])),
        ("get", reverse("events:agenda_meeting_cancel", args=[s])),
        ("get", reverse("events:agenda_session_add", args=[s])),
        ("get", reverse("events:agenda_session_edit", args=[s, session.pk])),
        ("get", reverse("events:agenda_contribution_add", args=[s, session.pk])),
        ("get", reverse("events:agenda_contribution_edit", args=[s, contribution.pk])),
        ("get", reverse("events:agenda_note_add", args=[s, session.pk])),
        ("get", reverse("events:agenda_note_edit", args=[s, note.pk])),
        ("post", reverse("events:agenda_session_move", args=[s, session.pk])),
        ("post", reverse("events:agenda_session_delete", args=[s, session.pk])),
        ("post", reverse("events:agenda_contribution_move", args=[s, contribution.pk])),
        ("post", reverse("events:agenda_contribution_delete", args=[s, contribution.pk])),
        ("post", reverse("events:agenda_speaker_link", args=[s, contribution.pk])),
        ("post", reverse("events:agenda_note_move", args=[s, note.pk])),
        ("post", reverse("events:agenda_note_delete", args=[s, note.pk])),
        ("post", reverse("events:agenda_meeting_held", args=[s])),
    ]


@pytest.mark.parametrize("role", ["admin", "officer"])
def test_staff_open_every_editor_page(client, role):
    meeting = _meeting()
    routes = _routes(meeting, *_agenda(meeting))
    client.force_login(user_with_role(role))
    for method, url in routes:
        response = getattr(client, method)(url)
        # GET pages answer 200; the POSTs without confirmation answer their confirmation page or come back
        assert response.status_code in (200, 302), (url, response.status_code)


@pytest.mark.parametrize("role", ["committee", "expert", "observer"])
def test_other_roles_are_refused_and_nothing_changes(client, role):
    meeting = _meeting()
    session, contribution, note = _agenda(meeting)
    client.force_login(user_with_role(role))
    for method, url in _routes(meeting, session, contribution, note):
        response = getattr(client, method)(url, {"confirmed": "1", "direction": "up"} if method == "post" else None)
        assert response.status_code == 403, url
    assert (Session.objects.count(), Contribution.objects.count(), DiscussionNote.objects.count()) == (1, 1, 1)
    assert Contribution.objects.get().speaker_token is None
    assert Meeting.objects.get().status == "planned"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    meeting = _meeting()
    for method, url in _routes(meeting, *_agenda(meeting)):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_staff_of_another_meeting_slug_get_404_for_foreign_items(client, officer):
    meeting = _meeting()
    other = _meeting(slug="other-2030")
    session, contribution, _note = _agenda(other)
    client.force_login(officer)
    assert client.get(reverse("events:agenda_session_edit", args=[meeting.slug, session.pk])).status_code == 404
    assert client.post(reverse("events:agenda_contribution_delete", args=[meeting.slug, contribution.pk]),
                       {"confirmed": "1"}).status_code == 404
    assert Contribution.objects.count() == 1


# ---------------------------------------------------------------- creating and changing


def test_officer_creates_a_meeting_in_the_browser_once_despite_a_double_submit(client, officer):
    client.force_login(officer)
    hosts = [str(c.pk) for c in Country.objects.filter(code__in=["BY", "LT"])]
    data = _form_data(host_countries=hosts, speaker_deadline_on="2030-05-01", speaker_deadline_time="18:00")

    first = client.post(reverse("events:agenda_meeting_create"), data)
    second = client.post(reverse("events:agenda_meeting_create"), data)

    meeting = Meeting.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("events:detail", args=[meeting.slug])
    assert meeting.slug == "2030-round-table-on-returns"
    assert sorted(meeting.host_countries.values_list("code", flat=True)) == ["BY", "LT"]
    # 18:00 in Vilnius (UTC+3 in May) is 15:00 UTC
    assert meeting.speaker_deadline == datetime.datetime(2030, 5, 1, 15, 0, tzinfo=datetime.UTC)


def test_invalid_form_shows_the_error_summary_in_the_users_language(client, officer):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post(reverse("events:agenda_meeting_create"), _form_data(time_zone="Mars/Olympus",
                                                                                end_date="2030-05-01"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_end_date"' in html and 'href="#id_time_zone"' in html
    assert response.headers["Content-Language"] == "fr"
    assert Meeting.objects.count() == 0


def test_hostile_title_is_escaped(client, officer):
    client.force_login(officer)
    client.post(reverse("events:agenda_meeting_create"), _form_data(title_en="<script>alert(1)</script>"))
    meeting = Meeting.objects.get()
    html = client.get(reverse("events:agenda_meeting_edit", args=[meeting.slug])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("lang", ["en", "fr", "ru"])
def test_edit_form_round_trips_unchanged(client, officer, lang):
    meeting = _meeting()
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    url = reverse("events:agenda_meeting_edit", args=[meeting.slug])
    before = _values(meeting, m2m=["host_countries", "languages", "themes"])
    updates = AuditEvent.objects.for_object(meeting).filter(action=AuditEvent.Action.UPDATE).count()

    data = _post_data(client.get(url).content.decode(), action=url, marker="speaker_deadline_on", button=None)
    response = client.post(url, data)

    assert response.status_code == 302
    assert _values(meeting, m2m=["host_countries", "languages", "themes"]) == before
    assert Meeting.objects.get(pk=meeting.pk).ics_sequence == 0
    assert AuditEvent.objects.for_object(meeting).filter(action=AuditEvent.Action.UPDATE).count() == updates


def test_plan_the_meeting_from_an_activity(client, officer):
    activity = make_activity()
    client.force_login(officer)
    page = client.get(reverse("actions:activity", args=[activity.action.code, activity.pk]))
    plan = reverse("events:agenda_meeting_create") + f"?activity={activity.pk}"
    assert plan in page.content.decode()

    form = client.get(plan).context["form"]
    assert form.initial["title"] == {"en": "Workshop on returns"}
    assert (form.initial["start_date"], form.initial["city"], form.initial["activity"]) == (
        activity.start_date, "Dakar", activity.pk)
    assert sorted(form.initial["languages"]) == sorted(activity.languages.values_list("pk", flat=True))

    client.post(plan, _form_data(activity=str(activity.pk)))
    meeting = Meeting.objects.get()
    assert meeting.activity_id == activity.pk
    page = client.get(reverse("actions:activity", args=[activity.action.code, activity.pk]))
    assert reverse("events:detail", args=[meeting.slug]) in page.content.decode()
    assert plan not in page.content.decode()


def test_cancel_asks_for_confirmation_then_cancels(client, officer):
    meeting = _meeting()
    client.force_login(officer)
    url = reverse("events:agenda_meeting_cancel", args=[meeting.slug])
    confirm = client.post(url, {"reason": "Venue closed"})
    assert confirm.status_code == 200 and "Venue closed" in confirm.content.decode()
    assert Meeting.objects.get().status == "planned"
    client.post(url, {"reason": "Venue closed", "confirmed": "1"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_reason, meeting.ics_sequence) == ("cancelled", "Venue closed", 1)


# ---------------------------------------------------------------- the agenda editor


def test_agenda_editor_adds_moves_and_deletes_with_confirmation(client, officer):
    meeting = _meeting()
    client.force_login(officer)
    s = meeting.slug
    for title, key in (("Opening", "a"), ("Session one", "b"), ("Session one", "b")):  # the last: a double submit
        client.post(reverse("events:agenda_session_add", args=[s]),
                    {"kind": "session", "title_en": title, "day": "2030-12-07", "starts_at": "09:00",
                     "ends_at": "10:30", "idempotency_key": key})
    assert list(meeting.sessions.order_by("order").values_list("title", flat=True)) == [
        {"en": "Opening"}, {"en": "Session one"}]
    second = meeting.sessions.get(order=2)

    moved = client.post(reverse("events:agenda_session_move", args=[s, second.pk]), {"direction": "up"},
                        headers={"HX-Request": "true"})
    assert moved.status_code == 200 and b'id="agenda-editor"' in moved.content and b"<html" not in moved.content
    assert list(meeting.sessions.order_by("order").values_list("title", flat=True)) == [
        {"en": "Session one"}, {"en": "Opening"}]

    delete_url = reverse("events:agenda_session_delete", args=[s, second.pk])
    assert client.post(delete_url).status_code == 200  # the confirmation page
    assert meeting.sessions.count() == 2
    client.post(delete_url, {"confirmed": "1"})
    assert list(meeting.sessions.values_list("title", flat=True)) == [{"en": "Opening"}]


def test_editor_adds_contribution_note_and_sends_the_speaker_link(client, officer):
    meeting = _meeting()
    session = session_create(meeting=meeting, by=None, title={"en": "Opening"}, day=meeting.start_date)
    client.force_login(officer)
    s = meeting.slug
    client.post(reverse("events:agenda_contribution_add", args=[s, session.pk]),
                {"speaker_name": "Ms A", "speaker_role": "Ministry", "speaker_email": "a@example.org",
                 "country": str(Country.objects.get(code="BY").pk), "title_en": "Returns"})
    client.post(reverse("events:agenda_note_add", args=[s, session.pk]),
                {"question": "How many?", "asked_by": "Mr B", "answer": "Three hundred."})
    contribution = Contribution.objects.get()
    client.post(reverse("events:agenda_speaker_link", args=[s, contribution.pk]))
    contribution.refresh_from_db()
    assert (contribution.speaker_name, contribution.country.code) == ("Ms A", "BY")
    assert DiscussionNote.objects.get().answer == "Three hundred."
    assert contribution.speaker_token and contribution.speaker_link_sent_at

    editor = client.get(reverse("events:agenda_editor", args=[s])).content.decode()
    assert "Ms A" in editor and "How many?" in editor and contribution.speaker_token not in editor


def test_meeting_page_shows_the_staff_tools_to_staff_only(client, officer, observer):
    meeting = _meeting()
    client.force_login(officer)
    assert reverse("events:agenda_editor", args=[meeting.slug]) in client.get(
        reverse("events:detail", args=[meeting.slug])).content.decode()
    client.force_login(observer)
    assert reverse("events:agenda_editor", args=[meeting.slug]) not in client.get(
        reverse("events:detail", args=[meeting.slug])).content.decode()


def test_mark_held_with_confirmation(client, officer):
    meeting = _meeting(slug="past", start_date=timezone.localdate() - datetime.timedelta(days=2),
                       end_date=timezone.localdate() - datetime.timedelta(days=1), registration_closes_at=None,
                       speaker_deadline=None)
    client.force_login(officer)
    url = reverse("events:agenda_meeting_held", args=[meeting.slug])
    assert client.post(url).status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).status == "planned"
    client.post(url, {"confirmed": "1"})
    assert Meeting.objects.get(pk=meeting.pk).status == "held"


def test_agenda_editor_query_count_is_flat(client, officer):
    from tests.queries import assert_flat, count_queries

    meeting = _meeting()
    _agenda(meeting)
    client.force_login(officer)
    url = reverse("events:agenda_editor", args=[meeting.slug])
    small, response = count_queries(lambda: client.get(url, headers={"HX-Request": "true"}))
    assert response.status_code == 200
    for _ in range(4):
        session, _c, _n = _agenda(meeting)
        contribution_create(session=session, by=None, speaker_name="Mr C", country=Country.objects.get(code="LT"))
        note_create(session=session, by=None, question="And?", country=Country.objects.get(code="BY"))
    large, response = count_queries(lambda: client.get(url, headers={"HX-Request": "true"}))
    assert response.content.decode().count('class="agenda-editor__session"') == 5
    assert_flat(small, large)
