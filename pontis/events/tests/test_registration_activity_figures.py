"""When a meeting takes registrations, its attendance IS the activity's participant figures: written on every
check-in, shown read-only in the activity report form, and a report cannot overwrite them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pontis.actions import services as action_services
from pontis.actions.forms import ReportForm
from pontis.actions.models import Activity
from pontis.actions.tests.factories import agreed_action
from pontis.core import registry
from pontis.core.models import Country
from pontis.events import services
from pontis.events.models import Meeting
from pontis.events.tests.factories import make_meeting

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def delivered(officer, focal_point, institution):
    action = agreed_action(officer, focal_point, institution)
    activity = action.activities.order_by("sequence").first()
    start = timezone.localdate() - 5 * DAY
    action_services.activity_update(activity=activity, by=officer, start_date=start, end_date=start + DAY)
    action_services.activity_confirm(activity=activity, by=officer)
    action_services.activity_deliver(activity=activity, by=officer, delivered_on=start + DAY)
    return Activity.objects.get(pk=activity.pk)


def _meeting_with_attendance(activity, officer, registration="open"):
    meeting = make_meeting(held=False, start=timezone.localdate() + 20 * DAY)
    Meeting.objects.filter(pk=meeting.pk).update(registration=registration, activity=activity)
    meeting.refresh_from_db()
    for email, gender in (("w1@example.org", "woman"), ("w2@example.org", "woman"), ("m@example.org", "man"),
                          ("u@example.org", "unstated")):
        reg, _ = services.registration_request(meeting=meeting, name=email, email=email, gender=gender,
                                               institution_name="Ministry", country=Country.objects.get(code="BY"))
        services.registration_decide(registration=reg, by=officer, decision="approve")
        services.attendance_check_in(registration=reg, day=meeting.start_date, by=officer)
    return meeting


def test_the_hook_says_where_the_figures_come_from(delivered, officer):
    assert registry.activity_figures_locked(delivered) is None

    _meeting_with_attendance(delivered, officer)

    assert "attendance" in registry.activity_figures_locked(delivered)


def test_the_report_form_shows_the_figures_read_only(delivered, officer):
    _meeting_with_attendance(delivered, officer)
    delivered.refresh_from_db()

    form = ReportForm(activity=delivered)

    assert form.fields["participants_women"].disabled is True
    assert form.initial["participants_women"] == 2
    assert form.initial["participants_by_institution"] == "Ministry: 4"


def test_the_activity_page_shows_them_from_the_meetings_attendance(client, delivered, officer):
    _meeting_with_attendance(delivered, officer)
    client.force_login(officer)

    page = client.get(reverse("actions:activity", args=[delivered.action.code, delivered.pk])).content.decode()

    assert "From the meeting's attendance" in page
    assert 'name="participants_women"' in page and "disabled" in page


def test_a_report_keeps_the_attendance_figures_whatever_is_posted(client, delivered, officer):
    _meeting_with_attendance(delivered, officer)
    client.force_login(officer)

    client.post(reverse("actions:activity_move", args=[delivered.action.code, delivered.pk, "report"]), {
        "report": "Went well.", "participants_women": "40", "participants_men": "1", "participants_other": "0",
        "participants_by_institution": "Invented: 41"})

    activity = Activity.objects.get(pk=delivered.pk)
    assert activity.status == Activity.Status.REPORTED
    assert (activity.participants_women, activity.participants_men, activity.participants_other) == (2, 1, 1)
    assert activity.participants_by_institution == [{"institution": "Ministry", "count": 4}]


def test_without_registration_the_figures_stay_editable(client, delivered, officer):
    meeting = make_meeting(held=False)
    Meeting.objects.filter(pk=meeting.pk).update(activity=delivered)
    client.force_login(officer)

    client.post(reverse("actions:activity_move", args=[delivered.action.code, delivered.pk, "report"]), {
        "report": "Went well.", "participants_women": "7", "participants_men": "3", "participants_other": "0"})

    activity = Activity.objects.get(pk=delivered.pk)
    assert (activity.participants_women, activity.participants_men) == (7, 3)
    assert ReportForm(activity=activity).fields["participants_women"].disabled is False
