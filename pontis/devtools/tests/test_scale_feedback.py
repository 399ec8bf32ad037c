"""The meetings and feedback stress-data steps at a tiny size: they add exactly the answers asked for, meetings
with agendas, registrations and attendance, and responses that keep the feedback invariants (one response per
token, the version's questions, invitations linked only when the questionnaire is not anonymous)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from pontis.devtools.scale import registered_steps
from pontis.events.models import Attendance, Contribution, Meeting, Panel, Registration, Session
from pontis.feedback.models import Answer, Invitation, Question, Questionnaire, QuestionnaireVersion, Response

SIZES = {"institutions": 8, "people": 3, "experts": 10, "requests": 5, "actions": 20, "activities": 80,
         "deployments": 0, "meetings": 40, "answers": 1_000}


def generate(**sizes):
    out = StringIO()
    options = {step.name: sizes.get(step.name, 0) for step in registered_steps()}
    call_command("generate_scale_data", stdout=out, no_vacuum=True, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_the_steps_are_registered_after_the_activities_with_the_stress_sizes():
    names = [step.name for step in registered_steps()]
    assert names.index("activities") < names.index("meetings") < names.index("answers")
    defaults = {step.name: step.default for step in registered_steps()}
    assert defaults["meetings"] == 2_000
    assert defaults["answers"] == 2_000_000


@pytest.mark.django_db
def test_meetings_come_with_agendas_registrations_and_attendance():
    # Given nothing generated yet, when the steps run at a tiny size
    out = generate(**SIZES)
    # Then exactly the meetings asked for, each with an agenda, in a panel when it is a panel meeting
    meetings = Meeting.objects.filter(slug__startswith="scale-r1-meeting-")
    assert meetings.count() == 40
    assert "meetings: 40 meetings in 1 panels" in out
    assert Panel.objects.filter(slug__startswith="scale-r1-panel-").count() == 1
    assert not meetings.filter(sessions__isnull=True).exists()
    assert not meetings.filter(kind="panel_meeting", panel__isnull=True).exists()
    assert meetings.filter(activity__isnull=False).count() >= 1
    assert Contribution.objects.filter(session__meeting__in=meetings).exists()
    # Sessions lie within the meeting's days.
    for s in Session.objects.filter(meeting__in=meetings).select_related("meeting"):
        assert s.meeting.start_date <= s.day <= s.meeting.end_date
    # Registrations only where the meeting takes them; attendance only for approved people of held meetings.
    assert not Registration.objects.filter(meeting__registration="none").exists()
    assert Registration.objects.filter(meeting__in=meetings).count() > 0
    assert Attendance.objects.count() > 0
    assert not Attendance.objects.exclude(registration__status="approved").exists()
    assert not Attendance.objects.exclude(registration__meeting__status="held").exists()
    # Levels are mixed; a meeting of a members-only panel is never public.
    assert meetings.values("access").distinct().count() >= 2
    assert not meetings.filter(panel__access="members", access="public").exists()


@pytest.mark.django_db
def test_answers_reach_the_exact_count_and_keep_the_feedback_invariants():
    out = generate(**SIZES)
    match = re.search(r"answers: (\d+) answers in (\d+) responses to (\d+) questionnaires \((\d+) invitations\)", out)
    assert match, out
    assert int(match.group(1)) == Answer.objects.count() == 1_000
    assert int(match.group(2)) == Response.objects.count()
    assert int(match.group(3)) == Questionnaire.objects.count() == QuestionnaireVersion.objects.count()
    assert int(match.group(4)) == Invitation.objects.count()
    # About nine answers a response (the comment is optional), at most one answer per key per response.
    assert 1_000 / 10 <= Response.objects.count() <= -(-1_000 // 9)
    assert not Answer.objects.values("response", "key").annotate(n=Count("id")).filter(n__gt=1).exists()
    # One response per token; client ids unique (the database would refuse; say what is meant).
    assert not Response.objects.values("token_digest").annotate(n=Count("id")).filter(n__gt=1).exists()
    # Each answer's key is a question of the response's version, and copies its criterion and level.
    version = QuestionnaireVersion.objects.first()
    spec = {q["key"]: q for q in version.questions}
    assert len(spec) == 10
    assert Question.objects.filter(questionnaire=version.questionnaire).count() == 10
    for answer in Answer.objects.filter(response__version=version)[:50]:
        assert answer.key in spec
        assert (answer.criterion, answer.level, answer.type) == (
            spec[answer.key]["criterion"], spec[answer.key]["level"], spec[answer.key]["type"])
    # Ratings are 1 to 5, choices come from the question's choices.
    assert not Answer.objects.filter(type="rating").exclude(number__range=(1, 5)).exists()
    for answer in Answer.objects.filter(type="multiple")[:50]:
        assert answer.choices and set(answer.choices) <= {"asylum", "return", "borders", "data"}
    # Anonymous questionnaires never link a response to its invitation; the others do for personal links.
    assert not Response.objects.filter(questionnaire__anonymity="anonymous", invitation__isnull=False).exists()
    assert Response.objects.filter(channel="qr", invitation__isnull=False).count() == 0
    # Who has answered is marked on the invitations: as many as the responses through a personal link or the API.
    assert Invitation.objects.filter(answered_at__isnull=False).count() == \
        Response.objects.exclude(channel="qr").count()
    # Some invitees never answer (the response rate is below 100 %).
    assert Invitation.objects.filter(answered_at__isnull=True).exists()
    # Responses copy their questionnaire's target for the indicators.
    # A questionnaire has one target; a meeting's responses also carry its activity and Action.
    assert not Questionnaire.objects.filter(meeting__isnull=False, activity__isnull=False).exists()
    assert Response.objects.filter(meeting__isnull=False).exists()
    for r in Response.objects.select_related("questionnaire", "meeting__activity")[:200]:
        if r.questionnaire.meeting_id:
            activity = r.meeting.activity
            assert (r.meeting_id, r.activity_id, r.action_id) == (
                r.questionnaire.meeting_id, activity and activity.pk, activity and activity.action_id)
        else:
            assert (r.meeting_id, r.activity_id) == (None, r.questionnaire.activity_id)


@pytest.mark.django_db
def test_runs_twice_without_collision():
    generate(**SIZES)
    generate(**SIZES)
    assert Answer.objects.count() == 2_000
    assert Meeting.objects.filter(slug__startswith="scale-r2-meeting-").count() == 40
