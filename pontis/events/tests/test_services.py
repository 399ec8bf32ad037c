import datetime

import pytest
from django.utils import timezone

from pontis.core.errors import Conflict, IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Country, ThematicArea
from pontis.events.models import Contribution, Meeting, Session
from pontis.events.services import (
    contribution_create,
    meeting_create,
    meeting_mark_held,
    meeting_update,
    session_create,
)

from .factories import make_meeting

pytestmark = pytest.mark.django_db

D = datetime.date


def _kwargs(**over):
    data = dict(slug="2016-minsk", kind="panel_meeting", title={"en": "Panel Meeting on Migration Strategies", "xx": "dropped"},
                start_date=D(2016, 12, 7), end_date=D(2016, 12, 8), city="Minsk")
    data.update(over)
    return data


def test_officer_creates_a_meeting_with_hosts_and_an_audit_row(officer):
    # given two host countries and a theme
    by, lt = Country.objects.get(code="BY"), Country.objects.get(code="LT")
    # when an officer creates the meeting
    meeting = meeting_create(by=officer, country=by, host_countries=[by, lt], themes=[ThematicArea.objects.get(code="horizontal")],
                             **_kwargs())
    # then it is stored, planned, with its region taken from the country, and audited with the m2m values
    assert meeting.title == {"en": "Panel Meeting on Migration Strategies"}
    assert meeting.status == Meeting.Status.PLANNED
    assert meeting.region.code == "eu_neighbourhood"
    assert sorted(meeting.host_countries.values_list("code", flat=True)) == ["BY", "LT"]
    event = AuditEvent.objects.for_object(meeting).get()
    assert event.action == "create"
    assert event.actor == officer
    assert event.changes["host_countries"] == [None, sorted([by.pk, lt.pk])]


@pytest.mark.parametrize("role", ["committee", "focal_point", "expert", "observer"])
def test_non_staff_may_not_create_a_meeting(make_user, role):
    user = make_user(role)
    with pytest.raises(NotAllowed):
        meeting_create(by=user, **_kwargs())
    assert Meeting.objects.count() == 0
    assert AuditEvent.objects.filter(content_type__model="meeting").count() == 0


@pytest.mark.parametrize(
    "over, field",
    [
        ({"title": {}}, "title"),
        ({"title": {"en": "   "}}, "title"),
        ({"kind": "party"}, "kind"),
        ({"end_date": D(2016, 12, 6)}, "end_date"),
        ({"city": ""}, "city"),
        ({"slug": "not a slug!"}, "slug"),
        ({"start_date": "2016-12-07"}, "start_date"),
    ],
)
def test_invalid_meeting_is_refused_and_nothing_is_written(officer, over, field):
    with pytest.raises(ValidationFailed) as info:
        meeting_create(by=officer, **_kwargs(**over))
    assert info.value.field == field
    assert Meeting.objects.count() == 0


def test_online_consultation_needs_no_city(officer):
    meeting = meeting_create(by=officer, **_kwargs(kind="online_consultation", city=""))
    assert meeting.is_online is True


def test_same_short_name_twice_is_a_conflict(officer):
    meeting_create(by=officer, **_kwargs())
    with pytest.raises(Conflict):
        meeting_create(by=officer, **_kwargs(title={"en": "Again"}))
    assert Meeting.objects.count() == 1


def test_a_future_meeting_cannot_be_created_as_held(officer):
    start = timezone.localdate() + datetime.timedelta(days=10)
    with pytest.raises(ValidationFailed):
        meeting_create(by=officer, held=True, **_kwargs(start_date=start, end_date=start))
    assert Meeting.objects.count() == 0


def test_update_records_field_level_changes(officer):
    meeting = make_meeting()
    meeting_update(meeting=meeting, by=officer, city="Chiang Mai", title={"en": "New title", "fr": "Nouveau titre"})
    meeting.refresh_from_db()
    assert meeting.city == "Chiang Mai"
    event = AuditEvent.objects.for_object(meeting).filter(action="update").get()
    assert event.changes["city"] == ["Bangkok", "Chiang Mai"]
    assert event.changes["title"][1] == {"en": "New title", "fr": "Nouveau titre"}


