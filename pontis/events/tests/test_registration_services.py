"""Registration services: requests, decisions, capacity and the waiting list, withdrawals, check-in, figures."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Country, OutboxEmail
from pontis.events import services
from pontis.events.models import Attendance, Meeting, MeetingInvitation, Registration
from pontis.events.selectors.registration import attendance_per_day, attendance_totals
from pontis.events.services.registration import day_key, registration_code
from pontis.events.tests.factories import make_meeting
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

S = Registration.Status


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def open_meeting(*, capacity=None, mode="open", start=None, days=2, **extra):
    start = start or timezone.localdate() + datetime.timedelta(days=30)
    meeting = make_meeting(is_public=True, held=False, start=start, days=days)
    Meeting.objects.filter(pk=meeting.pk).update(registration=mode, capacity=capacity, **extra)
    meeting.refresh_from_db()
    return meeting


def ask(meeting, email="ana@example.org", gender="woman", institution="Ministry of Interior", country="BY", **extra):
    return services.registration_request(meeting=meeting, name=extra.pop("name", "Ana Petrova"), email=email,
                                         gender=gender, institution_name=institution,
                                         country=Country.objects.get(code=country), position=extra.pop("position", "Head of unit"),
                                         **extra)


def make_activity():
    """An Action's activity (the actions app's own models; the events app may not use the experts' factories)."""
    from pontis.actions.models import Action, Activity
    from pontis.core.models import ActivityType

    start = timezone.localdate() + datetime.timedelta(days=60)
    action = Action.objects.create(code="2099-77", title={"en": "Action"}, start_date=start)
    return Activity.objects.create(action=action, type=ActivityType.objects.get(code="workshop"),
                                   title={"en": "Workshop"}, start_date=start, end_date=start + datetime.timedelta(days=2))


@pytest.fixture
def officer():
    return user_with_role("officer")


# ---------------------------------------------------------------- requests


def test_a_request_is_pending_audited_and_emails_the_personal_link():
    meeting = open_meeting()

    registration, created = ask(meeting, email="Ana@Example.org ")

    assert created is True
    assert registration.status == S.PENDING
    assert registration.email == "ana@example.org"
    assert len(registration.token) == 43
    mail = OutboxEmail.objects.get(key=f"meeting-registration-{registration.pk}")
    assert mail.to == ["ana@example.org"]
    assert f"/events/r/{registration.token}/" in mail.body
    assert registration_code(registration) in mail.body
    row = AuditEvent.objects.get(object_id=str(registration.pk), action="create",
                                 content_type__model="registration")
    assert "token" not in row.changes
    assert registration.token not in str(row.changes)


def test_a_second_request_with_the_same_email_answers_the_first_and_stores_nothing():
    meeting = open_meeting()
    first, _ = ask(meeting)

    again, created = ask(meeting, email="ANA@example.org", name="Someone Else", gender="man")

    assert created is False
    assert again.pk == first.pk
    assert Registration.objects.filter(meeting=meeting).count() == 1
    assert Registration.objects.get(pk=first.pk).name == "Ana Petrova"


