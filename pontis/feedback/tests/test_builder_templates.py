"""The shipped templates: loaded once however often, complete in five languages, launchable once copied."""

import pytest
from django.core.management import call_command

from pontis.feedback.models import Choice, Question, Questionnaire
from pontis.feedback.selectors.builder import launch_problems, missing_texts
from pontis.feedback.services import builder
from pontis.feedback.services.templates import templates_data, templates_load

pytestmark = pytest.mark.django_db

CODES = ["expert", "follow_up", "participant", "partner", "pre_round_table"]
LANGS = {"en", "fr", "es", "pt", "ru"}


def test_templates_load_is_idempotent():
    assert templates_load() == 5
    counts = (Questionnaire.objects.count(), Question.objects.count(), Choice.objects.count())
    assert templates_load() == 0
    call_command("load_questionnaire_templates")
    assert (Questionnaire.objects.count(), Question.objects.count(), Choice.objects.count()) == counts
    assert sorted(Questionnaire.objects.values_list("template_code", flat=True)) == CODES


def test_refresh_rewrites_the_questions():
    templates_load()
    template = Questionnaire.objects.get(template_code="expert")
    template.questions.get(key="briefing").delete()
    assert templates_load(refresh=True) == 5
    assert template.questions.filter(key="briefing").count() == 1
    assert Questionnaire.objects.filter(is_template=True).count() == 5


def test_every_text_is_written_in_the_five_languages():
    templates_load()
    for template in Questionnaire.objects.filter(is_template=True):
        assert set(template.languages) == LANGS
        assert missing_texts(template) == {}, template.template_code
        assert set(template.intro) == LANGS


def test_the_data_file_is_complete_and_consistent():
    for spec in templates_data():
        for question in spec["questions"]:
            assert set(question["text"]) == LANGS, question["key"]
            for choice in question.get("choices") or []:
                assert set(choice["label"]) == LANGS, choice["value"]
            if question["type"] == "rating":
                assert question.get("criterion") and question.get("level"), question["key"]


def test_participant_template_has_criteria_reaction_and_a_knowledge_pair():
    templates_load()
    template = Questionnaire.objects.get(template_code="participant")
    ratings = template.questions.filter(type="rating")
    assert ratings.count() == 7
    assert set(ratings.values_list("level", flat=True)) == {"reaction"}
    assert set(ratings.values_list("criterion__code", flat=True)) == {
        "effectiveness", "relevance", "efficiency", "eu_added_value", "impact"}
    pair = list(template.questions.filter(type="knowledge").values_list("pair", "phase"))
    assert sorted(pair) == [("topic_knowledge", "post"), ("topic_knowledge", "pre")]
    assert set(template.questions.filter(type="text").values_list("key", flat=True)) == {"most_useful", "suggestions"}


@pytest.mark.parametrize("code", CODES)
def test_each_template_copy_can_be_launched(officer, code):
    templates_load()
    copy = builder.questionnaire_create(by=officer, template=Questionnaire.objects.get(template_code=code))
    assert launch_problems(copy) == []
    version = builder.questionnaire_launch(questionnaire=copy, by=officer)
    assert version.fallback_languages == [] and version.languages == ["en", "fr", "es", "pt", "ru"]
