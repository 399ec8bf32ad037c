"""The builder's services: create, edit, launch (each refusal), versions, close and reopen."""

import pytest

from pontis.core.errors import Conflict, IllegalTransition, NotAllowed, ValidationFailed
from pontis.core.models import AuditEvent
from pontis.feedback.models import Choice, Question, Questionnaire, QuestionnaireVersion
from pontis.feedback.selectors.builder import version_questions, version_title
from pontis.feedback.services import builder

from .builder_factories import blank, complete, texts

pytestmark = pytest.mark.django_db


def _codes(exc) -> list[str]:
    return exc.value.errors["codes"]


# ---------------------------------------------------------------- create


def test_officer_creates_a_blank_questionnaire_once_per_key(officer):
    # when the same form is submitted twice with one key
    first = builder.questionnaire_create(by=officer, title={"en": "Feedback"}, languages=["fr", "en", "xx"],
                                         idempotency_key="k1")
    second = builder.questionnaire_create(by=officer, title={"en": "Feedback"}, languages=["en"], idempotency_key="k1")
    # then one draft exists, in the site's language order, unknown languages dropped
    assert first.pk == second.pk
    assert Questionnaire.objects.count() == 1
    assert first.status == "draft" and first.languages == ["en", "fr"] and first.created_by == officer
    assert AuditEvent.objects.for_object(first).filter(action="create").count() == 1


def test_non_staff_cannot_create(focal_point):
    with pytest.raises(NotAllowed):
        builder.questionnaire_create(by=focal_point, title={"en": "Feedback"})
    assert Questionnaire.objects.count() == 0


def test_create_refuses_two_targets(officer):
    from pontis.actions.tests.factories import make_action

    action = make_action(officer)
    meeting_target = {"action": action, "meeting": None}
    q = builder.questionnaire_create(by=officer, title={"en": "A"}, **meeting_target)
    assert q.action == action
    with pytest.raises(ValidationFailed) as exc:
        builder.questionnaire_create(by=officer, title={"en": "B"}, action=action, activity=object())
    assert exc.value.field == "target"
    assert Questionnaire.objects.count() == 1


def test_create_from_template_copies_questions_and_choices(officer):
    from pontis.feedback.services.templates import templates_load

    templates_load()
    template = Questionnaire.objects.get(template_code="participant")
    q = builder.questionnaire_create(by=officer, template=template)
    assert q.is_template is False and q.source == template and q.purpose == "participant"
    assert q.title == template.title and q.languages == ["en", "fr", "es", "pt", "ru"]
    assert list(q.questions.values_list("key", flat=True)) == list(template.questions.values_list("key", flat=True))
    assert q.questions.get(key="role").choices.count() == 4
    assert q.questions.get(key="relevance").criterion.code == "relevance"


# ---------------------------------------------------------------- questions and keys


def test_key_must_be_a_slug_and_unique(officer):
    q = blank(officer)
    with pytest.raises(ValidationFailed) as exc:
        builder.question_add(questionnaire=q, by=officer, key="Not a slug!", type="text", text={"en": "?"})
    assert exc.value.field == "key"
    builder.question_add(questionnaire=q, by=officer, key="Useful", type="text", text={"en": "?"})
    with pytest.raises(ValidationFailed) as exc:
        builder.question_add(questionnaire=q, by=officer, key="useful", type="text", text={"en": "?"})
    assert exc.value.field == "key"
    assert list(q.questions.values_list("key", flat=True)) == ["useful"]


def test_knowledge_question_needs_pair_and_phase(officer):
    q = blank(officer)
    with pytest.raises(ValidationFailed) as exc:
        builder.question_add(questionnaire=q, by=officer, key="k", type="knowledge", text={"en": "?"}, phase="pre")
    assert exc.value.field == "pair"
    with pytest.raises(ValidationFailed) as exc:
        builder.question_add(questionnaire=q, by=officer, key="k", type="knowledge", text={"en": "?"}, pair="law")
    assert exc.value.field == "phase"
    assert q.questions.count() == 0


def test_unknown_criterion_is_refused(officer):
    q = blank(officer)
    with pytest.raises(ValidationFailed) as exc:
        builder.question_add(questionnaire=q, by=officer, key="r", type="rating", text={"en": "?"}, criterion="nope")
    assert exc.value.field == "criterion"


