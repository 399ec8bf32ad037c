"""Invitations (idempotent, e-mailed once, from a meeting's approved registrations) and reminder rounds."""

import datetime

import pytest

from pontis.core.errors import IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent, Country, OutboxEmail
from pontis.events.models import Registration
from pontis.events.tests.factories import make_meeting
from pontis.feedback.models import Invitation, Questionnaire, Reminder, ReminderSent
from pontis.feedback.services.invitations import invitations_create, person_key_for
from pontis.feedback.services.reminders import reminder_send

from .test_responses_submit import GOOD, make_activity, make_questionnaire, submit

pytestmark = pytest.mark.django_db

PEOPLE = [{"name": "Ana", "email": "ana@example.org", "language": "fr"}, {"name": "Bo", "email": "bo@example.org"}]


def test_inviting_creates_personal_links_and_queues_one_email_each(officer, django_capture_on_commit_callbacks):
    questionnaire = make_questionnaire()

    with django_capture_on_commit_callbacks(execute=False):
        made = invitations_create(questionnaire=questionnaire, by=officer, people=PEOPLE)

    assert [(i.name, i.email, i.language) for i in made] == [("Ana", "ana@example.org", "fr"),
                                                            ("Bo", "bo@example.org", "en")]
    assert all(len(i.token) == 43 for i in made)
    assert made[0].person_key == person_key_for("ANA@example.org")
    emails = OutboxEmail.objects.filter(key__startswith="feedback-invitation-").order_by("key")
    assert emails.count() == 2
    ana = OutboxEmail.objects.get(key=f"feedback-invitation-{made[0].pk}")
    assert ana.to == ["ana@example.org"] and f"/feedback/r/{made[0].token}/" in ana.body
    assert "Avis sur l'atelier" in ana.subject
    event = AuditEvent.objects.filter(note="invitations").get()
    assert made[0].token not in str(event.changes)


def test_inviting_the_same_people_twice_is_the_same_invitations_and_no_new_email(officer):
    questionnaire = make_questionnaire()
    first = invitations_create(questionnaire=questionnaire, by=officer, people=PEOPLE)

    second = invitations_create(questionnaire=questionnaire, by=officer,
                                people=[{"email": "BO@example.org"}, *PEOPLE])

    assert [i.pk for i in second] == [first[1].pk, first[0].pk]
    assert Invitation.objects.count() == 2
    assert OutboxEmail.objects.count() == 2


def test_inviting_an_activitys_approved_participants(officer):
    activity = make_activity()
    meeting = make_meeting()
    meeting.activity = activity
    meeting.save()
    country = Country.objects.get(code="TH")
    for n, status in enumerate(["approved", "approved", "pending", "rejected"]):
        Registration.objects.create(meeting=meeting, name=f"P{n}", email=f"p{n}@example.org", gender="woman",
                                    institution_name="Ministry", country=country, status=status, token=f"t{n}",
                                    language="ru")
    questionnaire = make_questionnaire(activity=activity, languages=("en", "ru"))

    made = invitations_create(questionnaire=questionnaire, by=officer, activity=activity.pk)
    again = invitations_create(questionnaire=questionnaire, by=officer, activity=activity)

    assert [(i.email, i.language, i.registration.name) for i in made] == [
        ("p0@example.org", "ru", "P0"), ("p1@example.org", "ru", "P1")]
    assert [i.pk for i in again] == [i.pk for i in made]
    assert Invitation.objects.count() == 2


def test_inviting_to_a_draft_is_refused_and_nothing_changes(officer):
    questionnaire = make_questionnaire(status="draft")
    with pytest.raises(IllegalTransition):
        invitations_create(questionnaire=questionnaire, by=officer, people=PEOPLE)
    assert Invitation.objects.count() == 0 and OutboxEmail.objects.count() == 0


def test_an_invalid_address_is_refused_by_line(officer):
    with pytest.raises(ValidationFailed) as refused:
        invitations_create(questionnaire=make_questionnaire(), by=officer, people=[{"email": "nobody"}])
    assert refused.value.field == "people.0.email"
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("role", ["focal_point", "observer", "committee"])
def test_only_staff_invite(make_user, role):
    with pytest.raises(NotAllowed):
        invitations_create(questionnaire=make_questionnaire(), by=make_user(role), people=PEOPLE)
    assert Invitation.objects.count() == 0


# ---------------------------------------------------------------- reminders


def test_a_reminder_reaches_each_invitee_who_has_not_answered_once(officer):
    questionnaire = make_questionnaire()
    ana, bo = invitations_create(questionnaire=questionnaire, by=officer, people=PEOPLE)
    submit(ana, answers=GOOD)

    reminder, sent = reminder_send(questionnaire=questionnaire, by=officer, key="click-1")

    assert (reminder.number, sent) == (1, 1)
    assert list(ReminderSent.objects.values_list("invitation_id", flat=True)) == [bo.pk]
    email = OutboxEmail.objects.get(key=f"feedback-reminder-{reminder.pk}-{bo.pk}")
    assert email.to == ["bo@example.org"] and f"/feedback/r/{bo.token}/" in email.body


def test_a_double_clicked_reminder_sends_nothing_twice(officer):
    questionnaire = make_questionnaire()
    invitations_create(questionnaire=questionnaire, by=officer, people=PEOPLE)

    first, sent_first = reminder_send(questionnaire=questionnaire, by=officer, key="click-1")
    again, sent_again = reminder_send(questionnaire=questionnaire, by=officer, key="click-1")

    assert (sent_first, sent_again) == (2, 0) and again.pk == first.pk
    assert Reminder.objects.count() == 1 and ReminderSent.objects.count() == 2
    assert OutboxEmail.objects.filter(key__startswith="feedback-reminder-").count() == 2


def test_a_second_round_is_a_new_reminder_to_who_still_has_not_answered(officer):
    questionnaire = make_questionnaire()
    ana, _bo = invitations_create(questionnaire=questionnaire, by=officer, people=PEOPLE)
    reminder_send(questionnaire=questionnaire, by=officer, key="click-1")
    submit(ana, answers=GOOD)

    second, sent = reminder_send(questionnaire=questionnaire, by=officer, key="click-2")

    assert (second.number, sent) == (2, 1)
    assert ReminderSent.objects.filter(reminder=second).count() == 1


def test_a_closed_questionnaire_is_not_reminded(officer):
    questionnaire = make_questionnaire()
    invitations_create(questionnaire=questionnaire, by=officer, people=PEOPLE)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(status="closed")
    with pytest.raises(IllegalTransition):
        reminder_send(questionnaire=questionnaire, by=officer, key="k")
    assert Reminder.objects.count() == 0


def test_only_staff_remind(officer, focal_point):
    questionnaire = make_questionnaire()
    invitations_create(questionnaire=questionnaire, by=officer, people=PEOPLE)
    with pytest.raises(NotAllowed):
        reminder_send(questionnaire=questionnaire, by=focal_point, key="k")
    assert Reminder.objects.count() == 0 and ReminderSent.objects.count() == 0


def test_invitations_e_mail_the_closing_date(officer):
    questionnaire = make_questionnaire(closes_at=datetime.datetime(2099, 5, 1, 12, tzinfo=datetime.UTC))
    (ana, _bo) = invitations_create(questionnaire=questionnaire, by=officer, people=PEOPLE)
    assert "2099-05-01" in OutboxEmail.objects.get(key=f"feedback-invitation-{ana.pk}").body
