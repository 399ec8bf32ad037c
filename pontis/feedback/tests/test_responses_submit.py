"""response_submit: validation naming the question, exactly once, anonymity, copies, follow-ups, query counts."""

import datetime
import secrets
import uuid

import pytest
from django.utils import timezone

from pontis.actions.models import Action, Activity, FollowUp
from pontis.core.errors import Conflict, ValidationFailed
from pontis.core.models import ActivityType
from pontis.feedback.models import Answer, Draft, Invitation, Questionnaire, QuestionnaireVersion, Response
from pontis.feedback.services import responses as svc
from pontis.feedback.services.invitations import person_key_for
from tests.factories import user_with_role
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

_seq = iter(range(1, 10_000))


def question(key, type="rating", required=True, **extra):
    base = {"key": key, "type": type, "text": {"en": f"Question {key}", "fr": f"Question {key} (fr)"}, "help": {},
            "required": required, "criterion": "", "level": "", "pair": "", "phase": "", "choices": []}
    if type in ("single", "multiple"):
        base["choices"] = [{"value": v, "label": {"en": v.title(), "fr": v.upper()}} for v in ("yes", "no", "maybe")]
    base.update(extra)
    return base


STANDARD = [
    question("overall", criterion="relevance", level="reaction"),
    question("useful", "single"),
    question("topics", "multiple", required=False),
    question("comment", "text", required=False),
    question("law_pre", "knowledge", pair="law", phase="pre"),
]


def make_activity():
    n = next(_seq)
    action = Action.objects.create(code=f"2098-{n:03d}", title={"en": f"Action {n}"})
    return Activity.objects.create(action=action, type=ActivityType.objects.get(code="workshop"),
                                   title={"en": f"Workshop {n}"}, start_date=datetime.date(2026, 1, 5),
                                   end_date=datetime.date(2026, 1, 6))


def make_questionnaire(questions=None, *, anonymity="anonymous", status="open", languages=("en", "fr"),
                       activity=None, **extra) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(title={"en": "Workshop feedback", "fr": "Avis sur l'atelier"},
                                                 anonymity=anonymity, status=status, languages=list(languages),
                                                 activity=activity, **extra)
    QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1,
                                        questions=list(STANDARD if questions is None else questions),
                                        title=questionnaire.title, languages=list(languages))
    return questionnaire


def invite(questionnaire, email="ana@example.org", **extra) -> Invitation:
    return Invitation.objects.create(questionnaire=questionnaire, token=secrets.token_urlsafe(32), email=email,
                                     name=extra.pop("name", "Ana Pérez"), person_key=person_key_for(email), **extra)


GOOD = {"overall": 4, "useful": "yes", "topics": ["yes", "maybe"], "comment": "Very useful.", "law_pre": 2}


def submit(invitation, answers=None, client_id=None, **extra):
    return svc.response_submit(token=invitation.token, client_id=client_id or uuid.uuid4(),
                               answers=GOOD if answers is None else answers, channel="link", **extra)


# ---------------------------------------------------------------- stored as sent


def test_a_response_is_stored_with_its_answers_and_copies():
    activity = make_activity()
    questionnaire = make_questionnaire(activity=activity, anonymity="named")
    invitation = invite(questionnaire)

    response, created = submit(invitation, language="fr")

    assert created is True
    assert response.invitation_id == invitation.pk
    assert response.language == "fr"
    assert (response.activity_id, response.action_id, response.meeting_id) == (activity.pk, activity.action_id, None)
    assert response.version.number == 1
    rows = {a.key: (a.number, a.choices, a.text, a.criterion, a.level, a.pair, a.phase)
            for a in Answer.objects.filter(response=response)}
    assert rows == {
        "overall": (4, [], "", "relevance", "reaction", "", ""),
        "useful": (None, ["yes"], "", "", "", "", ""),
        "topics": (None, ["yes", "maybe"], "", "", "", "", ""),
        "comment": (None, [], "Very useful.", "", "", "", ""),
        "law_pre": (2, [], "", "", "", "law", "pre"),
    }
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert svc.response_answers(Response.objects.get()) == GOOD


