"""Known data for the indicators tests, built from the models directly (no test here).

Activity A1 (Action X, Cabo Verde -> West Africa, theme "legal"), all in March 2024:
- 7 reaction ratings tagged "relevance": 5, 4, 4, 5, 4, 3, 2 -> satisfaction 5/7, relevance mean 27/7;
- knowledge pairs in responses 1-5: (2,4) (3,4) (1,3) (2,2) (3,5) -> gain 7/5 over 5 pairs; response 6 has only
  "before" and response 7 only "after": unmatched, ignored;
- its meeting: 8 attendees (3 women, 3 men, 1 another gender, 1 prefer not to say), one of them on two days, and
  one approved woman who never attended -> women 3/8;
- 10 personal links, 6 answered -> response rate 6/10.
Activity A2 (Action Y, Thailand -> Asia, theme "protection"), May 2023: 3 ratings 5, 5, 1 (3 respondents).
"""

from __future__ import annotations

import datetime
import itertools
import secrets
import uuid

from django.utils import timezone

from pontis.actions.models import Action, Activity
from pontis.core.models import ActivityType, Country, ThematicArea
from pontis.events.models import Attendance, Meeting, Registration
from pontis.feedback.models import Answer, Invitation, Questionnaire, QuestionnaireVersion, Response

_seq = itertools.count(1)


def at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def make_action(*, code, country="CV", themes=("legal",)):
    action = Action.objects.create(code=code, title={"en": f"Action {code}"}, start_date=datetime.date(2023, 1, 1),
                                   lead_country=Country.objects.get(code=country))
    action.countries.set(Country.objects.filter(code=country))
    action.themes.set(ThematicArea.objects.filter(code__in=themes))
    return action


def make_activity(action, *, day):
    return Activity.objects.create(action=action, type=ActivityType.objects.get(code="workshop"),
                                   title={"en": f"Workshop {next(_seq)}"}, start_date=day, end_date=day)


def make_questionnaire(*, activity=None, action=None, meeting=None):
    q = Questionnaire.objects.create(title={"en": "Feedback"}, activity=activity, action=action, meeting=meeting,
                                     status="open", languages=["en"])
    version = QuestionnaireVersion.objects.create(questionnaire=q, number=1, questions=[])
    return q, version


def make_response(q, version, *, day, answers, person_key=""):
    """``answers``: a list of dicts of Answer fields (key, type, number, criterion, level, pair, phase)."""
    response = Response.objects.create(
        questionnaire=q, version=version, client_id=uuid.uuid4(), activity=q.activity, action=q.action,
        meeting=q.meeting, submitted_at=at(day), person_key=person_key)
    Answer.objects.bulk_create([Answer(response=response, **a) for a in answers])
    return response


def rating(key, number, *, criterion="relevance", level="reaction"):
    return {"key": key, "type": "rating", "number": number, "criterion": criterion, "level": level}


def knowledge(pair, phase, number):
    return {"key": f"{pair}-{phase}", "type": "knowledge", "number": number, "pair": pair, "phase": phase}


def make_meeting(activity, *, day, region=None):
    return Meeting.objects.create(slug=f"m-{next(_seq)}", kind="workshop", title={"en": "Workshop"}, start_date=day,
                                  end_date=day + datetime.timedelta(days=1), activity=activity, region=region)


def attend(meeting, gender, *, days=1, attended=True):
    n = next(_seq)
    registration = Registration.objects.create(
        meeting=meeting, name=f"Person {n}", email=f"p{n}@example.org", gender=gender, institution_name="Ministry",
        country=Country.objects.get(code="CV"), status="approved", token=secrets.token_urlsafe(32))
    if attended:
        for d in range(days):
            Attendance.objects.create(registration=registration, day=meeting.start_date + datetime.timedelta(days=d))
    return registration


def invite(q, *, answered, day=None):
    n = next(_seq)
    when = at(day or A1_DAY)
    return Invitation.objects.create(questionnaire=q, token=secrets.token_urlsafe(32), email=f"i{n}@example.org",
                                     created_at=when, sent_at=when, answered_at=when if answered else None)


A1_DAY = datetime.date(2024, 3, 10)
A2_DAY = datetime.date(2023, 5, 1)


def build_world():
    x, y = make_action(code="2024-01"), make_action(code="2023-02", country="TH", themes=("protection",))
    a1, a2 = make_activity(x, day=A1_DAY), make_activity(y, day=A2_DAY)
    q1, v1 = make_questionnaire(activity=a1)
    pairs = [(2, 4), (3, 4), (1, 3), (2, 2), (3, 5)]
    for i, number in enumerate([5, 4, 4, 5, 4, 3, 2]):
        answers = [rating("overall", number)]
        if i < 5:
            answers += [knowledge("law", "pre", pairs[i][0]), knowledge("law", "post", pairs[i][1])]
        elif i == 5:
            answers += [knowledge("law", "pre", 1)]
        else:
            answers += [knowledge("law", "post", 5)]
        make_response(q1, v1, day=A1_DAY, answers=answers)
    meeting = make_meeting(a1, day=A1_DAY)
    for gender in ["woman", "woman", "woman", "man", "man", "man", "other", "unstated"]:
        attend(meeting, gender, days=2 if gender == "man" else 1)
    attend(meeting, "woman", attended=False)
    for i in range(10):
        invite(q1, answered=i < 6)
    q2, v2 = make_questionnaire(activity=a2)
    for number in (5, 5, 1):
        make_response(q2, v2, day=A2_DAY, answers=[rating("overall", number)])
    return {"x": x, "y": y, "a1": a1, "a2": a2, "q1": q1, "v1": v1, "q2": q2, "v2": v2, "meeting": meeting}