def test_a_request_after_registration_closed_is_refused_and_nothing_is_stored():
    meeting = open_meeting(registration_closes_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(IllegalTransition):
        ask(meeting)

    assert Registration.objects.count() == 0


def test_a_meeting_without_registration_refuses_requests():
    meeting = open_meeting(mode="none")

    with pytest.raises(IllegalTransition):
        ask(meeting)

    assert Registration.objects.count() == 0


def test_a_cancelled_meeting_refuses_requests():
    meeting = open_meeting(status="cancelled")

    with pytest.raises(IllegalTransition):
        ask(meeting)

    assert Registration.objects.count() == 0


def test_missing_answers_are_named():
    meeting = open_meeting()

    with pytest.raises(ValidationFailed) as info:
        services.registration_request(meeting=meeting, name="", email="x@example.org", gender="nope",
                                      institution_name="", country=None)

    assert set(info.value.errors) == {"name", "gender", "institution_name", "country"}
    assert Registration.objects.count() == 0


def test_an_invitation_meeting_needs_an_invitation_of_that_meeting_within_its_places(officer):
    meeting = open_meeting(mode="invitation")
    other = open_meeting(mode="invitation")
    invitation = services.invitation_create(meeting=meeting, by=officer, email="ministry@example.org", seats=2)
    foreign = services.invitation_create(meeting=other, by=officer, email="x@example.org")

    with pytest.raises(IllegalTransition):
        ask(meeting)
    with pytest.raises(IllegalTransition):
        ask(meeting, invitation=foreign)
    ask(meeting, email="a@example.org", invitation=invitation)
    ask(meeting, email="b@example.org", invitation=invitation)
    with pytest.raises(IllegalTransition):
        ask(meeting, email="c@example.org", invitation=invitation)

    assert sorted(Registration.objects.filter(meeting=meeting).values_list("email", flat=True)) == [
        "a@example.org", "b@example.org"]


def test_an_invitation_is_emailed_once_with_its_link_and_only_staff_invite(officer):
    meeting = open_meeting(mode="invitation")

    invitation = services.invitation_create(meeting=meeting, by=officer, email="Person@Example.org", name="Ms Person")

    mail = OutboxEmail.objects.get(key=f"meeting-invitation-{invitation.pk}")
    assert mail.to == ["person@example.org"]
    assert f"/events/invitation/{invitation.token}/" in mail.body
    assert invitation.sent_at is not None
    with pytest.raises(NotAllowed):
        services.invitation_create(meeting=meeting, by=user_with_role("focal_point"), email="y@example.org")
    assert MeetingInvitation.objects.count() == 1


# ---------------------------------------------------------------- decisions, capacity, waiting list


def test_staff_approve_wait_list_and_reject_with_audit_rows(officer):
    meeting = open_meeting()
    a, _ = ask(meeting, email="a@example.org")
    b, _ = ask(meeting, email="b@example.org")
    c, _ = ask(meeting, email="c@example.org")

    services.registration_decide(registration=a, by=officer, decision="approve")
    services.registration_decide(registration=b, by=officer, decision="waitlist")
    services.registration_decide(registration=c, by=officer, decision="reject", note="Not eligible")

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {"a@example.org": S.APPROVED, "b@example.org": S.WAITLISTED, "c@example.org": S.REJECTED}
    moves = AuditEvent.objects.filter(content_type__model="registration", action="transition")
    assert moves.count() == 3
    assert Registration.objects.get(pk=a.pk).decided_by == officer
    assert OutboxEmail.objects.filter(key=f"meeting-registration-{c.pk}-rejected").exists()


def test_a_non_staff_person_cannot_decide_and_nothing_changes():
    meeting = open_meeting()
    a, _ = ask(meeting)

    with pytest.raises(NotAllowed):
        services.registration_decide(registration=a, by=user_with_role("focal_point"), decision="approve")

    assert Registration.objects.get(pk=a.pk).status == S.PENDING


@pytest.mark.parametrize("start, decision", [(S.REJECTED, "approve"), (S.WITHDRAWN, "approve"),
                                             (S.APPROVED, "reject"), (S.APPROVED, "waitlist"),
                                             (S.REJECTED, "waitlist")])
def test_moves_the_table_refuses(officer, start, decision):
    meeting = open_meeting()
    a, _ = ask(meeting)
    Registration.objects.filter(pk=a.pk).update(status=start)
    a.refresh_from_db()

    with pytest.raises(IllegalTransition):
        services.registration_decide(registration=a, by=officer, decision=decision)

    assert Registration.objects.get(pk=a.pk).status == start


def test_an_unknown_decision_is_refused(officer):
    a, _ = ask(open_meeting())

    with pytest.raises(ValidationFailed):
        services.registration_decide(registration=a, by=officer, decision="maybe")

    assert Registration.objects.get(pk=a.pk).status == S.PENDING


def test_approvals_beyond_capacity_are_wait_listed(officer):
    meeting = open_meeting(capacity=2)
    regs = [ask(meeting, email=f"p{i}@example.org")[0] for i in range(4)]

    counts = services.registrations_decide(registrations=regs, by=officer, decision="approve")

    assert counts == {"approved": 2, "waitlisted": 2, "rejected": 0, "refused": 0}
    assert list(Registration.objects.order_by("requested_at", "id").values_list("status", flat=True)) == [
        S.APPROVED, S.APPROVED, S.WAITLISTED, S.WAITLISTED]


def test_bulk_decision_counts_refused_moves_and_keeps_them(officer):
    meeting = open_meeting()
    a, _ = ask(meeting, email="a@example.org")
    b, _ = ask(meeting, email="b@example.org")
    services.registration_decide(registration=a, by=officer, decision="reject")

    counts = services.registrations_decide(registrations=[a, b], by=officer, decision="approve")

    assert counts == {"approved": 1, "waitlisted": 0, "rejected": 0, "refused": 1}
    assert Registration.objects.get(pk=a.pk).status == S.REJECTED


def test_when_an_approved_person_withdraws_the_first_wait_listed_is_promoted(officer):
    meeting = open_meeting(capacity=1)
    a, _ = ask(meeting, email="a@example.org")
    b, _ = ask(meeting, email="b@example.org")
    c, _ = ask(meeting, email="c@example.org")
    services.registrations_decide(registrations=[a, b, c], by=officer, decision="approve")

    services.registration_withdraw(registration=a, token=a.token)

    assert dict(Registration.objects.values_list("email", "status")) == {
        "a@example.org": S.WITHDRAWN, "b@example.org": S.APPROVED, "c@example.org": S.WAITLISTED}
    assert OutboxEmail.objects.filter(key=f"meeting-registration-{b.pk}-approved").exists()


def test_a_wait_listed_person_withdrawing_promotes_nobody(officer):
    meeting = open_meeting(capacity=1)
    a, _ = ask(meeting, email="a@example.org")
    b, _ = ask(meeting, email="b@example.org")
    c, _ = ask(meeting, email="c@example.org")
    services.registrations_decide(registrations=[a, b, c], by=officer, decision="approve")

    services.registration_withdraw(registration=b, token=b.token)

    assert dict(Registration.objects.values_list("email", "status")) == {
        "a@example.org": S.APPROVED, "b@example.org": S.WITHDRAWN, "c@example.org": S.WAITLISTED}


def test_withdrawing_twice_is_refused_and_promotes_once(officer):
    meeting = open_meeting(capacity=1)
    a, _ = ask(meeting, email="a@example.org")
    b, _ = ask(meeting, email="b@example.org")
    c, _ = ask(meeting, email="c@example.org")
    services.registrations_decide(registrations=[a, b, c], by=officer, decision="approve")
    services.registration_withdraw(registration=a, token=a.token)

    with pytest.raises(IllegalTransition):
        services.registration_withdraw(registration=a, token=a.token)

    assert Registration.objects.filter(status=S.APPROVED).count() == 1
    assert Registration.objects.get(pk=c.pk).status == S.WAITLISTED


def test_adding_places_promotes_from_the_waiting_list_in_order(officer):
    meeting = open_meeting(capacity=1)
    regs = [ask(meeting, email=f"p{i}@example.org")[0] for i in range(4)]
    services.registrations_decide(registrations=regs, by=officer, decision="approve")

    promoted = services.registration_capacity_set(meeting=meeting, by=officer, capacity=3)

    assert [r.email for r in promoted] == ["p1@example.org", "p2@example.org"]
    assert Registration.objects.filter(status=S.APPROVED).count() == 3
    assert Meeting.objects.get(pk=meeting.pk).capacity == 3


def test_withdrawing_needs_the_link_or_the_account_or_staff(officer):
    meeting = open_meeting()
    a, _ = ask(meeting)

    with pytest.raises(NotAllowed):
        services.registration_withdraw(registration=a, token="wrong")
    with pytest.raises(NotAllowed):
        services.registration_withdraw(registration=a, by=user_with_role("focal_point"))
    assert Registration.objects.get(pk=a.pk).status == S.PENDING

    services.registration_withdraw(registration=a, by=officer)
    assert Registration.objects.get(pk=a.pk).status == S.WITHDRAWN


def test_a_signed_in_person_withdraws_their_own_registration():
    meeting = open_meeting()
    person = user_with_role("focal_point")
    a, _ = ask(meeting, by=person, email=person.email)
    colleague, _ = ask(meeting, by=person, email="colleague@example.org")

    services.registration_withdraw(registration=a, by=person)

    assert Registration.objects.get(pk=a.pk).status == S.WITHDRAWN
    assert colleague.user is None  # registering a colleague does not make their registration one's own
    with pytest.raises(NotAllowed):
        services.registration_withdraw(registration=colleague, by=person)
    assert Registration.objects.get(pk=colleague.pk).status == S.PENDING


# ---------------------------------------------------------------- attendance


def test_only_approved_people_are_checked_in_once_per_day(officer):
    meeting = open_meeting()
    a, _ = ask(meeting, email="a@example.org")
    b, _ = ask(meeting, email="b@example.org")
    services.registration_decide(registration=a, by=officer, decision="approve")

    first, created = services.attendance_check_in(registration=a, day=meeting.start_date, by=officer)
    again, created_again = services.attendance_check_in(registration=a, day=meeting.start_date, by=officer)
    with pytest.raises(IllegalTransition) as refused:
        services.attendance_check_in(registration=b, day=meeting.start_date, by=officer)

    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert "approved" in str(refused.value.message)
    assert Attendance.objects.count() == 1


def test_a_day_outside_the_meeting_is_refused(officer):
    meeting = open_meeting()
    a, _ = ask(meeting)
    services.registration_decide(registration=a, by=officer, decision="approve")

    with pytest.raises(ValidationFailed):
        services.attendance_check_in(registration=a, day=meeting.end_date + datetime.timedelta(days=1), by=officer)

    assert Attendance.objects.count() == 0


def test_non_staff_cannot_check_in_and_nothing_is_recorded(officer):
    meeting = open_meeting()
    a, _ = ask(meeting)
    services.registration_decide(registration=a, by=officer, decision="approve")

    with pytest.raises(NotAllowed):
        services.attendance_check_in(registration=a, day=meeting.start_date, by=user_with_role("committee"))

    assert Attendance.objects.count() == 0


def test_undo_removes_the_check_in_with_an_audit_row(officer):
    meeting = open_meeting()
    a, _ = ask(meeting)
    services.registration_decide(registration=a, by=officer, decision="approve")
    attendance, _ = services.attendance_check_in(registration=a, day=meeting.start_date, by=officer)

    services.attendance_undo(attendance=attendance, by=officer)

    assert Attendance.objects.count() == 0
    assert AuditEvent.objects.filter(content_type__model="attendance", action="delete").count() == 1


def _self_meeting(officer):
    meeting = open_meeting(start=timezone.localdate(), self_check_in=True, time_zone="Europe/Brussels")
    return services.check_in_key_ensure(meeting=meeting, by=officer)


def _today(meeting):
    return services.registration.meeting_today(meeting)


def test_self_check_in_by_link_once_per_day(officer):
    meeting = _self_meeting(officer)
    a, _ = ask(meeting)
    services.registration_decide(registration=a, by=officer, decision="approve")
    key = day_key(meeting, _today(meeting))

    attendance, created = services.attendance_self_check_in(meeting=meeting, key=key, registration=a, token=a.token)
    again, created_again = services.attendance_self_check_in(meeting=meeting, key=key, registration=a, token=a.token)

    assert (created, created_again, again.pk, attendance.method) == (True, False, attendance.pk, "self")
    assert Attendance.objects.count() == 1


def test_self_check_in_by_email_and_code(officer):
    meeting = _self_meeting(officer)
    a, _ = ask(meeting)
    services.registration_decide(registration=a, by=officer, decision="approve")
    key = day_key(meeting, _today(meeting))

    with pytest.raises(NotAllowed):
        services.attendance_self_check_in(meeting=meeting, key=key, email="ana@example.org", code="WRONG123")
    assert Attendance.objects.count() == 0
    _, created = services.attendance_self_check_in(meeting=meeting, key=key, email="ana@example.org",
                                                   code=registration_code(a).lower())

    assert created is True


def test_self_check_in_refuses_the_unapproved_a_bad_key_and_when_off(officer):
    meeting = _self_meeting(officer)
    a, _ = ask(meeting)
    key = day_key(meeting, _today(meeting))

    with pytest.raises(IllegalTransition):
        services.attendance_self_check_in(meeting=meeting, key=key, registration=a, token=a.token)
    services.registration_decide(registration=a, by=officer, decision="approve")
    with pytest.raises(NotAllowed):
        services.attendance_self_check_in(meeting=meeting, key="0" * 24, registration=a, token=a.token)
    with pytest.raises(NotAllowed):
        services.attendance_self_check_in(meeting=meeting, key=key, registration=a, token="not-the-token")
    Meeting.objects.filter(pk=meeting.pk).update(self_check_in=False)
    meeting.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.attendance_self_check_in(meeting=meeting, key=key, registration=a, token=a.token)

    assert Attendance.objects.count() == 0


def test_the_code_of_another_day_is_refused(officer):
    meeting = _self_meeting(officer)
    a, _ = ask(meeting)
    services.registration_decide(registration=a, by=officer, decision="approve")
    tomorrow = day_key(meeting, meeting.start_date + datetime.timedelta(days=1))

    with pytest.raises(IllegalTransition):
        services.attendance_self_check_in(meeting=meeting, key=tomorrow, registration=a, token=a.token)

    assert Attendance.objects.count() == 0


# ---------------------------------------------------------------- figures


def _approved(meeting, officer, email, gender, institution="Ministry of Interior", country="BY", position="Expert"):
    registration, _ = ask(meeting, email=email, gender=gender, institution=institution, country=country,
                          position=position)
    services.registration_decide(registration=registration, by=officer, decision="approve")
    return registration


def test_figures_by_day_gender_institution_country_and_role(officer):
    meeting = open_meeting(days=2)
    d1, d2 = meeting.start_date, meeting.end_date
    w1 = _approved(meeting, officer, "w1@example.org", "woman")
    w2 = _approved(meeting, officer, "w2@example.org", "woman", institution="Border Guard", country="MD")
    m1 = _approved(meeting, officer, "m1@example.org", "man", position="Director")
    o1 = _approved(meeting, officer, "o1@example.org", "other", institution="Border Guard", country="MD")
    u1 = _approved(meeting, officer, "u1@example.org", "unstated")
    _approved(meeting, officer, "absent@example.org", "man")
    for reg in (w1, w2, m1, o1, u1):
        services.attendance_check_in(registration=reg, day=d1, by=officer)
    for reg in (w1, m1):
        services.attendance_check_in(registration=reg, day=d2, by=officer)

    totals = attendance_totals(meeting)
    per_day = attendance_per_day(meeting)

    assert totals["total"] == 5
    assert totals["by_gender"] == {"woman": 2, "man": 1, "other": 1, "unstated": 1}
    assert totals["by_institution"] == [("Ministry of Interior", 3), ("Border Guard", 2)]
    assert [n for _name, n in totals["by_country"]] == [3, 2]
    assert totals["by_country"][0][0] == str(Country.objects.get(code="BY"))
    assert totals["by_role"] == [("Expert", 4), ("Director", 1)]
    assert per_day == [
        {"day": d1, "total": 5, "woman": 2, "man": 1, "other": 1, "unstated": 1},
        {"day": d2, "total": 2, "woman": 1, "man": 1, "other": 0, "unstated": 0},
    ]


def test_attendance_writes_the_activity_figures(officer):
    activity = make_activity()
    meeting = open_meeting(activity=activity)
    w = _approved(meeting, officer, "w@example.org", "woman")
    m = _approved(meeting, officer, "m@example.org", "man", institution="Border Guard")
    u = _approved(meeting, officer, "u@example.org", "unstated")
    o = _approved(meeting, officer, "o@example.org", "other")

    for reg in (w, m, u, o):
        services.attendance_check_in(registration=reg, day=meeting.start_date, by=officer)
    activity.refresh_from_db()

    assert (activity.participants_women, activity.participants_men, activity.participants_other) == (1, 1, 2)
    assert activity.participants_by_institution == [{"institution": "Ministry of Interior", "count": 3},
                                                    {"institution": "Border Guard", "count": 1}]

    attendance = Attendance.objects.get(registration=m)
    services.attendance_undo(attendance=attendance, by=officer)
    activity.refresh_from_db()

    assert (activity.participants_women, activity.participants_men, activity.participants_other) == (1, 0, 2)
    assert activity.participants_by_institution == [{"institution": "Ministry of Interior", "count": 3}]


def test_a_meeting_without_registration_leaves_the_activity_figures_alone(officer):
    activity = make_activity()
    meeting = open_meeting(activity=activity, mode="none")

    assert services.meeting_figures_sync(meeting=meeting) is False
    activity.refresh_from_db()
    assert activity.participants_women is None


def test_more_places_on_the_meeting_form_promote_the_waiting_list(officer):
    # Given two places taken and two people wait-listed
    meeting = open_meeting(capacity=2)
    regs = [ask(meeting, email=f"p{i}@example.org")[0] for i in range(4)]
    services.registrations_decide(registrations=regs, by=officer, decision="approve")
    # When the officer gives the meeting one more place through the meeting's own form (meeting_update)
    services.meeting_update(meeting=meeting, by=officer, capacity=3)
    # Then the first wait-listed person takes it, the second still waits
    assert list(Registration.objects.order_by("requested_at", "id").values_list("status", flat=True)) == [
        S.APPROVED, S.APPROVED, S.APPROVED, S.WAITLISTED]


def test_a_meeting_cannot_take_a_short_name_that_other_addresses_begin_with(officer):
    for slug in ("calendar", "r", "invitation", "new", "m", "speaker"):
        with pytest.raises(ValidationFailed) as refused:
            services.meeting_create(by=officer, slug=slug, kind="workshop", title={"en": "Workshop"},
                                    start_date=datetime.date(2027, 3, 1), end_date=datetime.date(2027, 3, 1),
                                    city="Chisinau")
        assert "slug" in refused.value.errors
    assert not Meeting.objects.filter(slug__in=["calendar", "r", "invitation", "new", "m", "speaker"]).exists()
