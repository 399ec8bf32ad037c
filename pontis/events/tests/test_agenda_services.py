"""Services of the meeting and agenda editors: happy paths, each refusal (nothing changed), validation, double
submits, the calendar sequence, reordering and the speakers' links."""

import datetime

import pytest
from django.utils import timezone

from pontis.actions.models import Action, Activity
from pontis.core.errors import Conflict, IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import ActivityType, AuditEvent, Country, Language, OutboxEmail
from pontis.events.models import Contribution, DiscussionNote, Meeting, Session
from pontis.events.services import (
    contribution_create,
    contribution_delete,
    contribution_move,
    contribution_update,
    meeting_cancel,
    meeting_create,
    meeting_mark_held,
    meeting_touch_calendar,
    meeting_update,
    note_create,
    note_move,
    session_create,
    session_delete,
    session_move,
    session_update,
    speaker_link_send,
)

from .factories import make_meeting

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.time


def _new(officer, **over):
    data = dict(kind="panel_meeting", title={"en": "Panel meeting in Minsk"}, start_date=D(2030, 12, 7),
                end_date=D(2030, 12, 8), city="Minsk", slug="", time_zone="Europe/Minsk")
    data.update(over)
    return meeting_create(by=officer, **data)


def test_officer_creates_a_co_hosted_meeting_with_all_its_settings(officer):
    by, lt = Country.objects.get(code="BY"), Country.objects.get(code="LT")
    deadline = datetime.datetime(2030, 12, 1, 18, 0, tzinfo=datetime.UTC)

    meeting = _new(officer, country=by, host_countries=[by, lt], registration="open", capacity=40,
                   registration_closes_at=deadline, self_check_in=True, speaker_deadline=deadline)

    assert meeting.slug == "2030-panel-meeting-in-minsk"
    assert sorted(c.code for c in meeting.host_countries.all()) == ["BY", "LT"]
    assert (meeting.time_zone, meeting.registration, meeting.capacity, meeting.self_check_in) == (
        "Europe/Minsk", "open", 40, True)
    assert meeting.speaker_deadline == deadline
    assert AuditEvent.objects.filter(object_id=str(meeting.pk), action="create").count() == 1


def test_a_generated_short_name_that_is_taken_gets_a_number(officer):
    first = _new(officer)
    second = _new(officer)
    assert (first.slug, second.slug) == ("2030-panel-meeting-in-minsk", "2030-panel-meeting-in-minsk-2")


def test_double_submit_with_the_same_key_creates_one_meeting(officer):
    first = _new(officer, idempotency_key="k-1")
    second = _new(officer, idempotency_key="k-1")
    assert first.pk == second.pk
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("over,field", [
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"time_zone": ""}, "time_zone"),
    ({"capacity": 10}, "capacity"),  # capacity without registration
    ({"self_check_in": True}, "self_check_in"),
    ({"registration": "open", "registration_closes_at": datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)},
     "registration_closes_at"),
    ({"end_date": D(2030, 12, 1)}, "end_date"),
    ({"title": {}}, "title"),
])
def test_invalid_meeting_names_the_field_and_writes_nothing(officer, over, field):
    with pytest.raises(ValidationFailed) as caught:
        _new(officer, **over)
    assert caught.value.field == field
    assert Meeting.objects.count() == 0


def make_activity(**over):
    """An Action activity, two months ahead, in Senegal, in English and French."""
    start = timezone.localdate() + datetime.timedelta(days=60)
    action = Action.objects.create(code=over.pop("code", "2099-01"), title={"en": "Action"}, start_date=start)
    data = dict(action=action, type=ActivityType.objects.get(code="workshop"), title={"en": "Workshop on returns"},
                start_date=start, end_date=start + datetime.timedelta(days=1), place="Dakar",
                country=Country.objects.get(code="SN"))
    data.update(over)
    activity = Activity.objects.create(**data)
    activity.languages.set(Language.objects.filter(code__in=["en", "fr"]))
    return activity


def test_one_meeting_per_activity(officer):
    activity = make_activity()
    first = _new(officer, activity=activity)

    with pytest.raises(ValidationFailed) as caught:
        _new(officer, activity=activity, slug="another")
    assert caught.value.field == "activity"
    assert list(Meeting.objects.values_list("pk", flat=True)) == [first.pk]


@pytest.mark.parametrize("role", ["committee", "focal_point", "expert", "observer"])
def test_only_staff_create_change_cancel(make_user, officer, role):
    meeting = _new(officer)
    person = make_user(role)
    with pytest.raises(NotAllowed):
        _new(person, slug="x")
    with pytest.raises(NotAllowed):
        meeting_update(meeting=meeting, by=person, city="Vilnius")
    with pytest.raises(NotAllowed):
        meeting_cancel(meeting=meeting, by=person, reason="No")
    meeting.refresh_from_db()
    assert (Meeting.objects.count(), meeting.city, meeting.status, meeting.ics_sequence) == (1, "Minsk", "planned", 0)