def test_update_by_non_staff_changes_nothing(committee_member):
    meeting = make_meeting()
    with pytest.raises(NotAllowed):
        meeting_update(meeting=meeting, by=committee_member, city="Elsewhere")
    meeting.refresh_from_db()
    assert meeting.city == "Bangkok"
    assert AuditEvent.objects.for_object(meeting).filter(action="update").count() == 0


def test_update_with_invalid_dates_or_unknown_field_is_refused(officer):
    meeting = make_meeting()
    with pytest.raises(ValidationFailed):
        meeting_update(meeting=meeting, by=officer, end_date=D(2000, 1, 1))
    with pytest.raises(ValidationFailed):
        meeting_update(meeting=meeting, by=officer, status="held")
    meeting.refresh_from_db()
    assert meeting.end_date == D(2018, 3, 6)


def test_mark_held_moves_a_planned_past_meeting_and_audits_the_transition(officer):
    meeting = make_meeting(held=False)
    meeting_mark_held(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    assert meeting.status == "held"
    event = AuditEvent.objects.for_object(meeting).get(action="transition")
    assert event.changes == {"status": ["planned", "held"]}


def test_mark_held_twice_is_an_illegal_transition(officer):
    meeting = make_meeting(held=True)
    with pytest.raises(IllegalTransition):
        meeting_mark_held(meeting=meeting, by=officer)
    assert AuditEvent.objects.for_object(meeting).filter(action="transition").count() == 0


def test_mark_held_before_the_first_day_is_refused(officer):
    meeting = make_meeting(held=False, start=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(ValidationFailed):
        meeting_mark_held(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_mark_held_by_observer_is_refused(observer):
    meeting = make_meeting(held=False)
    with pytest.raises(NotAllowed):
        meeting_mark_held(meeting=meeting, by=observer)
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_sessions_and_contributions_are_ordered_and_audited(officer):
    meeting = make_meeting()
    first = session_create(meeting=meeting, by=officer, title={"en": "Opening"}, day=D(2018, 3, 5))
    second = session_create(meeting=meeting, by=officer, title={"en": "Trends"}, day=D(2018, 3, 6), number=1, moderator=" Ms X ")
    talk = contribution_create(session=second, by=officer, speaker_name=" Ana ", speaker_role="DGME",
                               country=Country.objects.get(code="CR"), title={"en": "Protocol"})
    assert (first.order, second.order, second.moderator) == (1, 2, "Ms X")
    assert (talk.order, talk.speaker_name) == (1, "Ana")
    assert AuditEvent.objects.for_object(second).get().action == "create"
    assert AuditEvent.objects.for_object(talk).get().action == "create"


def test_session_day_outside_the_meeting_is_refused(officer):
    meeting = make_meeting()
    with pytest.raises(ValidationFailed):
        session_create(meeting=meeting, by=officer, title={"en": "Late"}, day=D(2018, 3, 9))
    with pytest.raises(ValidationFailed):
        session_create(meeting=meeting, by=officer, title={}, day=D(2018, 3, 5))
    assert Session.objects.count() == 0


def test_session_order_taken_is_a_conflict(officer):
    meeting = make_meeting()
    session_create(meeting=meeting, by=officer, title={"en": "A"}, day=D(2018, 3, 5), order=1)
    with pytest.raises(Conflict):
        session_create(meeting=meeting, by=officer, title={"en": "B"}, day=D(2018, 3, 5), order=1)
    assert Session.objects.count() == 1


def test_agenda_changes_by_non_staff_are_refused(expert_user):
    meeting = make_meeting()
    with pytest.raises(NotAllowed):
        session_create(meeting=meeting, by=expert_user, title={"en": "A"}, day=D(2018, 3, 5))
    session = session_create(meeting=meeting, by=None, title={"en": "A"}, day=D(2018, 3, 5))
    with pytest.raises(NotAllowed):
        contribution_create(session=session, by=expert_user, speaker_name="Someone")
    assert Session.objects.count() == 1
    assert Contribution.objects.count() == 0


def test_contribution_without_speaker_is_refused(officer):
    session = session_create(meeting=make_meeting(), by=officer, title={"en": "A"}, day=D(2018, 3, 5))
    with pytest.raises(ValidationFailed):
        contribution_create(session=session, by=officer, speaker_name="  ")
    assert Contribution.objects.count() == 0