def test_an_unknown_language_falls_back_to_the_invitations_then_the_first():
    questionnaire = make_questionnaire()
    response, _created = submit(invite(questionnaire, language="fr"), language="ru")
    assert response.language == "fr"


# ---------------------------------------------------------------- exactly once


def test_the_same_token_twice_stores_one_response():
    invitation = invite(make_questionnaire())
    first, created_first = submit(invitation)

    second, created_second = submit(invitation, answers={**GOOD, "overall": 1})

    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk
    assert Response.objects.count() == 1
    assert Answer.objects.get(key="overall").number == 4


def test_the_same_client_id_twice_stores_one_response():
    questionnaire = make_questionnaire()
    key = uuid.uuid4()
    first, _ = svc.response_submit(open_key=None, questionnaire=questionnaire, client_id=key, answers=GOOD,
                                   channel="api")

    second, created = svc.response_submit(questionnaire=questionnaire, client_id=str(key), answers=GOOD, channel="api")

    assert created is False and second.pk == first.pk
    assert Response.objects.count() == 1


def test_a_client_id_used_by_another_link_is_refused_and_shows_nothing():
    questionnaire = make_questionnaire()
    key = uuid.uuid4()
    submit(invite(questionnaire, "a@example.org"), client_id=key)

    with pytest.raises(Conflict):
        submit(invite(questionnaire, "b@example.org"), client_id=key)

    assert Response.objects.count() == 1


def test_a_lost_race_answers_the_winners_response(monkeypatch):
    """The INSERT meets the unique index (as a second thread would) and answers the stored response."""
    invitation = invite(make_questionnaire())
    first, _ = submit(invitation)
    calls = []
    real = Response.objects.filter

    def existing(*, digest_value, client_id):
        calls.append(1)
        return [] if len(calls) == 1 else list(real(token_digest=digest_value))

    monkeypatch.setattr(svc, "_existing", existing)

    again, created = submit(invitation)

    assert created is False and again.pk == first.pk
    assert Response.objects.count() == 1 and Answer.objects.count() == 5


def test_a_qr_device_answers_once_and_another_device_answers_too():
    questionnaire = make_questionnaire()
    questionnaire.open_key = secrets.token_urlsafe(32)
    questionnaire.save()

    first, c1 = svc.response_submit(open_key=questionnaire.open_key, device_key="device-1", client_id=uuid.uuid4(),
                                    answers=GOOD, channel="qr")
    again, c2 = svc.response_submit(open_key=questionnaire.open_key, device_key="device-1", client_id=uuid.uuid4(),
                                    answers=GOOD, channel="qr")
    other, c3 = svc.response_submit(open_key=questionnaire.open_key, device_key="device-2", client_id=uuid.uuid4(),
                                    answers=GOOD, channel="qr")

    assert (c1, c2, c3) == (True, False, True)
    assert again.pk == first.pk and other.pk != first.pk
    assert Response.objects.filter(channel="qr").count() == 2