def test_calendar_sequence_grows_on_calendar_changes_only(officer):
    meeting = _new(officer)
    meeting_update(meeting=meeting, by=officer, organisers="The facility")
    meeting.refresh_from_db()
    assert meeting.ics_sequence == 0
    meeting_update(meeting=meeting, by=officer, city="Vilnius")
    meeting.refresh_from_db()
    assert meeting.ics_sequence == 1
    meeting_update(meeting=meeting, by=officer, city="Vilnius")  # unchanged: no new sequence
    meeting.refresh_from_db()
    assert meeting.ics_sequence == 1
    assert meeting_touch_calendar(meeting) == 2


def test_cancel_needs_a_reason_then_moves_once_and_bumps_the_sequence(officer):
    meeting = _new(officer)
    with pytest.raises(ValidationFailed):
        meeting_cancel(meeting=meeting, by=officer, reason="  ")
    meeting_cancel(meeting=meeting, by=officer, reason="Venue closed")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_reason, meeting.ics_sequence) == ("cancelled", "Venue closed", 1)
    with pytest.raises(IllegalTransition):
        meeting_cancel(meeting=meeting, by=officer, reason="Again")
    with pytest.raises(IllegalTransition):
        meeting_mark_held(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.ics_sequence) == ("cancelled", 1)


def test_mark_held_bumps_the_sequence(officer):
    meeting = make_meeting(held=False, start=timezone.localdate() - datetime.timedelta(days=3))
    meeting_mark_held(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.ics_sequence) == ("held", 1)


# ---------------------------------------------------------------- agenda


def _session(meeting, officer, **over):
    data = dict(title={"en": "Opening"}, day=meeting.start_date, kind="opening", starts_at=T(9, 0), ends_at=T(9, 30))
    data.update(over)
    return session_create(meeting=meeting, by=officer, **data)


def test_sessions_with_times_business_and_summary(officer):
    meeting = _new(officer)
    opening = _session(meeting, officer)
    business = _session(meeting, officer, kind="business", title={"en": "General business"}, starts_at=None,
                        ends_at=None, summary={"en": "Next host: Lithuania"})
    assert [(s.order, s.kind) for s in meeting.sessions.order_by("order")] == [(1, "opening"), (2, "business")]
    assert business.summary == {"en": "Next host: Lithuania"}
    assert opening.starts_at == T(9, 0)
    meeting.refresh_from_db()
    assert meeting.ics_sequence == 1  # the timed session changed what a calendar shows


@pytest.mark.parametrize("over,field", [
    ({"day": D(2030, 12, 9)}, "day"),
    ({"ends_at": T(8, 0)}, "ends_at"),
    ({"title": {}}, "title"),
    ({"kind": "party"}, "kind"),
])
def test_invalid_session_is_refused(officer, over, field):
    meeting = _new(officer)
    with pytest.raises(ValidationFailed) as caught:
        _session(meeting, officer, **over)
    assert caught.value.field == field
    assert Session.objects.count() == 0


def test_session_update_and_refusal(officer, observer):
    meeting = _new(officer)
    session = _session(meeting, officer)
    session_update(session=session, by=officer, moderator="Ms Kowalska", title={"en": "Welcome"})
    session.refresh_from_db()
    assert (session.moderator, session.title) == ("Ms Kowalska", {"en": "Welcome"})
    with pytest.raises(NotAllowed):
        session_update(session=session, by=observer, moderator="X")
    session.refresh_from_db()
    assert session.moderator == "Ms Kowalska"


def test_moving_sessions_swaps_neighbours_and_stops_at_the_ends(officer):
    meeting = _new(officer)
    a, b, c = (_session(meeting, officer, title={"en": n}, starts_at=None, ends_at=None) for n in "ABC")
    session_move(session=c, by=officer, direction="up")
    assert [s.title["en"] for s in meeting.sessions.order_by("order")] == ["A", "C", "B"]
    with pytest.raises(IllegalTransition):
        session_move(session=a, by=officer, direction="up")
    with pytest.raises(ValidationFailed):
        session_move(session=a, by=officer, direction="sideways")
    assert [s.title["en"] for s in meeting.sessions.order_by("order")] == ["A", "C", "B"]