def test_move_question_and_choice(officer):
    q = complete(officer)
    useful = q.questions.get(key="useful")
    builder.question_move(question=useful, by=officer, direction="up")
    assert list(q.questions.order_by("order").values_list("key", flat=True)) == [
        "overall", "again", "k_pre", "useful", "k_post"]
    builder.question_move(question=q.questions.get(key="overall"), by=officer, direction="up")  # first stays first
    assert q.questions.order_by("order").first().key == "overall"
    no = Choice.objects.get(question__key="again", value="no")
    builder.choice_move(choice=no, by=officer, direction="up")
    assert list(q.questions.get(key="again").choices.order_by("order").values_list("value", flat=True)) == ["no", "yes"]


# ---------------------------------------------------------------- launch: the frozen shape


def test_launch_freezes_version_one_in_the_agreed_shape(officer):
    q = complete(officer)
    version = builder.questionnaire_launch(questionnaire=q, by=officer)
    q.refresh_from_db()
    assert q.status == "open"
    assert version.number == 1 and version.languages == ["en", "fr"] and version.fallback_languages == []
    assert version.title == {"en": "Feedback", "fr": "Feedback [fr]"}
    assert version.questions[0] == {
        "key": "overall", "type": "rating", "text": {"en": "Overall?", "fr": "Overall? [fr]"}, "help": {},
        "required": True, "criterion": "relevance", "level": "reaction", "pair": "", "phase": "", "choices": []}
    assert version.questions[1]["choices"] == [{"value": "yes", "label": {"en": "Yes", "fr": "Yes [fr]"}},
                                               {"value": "no", "label": {"en": "No", "fr": "No [fr]"}}]
    assert [(x["key"], x["pair"], x["phase"]) for x in version.questions[2:4]] == [
        ("k_pre", "law", "pre"), ("k_post", "law", "post")]
    assert version.questions[4]["required"] is False and version.questions[4]["criterion"] == ""


def test_version_questions_in_a_language(officer):
    q = complete(officer)
    version = builder.questionnaire_launch(questionnaire=q, by=officer)
    fr = version_questions(version, "fr")
    assert fr[0]["text"] == "Overall? [fr]" and fr[0]["fallback"] is None
    assert fr[1]["choices"] == [{"value": "yes", "label": "Yes [fr]", "fallback": None},
                                {"value": "no", "label": "No [fr]", "fallback": None}]
    assert version_title(version, "fr")["title"] == "Feedback [fr]"


# ---------------------------------------------------------------- launch refused, rule by rule


def assert_launch_refused(officer, q, code):
    with pytest.raises(ValidationFailed) as exc:
        builder.questionnaire_launch(questionnaire=q, by=officer)
    assert code in _codes(exc)
    q.refresh_from_db()
    assert q.status == "draft"
    assert QuestionnaireVersion.objects.filter(questionnaire=q).count() == 0


def test_launch_refused_without_questions(officer):
    assert_launch_refused(officer, blank(officer), "no_questions")


def test_launch_refused_for_a_choice_question_without_choices(officer):
    q = complete(officer)
    Choice.objects.filter(question__questionnaire=q).delete()
    assert_launch_refused(officer, q, "no_choices")


def test_launch_refused_for_an_incomplete_knowledge_pair(officer):
    q = complete(officer)
    builder.question_delete(question=q.questions.get(key="k_post"), by=officer)
    assert_launch_refused(officer, q, "incomplete_pair")


def test_launch_refused_for_two_pre_questions_in_a_pair(officer):
    q = complete(officer)
    builder.question_update(question=q.questions.get(key="k_post"), by=officer, phase="pre")
    assert_launch_refused(officer, q, "incomplete_pair")


def test_launch_refused_for_duplicate_keys(officer):
    q = complete(officer)
    # a key differing only in case (written around the service, as an import might)
    Question.objects.filter(questionnaire=q, key="useful").update(key="Overall")
    assert_launch_refused(officer, q, "duplicate_key")


def test_launch_refused_when_a_text_is_missing_in_a_language(officer):
    q = complete(officer)
    builder.question_update(question=q.questions.get(key="overall"), by=officer, text={"en": "Overall?"})
    with pytest.raises(ValidationFailed) as exc:
        builder.questionnaire_launch(questionnaire=q, by=officer)
    assert _codes(exc) == ["missing_text"]
    assert "question “overall”" in str(exc.value.message)
    assert QuestionnaireVersion.objects.count() == 0


def test_launch_refused_when_a_choice_label_is_missing(officer):
    q = complete(officer)
    builder.choice_update(choice=Choice.objects.get(value="no"), by=officer, label={"en": "No"})
    assert_launch_refused(officer, q, "missing_text")