def test_submitting_deletes_the_draft_of_the_link():
    invitation = invite(make_questionnaire())
    svc.draft_open(questionnaire=invitation.questionnaire, resume_key=svc.token_digest(invitation.token),
                   invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.draft_kept is True

    submit(invitation)

    assert Draft.objects.count() == 0


def test_a_link_answered_elsewhere_after_its_form_kept_a_draft_still_loses_the_draft():
    # Given a person who opened the web form (a draft), then answered through an app over the API
    invitation = invite(make_questionnaire())
    svc.draft_open(questionnaire=invitation.questionnaire, resume_key=svc.token_digest(invitation.token),
                   invitation=invitation)
    other = invite(invitation.questionnaire, "other@example.org")

    svc.response_submit(token=invitation.token, client_id=uuid.uuid4(), answers=GOOD, channel="api")
    svc.response_submit(token=other.token, client_id=uuid.uuid4(), answers=GOOD, channel="api")

    assert Draft.objects.count() == 0 and Response.objects.count() == 2


# ---------------------------------------------------------------- validation names the question


@pytest.mark.parametrize("key,value", [
    ("overall", 0), ("overall", 6), ("overall", "4.5"), ("overall", True), ("overall", None),
    ("useful", "perhaps"), ("useful", ["yes", "no"]),
    ("topics", ["yes", "nope"]), ("topics", [3]),
    ("comment", "x" * (svc.TEXT_MAX + 1)), ("comment", 12),
    ("law_pre", 9),
])
def test_each_invalid_answer_is_refused_naming_its_key(key, value):
    invitation = invite(make_questionnaire())

    with pytest.raises(ValidationFailed) as refused:
        submit(invitation, answers={**GOOD, key: value})

    assert refused.value.field == key
    assert list(refused.value.errors) == [key]
    assert Response.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_an_unknown_key_is_refused_by_name():
    invitation = invite(make_questionnaire())
    with pytest.raises(ValidationFailed) as refused:
        submit(invitation, answers={**GOOD, "shoe_size": 42})
    assert refused.value.field == "shoe_size"
    assert Response.objects.count() == 0


def test_optional_questions_may_be_left_out():
    invitation = invite(make_questionnaire())
    response, created = submit(invitation, answers={"overall": "5", "useful": "no", "law_pre": 3})
    assert created is True
    assert sorted(Answer.objects.filter(response=response).values_list("key", flat=True)) == [
        "law_pre", "overall", "useful"]


def test_answers_are_checked_against_the_current_version():
    questionnaire = make_questionnaire()
    QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=2, questions=[question("overall")],
                                        languages=["en"])
    with pytest.raises(ValidationFailed) as refused:
        submit(invite(questionnaire), answers=GOOD)
    assert refused.value.field == "useful"
    response, _ = submit(invite(questionnaire, "b@example.org"), answers={"overall": 3})
    assert response.version.number == 2


# ---------------------------------------------------------------- closed, unknown


@pytest.mark.parametrize("change", [{"status": "closed"}, {"status": "draft"},
                                    {"closes_at": timezone.now() - datetime.timedelta(minutes=1)}])
def test_a_closed_questionnaire_takes_no_answer(change):
    questionnaire = make_questionnaire()
    Questionnaire.objects.filter(pk=questionnaire.pk).update(**change)
    with pytest.raises(svc.QuestionnaireClosed):
        submit(invite(questionnaire))
    assert Response.objects.count() == 0


def test_an_unknown_token_is_unknown():
    with pytest.raises(svc.UnknownLink):
        svc.response_submit(token="nope", client_id=uuid.uuid4(), answers=GOOD, channel="api")


# ---------------------------------------------------------------- anonymity


def test_an_anonymous_response_has_no_invitation_but_who_answered_is_known():
    questionnaire = make_questionnaire(anonymity="anonymous")
    invitation = invite(questionnaire)

    response, _ = submit(invitation)

    assert response.invitation_id is None
    assert response.person_key and response.person_key != invitation.person_key
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert (invitation.answered_at.hour, invitation.answered_at.minute) == (0, 0)


def test_the_same_person_pairs_across_questionnaires():
    pre = submit(invite(make_questionnaire(), "ana@example.org"))[0]
    post = submit(invite(make_questionnaire(), "ANA@example.org "))[0]
    assert pre.person_key == post.person_key


@pytest.mark.parametrize("anonymity", ["confidential", "named"])
def test_confidential_and_named_responses_keep_their_invitation(anonymity):
    invitation = invite(make_questionnaire(anonymity=anonymity))
    response, _ = submit(invitation)
    assert response.invitation_id == invitation.pk


# ---------------------------------------------------------------- outcome follow-ups