def test_contributions_notes_order_update_and_delete(officer):
    meeting = _new(officer)
    session = _session(meeting, officer)
    first = contribution_create(session=session, by=officer, speaker_name="Ms A", country=Country.objects.get(code="BY"),
                                title={"en": "Border management"}, speaker_email="a@example.org")
    second = contribution_create(session=session, by=officer, speaker_name="Mr B")
    contribution_move(contribution=second, by=officer, direction="up")
    assert list(session.contributions.order_by("order").values_list("speaker_name", flat=True)) == ["Mr B", "Ms A"]
    contribution_update(contribution=first, by=officer, speaker_role="Ministry of the Interior")
    first.refresh_from_db()
    assert first.speaker_role == "Ministry of the Interior"
    contribution_delete(contribution=second, by=officer)
    assert list(session.contributions.values_list("speaker_name", flat=True)) == ["Ms A"]

    n1 = note_create(session=session, by=officer, question="How many returns?", asked_by="Ms C",
                     country=Country.objects.get(code="LT"), answer="About 300.", answered_by="Ms A")
    n2 = note_create(session=session, by=officer, question="Which budget?")
    note_move(note=n2, by=officer, direction="up")
    assert list(session.discussion.order_by("order").values_list("pk", flat=True)) == [n2.pk, n1.pk]
    with pytest.raises(ValidationFailed):
        note_create(session=session, by=officer, question=" ")
    assert DiscussionNote.objects.count() == 2


def test_contribution_refusals_change_nothing(officer, expert_user):
    meeting = _new(officer)
    session = _session(meeting, officer)
    with pytest.raises(ValidationFailed) as caught:
        contribution_create(session=session, by=officer, speaker_name="Ms A", speaker_email="not-an-address")
    assert caught.value.field == "speaker_email"
    with pytest.raises(NotAllowed):
        contribution_create(session=session, by=expert_user, speaker_name="Ms A")
    assert Contribution.objects.count() == 0


def test_double_submitted_agenda_items_are_made_once(officer):
    meeting = _new(officer)
    s1 = _session(meeting, officer, idempotency_key="s")
    s2 = _session(meeting, officer, idempotency_key="s")
    c1 = contribution_create(session=s1, by=officer, speaker_name="Ms A", idempotency_key="c")
    c2 = contribution_create(session=s1, by=officer, speaker_name="Ms A", idempotency_key="c")
    assert (s1.pk, c1.pk) == (s2.pk, c2.pk)
    assert (Session.objects.count(), Contribution.objects.count()) == (1, 1)


def test_deleting_a_session_deletes_its_items(officer):
    meeting = _new(officer)
    session = _session(meeting, officer)
    contribution_create(session=session, by=officer, speaker_name="Ms A")
    note_create(session=session, by=officer, question="Q?")
    session_delete(session=session, by=officer)
    assert (Session.objects.count(), Contribution.objects.count(), DiscussionNote.objects.count()) == (0, 0, 0)
    assert AuditEvent.objects.filter(action="delete", object_id=str(session.pk)).count() == 1


def test_speaker_link_is_made_once_emailed_and_never_audited(officer):
    meeting = _new(officer)
    session = _session(meeting, officer)
    contribution = contribution_create(session=session, by=officer, speaker_name="Ms A")
    with pytest.raises(ValidationFailed) as caught:
        speaker_link_send(contribution=contribution, by=officer)
    assert caught.value.field == "speaker_email"
    contribution_update(contribution=contribution, by=officer, speaker_email="a@example.org")

    speaker_link_send(contribution=contribution, by=officer)
    token = Contribution.objects.get(pk=contribution.pk).speaker_token
    speaker_link_send(contribution=contribution, by=officer)  # sent again: same link
    assert Contribution.objects.get(pk=contribution.pk).speaker_token == token
    speaker_link_send(contribution=contribution, by=officer, renew=True)
    renewed = Contribution.objects.get(pk=contribution.pk).speaker_token

    assert len(token) == 43 and renewed != token
    mails = list(OutboxEmail.objects.order_by("id"))
    assert [m.to for m in mails] == [["a@example.org"]] * 3
    assert f"/events/speaker/{token}/" in mails[0].body and f"/events/speaker/{renewed}/" in mails[2].body
    rows = " ".join(str(e.changes) + e.note for e in AuditEvent.objects.all())
    assert token not in rows and renewed not in rows


def test_speaker_link_by_non_staff_is_refused(officer, committee_member):
    meeting = _new(officer)
    contribution = contribution_create(session=_session(meeting, officer), by=officer, speaker_name="Ms A",
                                       speaker_email="a@example.org")
    with pytest.raises(NotAllowed):
        speaker_link_send(contribution=contribution, by=committee_member)
    contribution.refresh_from_db()
    assert contribution.speaker_token is None and OutboxEmail.objects.count() == 0


def test_conflicting_order_is_refused(officer):
    meeting = _new(officer)
    _session(meeting, officer, order=5)
    with pytest.raises(Conflict):
        _session(meeting, officer, order=5)
    assert Session.objects.count() == 1