def test_launch_refused_when_the_title_is_missing(officer):
    q = complete(officer)
    builder.questionnaire_update(questionnaire=q, by=officer, title={"en": "Feedback"})
    assert_launch_refused(officer, q, "missing_text")


def test_launch_with_fallback_records_the_languages(officer):
    q = complete(officer, langs=("en", "fr", "ru"))
    builder.question_update(question=q.questions.get(key="overall"), by=officer, text={"en": "Overall?", "fr": "Global ?"})
    builder.questionnaire_update(questionnaire=q, by=officer, show_fallback=True)
    version = builder.questionnaire_launch(questionnaire=q, by=officer)
    assert version.fallback_languages == ["ru"]
    ru = version_questions(version, "ru")
    assert ru[0]["text"] == "Overall?" and ru[0]["fallback"] == "en"
    assert ru[1]["fallback"] is None


def test_template_cannot_be_launched(officer):
    from pontis.feedback.services.templates import templates_load

    templates_load()
    template = Questionnaire.objects.get(template_code="expert")
    with pytest.raises(ValidationFailed) as exc:
        builder.questionnaire_launch(questionnaire=template, by=officer)
    assert "template" in _codes(exc)
    assert template.versions.count() == 0


def test_non_staff_cannot_launch(officer, focal_point):
    q = complete(officer)
    with pytest.raises(NotAllowed):
        builder.questionnaire_launch(questionnaire=q, by=focal_point)
    q.refresh_from_db()
    assert q.status == "draft" and q.versions.count() == 0


# ---------------------------------------------------------------- versions


def test_edit_after_launch_makes_version_two_and_leaves_version_one(officer):
    q = complete(officer)
    v1 = builder.questionnaire_launch(questionnaire=q, by=officer)
    frozen = list(v1.questions)
    builder.question_update(question=q.questions.get(key="overall"), by=officer,
                            text={"en": "All in all?", "fr": "En somme ?"})
    builder.question_delete(question=q.questions.get(key="useful"), by=officer)
    v2 = builder.questionnaire_launch(questionnaire=q, by=officer)
    v1.refresh_from_db()
    assert v2.number == 2 and [x["key"] for x in v2.questions] == ["overall", "again", "k_pre", "k_post"]
    assert v2.questions[0]["text"] == {"en": "All in all?", "fr": "En somme ?"}
    assert v1.questions == frozen and len(v1.questions) == 5
    q.refresh_from_db()
    assert q.status == "open"


def test_relaunch_without_changes_is_refused(officer):
    q = complete(officer)
    builder.questionnaire_launch(questionnaire=q, by=officer)
    with pytest.raises(Conflict):
        builder.questionnaire_launch(questionnaire=q, by=officer)
    assert q.versions.count() == 1


def test_launched_key_never_changes(officer):
    q = complete(officer)
    builder.questionnaire_launch(questionnaire=q, by=officer)
    question = q.questions.get(key="overall")
    with pytest.raises(ValidationFailed) as exc:
        builder.question_update(question=question, by=officer, key="renamed")
    assert exc.value.field == "key"
    question.refresh_from_db()
    assert question.key == "overall"
    # a question added after launch may still be renamed until it is launched
    new = builder.question_add(questionnaire=q, by=officer, key="extra", type="text", text=texts("Extra?", ("en", "fr")))
    assert builder.question_update(question=new, by=officer, key="extra2").key == "extra2"


def test_close_then_reopen_with_changes(officer):
    q = complete(officer)
    builder.questionnaire_launch(questionnaire=q, by=officer)
    builder.questionnaire_close(questionnaire=q, by=officer)
    q.refresh_from_db()
    assert q.status == "closed"
    with pytest.raises(IllegalTransition):
        builder.questionnaire_launch(questionnaire=q, by=officer)
    builder.question_update(question=q.questions.get(key="useful"), by=officer, required=True)
    version = builder.questionnaire_reopen_with_changes(questionnaire=q, by=officer)
    q.refresh_from_db()
    assert q.status == "open" and version.number == 2 and version.questions[4]["required"] is True


def test_reopen_without_changes_keeps_the_version(officer):
    q = complete(officer)
    builder.questionnaire_launch(questionnaire=q, by=officer)
    builder.questionnaire_close(questionnaire=q, by=officer)
    version = builder.questionnaire_reopen_with_changes(questionnaire=q, by=officer)
    assert version.number == 1 and q.versions.count() == 1


def test_close_a_draft_is_illegal(officer):
    q = complete(officer)
    with pytest.raises(IllegalTransition):
        builder.questionnaire_close(questionnaire=q, by=officer)
    q.refresh_from_db()
    assert q.status == "draft"