def test_a_follow_up_questionnaire_records_the_outcome_on_the_actions_follow_up():
    officer = user_with_role("officer")
    action = Action.objects.create(code="2098-900", title={"en": "Closed Action"})
    follow_up = FollowUp.objects.create(action=action, months=6, due_on=datetime.date(2026, 6, 1))
    questionnaire = make_questionnaire([question("outcome", "text"), question("progress")], follow_up=follow_up,
                                       purpose="follow_up", created_by=officer)

    response, _ = submit(invite(questionnaire), answers={"outcome": "The law was adopted.", "progress": 4})

    follow_up.refresh_from_db()
    assert follow_up.recorded_at is not None
    assert follow_up.recorded_by == officer
    assert follow_up.outcome == "Question outcome: The law was adopted.\nQuestion progress: 4/5"
    assert response.action_id == action.pk

    submit(invite(questionnaire, "b@example.org"), answers={"outcome": "Second view.", "progress": 2})
    follow_up.refresh_from_db()
    assert follow_up.outcome.startswith("Question outcome: The law was adopted.")
    assert Response.objects.count() == 2


# ---------------------------------------------------------------- query budget


def _questions(n):
    kinds = ["rating", "single", "multiple", "text", "knowledge"]
    return [question(f"q{i}", kinds[i % 5]) for i in range(n)]


def _answers(n):
    values = {"rating": 3, "single": "yes", "multiple": ["no"], "text": "Fine.", "knowledge": 4}
    kinds = ["rating", "single", "multiple", "text", "knowledge"]
    return {f"q{i}": values[kinds[i % 5]] for i in range(n)}


def _measure(n):
    questionnaire = make_questionnaire(_questions(n), anonymity="named")
    invitations = iter([invite(questionnaire, f"p{i}@example.org") for i in range(2)])
    queries, (response, created) = count_queries(lambda: submit(next(invitations), answers=_answers(n)), warm=True)
    assert created is True
    assert Answer.objects.filter(response=response).count() == n
    return queries


def test_submitting_costs_the_same_queries_for_3_and_30_questions():
    # select invitation+questionnaire (with its current version's id), savepoint (the test's transaction is around
    # it; in production this is BEGIN), insert response, insert answers, update invitation, release. An unanswered
    # link needs no look-up of an earlier response; the version itself is read once per process; a link whose web
    # form never kept a draft has no draft to delete.
    small, large = _measure(3), _measure(30)
    assert small == large
    assert small == 6


def test_a_link_with_a_draft_costs_one_statement_more_to_delete_it():
    questionnaire = make_questionnaire(_questions(3), anonymity="named")
    invitations = iter([invite(questionnaire, f"p{i}@example.org") for i in range(2)])
    for invitation in Invitation.objects.filter(questionnaire=questionnaire):
        svc.draft_open(questionnaire=questionnaire, resume_key=svc.token_digest(invitation.token),
                       invitation=invitation)
    queries, (response, created) = count_queries(lambda: submit(next(invitations), answers=_answers(3)), warm=True)
    assert created is True and queries == 7
    assert Draft.objects.count() == 0


def test_a_new_version_is_used_by_the_next_submission_after_the_first_one_was_remembered():
    from pontis.feedback.services import builder
    from pontis.feedback.tests.builder_factories import complete, texts

    # Given a launched questionnaire answered once (this process now remembers its version 1)
    officer = user_with_role("officer")
    questionnaire = complete(officer)
    builder.questionnaire_launch(questionnaire=questionnaire, by=officer)
    first, second = invite(questionnaire, "a@example.org"), invite(questionnaire, "b@example.org")
    answers = {"overall": 4, "again": "yes", "k_pre": 2, "k_post": 4}
    response, _created = submit(first, answers=answers)
    assert response.version.number == 1
    # When staff add a required question and launch version 2
    builder.question_add(questionnaire=questionnaire, by=officer, key="venue", type="rating",
                         text=texts("Venue?", ("en", "fr")))
    builder.questionnaire_launch(questionnaire=questionnaire, by=officer)
    # Then the next submission is checked against version 2: the new required question is asked for
    with pytest.raises(ValidationFailed) as refused:
        submit(second, answers=answers)
    assert "venue" in str(refused.value.errors)
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1
    response, _created = submit(second, answers={**answers, "venue": 5})
    assert response.version.number == 2
