"""The builder's pages: who may open them, what they show, and that they change things through the services."""

import pytest
from django.urls import reverse

from pontis.actions.tests.factories import make_action, workshop
from pontis.feedback.models import Choice, Question, Questionnaire
from pontis.feedback.services import builder
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

from .builder_factories import blank, complete, texts

pytestmark = pytest.mark.django_db


def _activity(officer):
    from pontis.actions.models import Activity

    action = make_action(officer)
    return Activity.objects.create(action=action, type=workshop(), title={"en": "Workshop on asylum law"})


# ---------------------------------------------------------------- access per role


@pytest.mark.parametrize("role", ["committee", "focal_point", "expert", "observer"])
def test_non_staff_are_refused_the_builder(client, officer, role):
    q = complete(officer)
    client.force_login(user_with_role(role))
    for url in (reverse("feedback:builder_list"), reverse("feedback:builder_detail", args=[q.pk]),
                reverse("feedback:builder_templates"), reverse("feedback:builder_create")):
        assert client.get(url).status_code == 403
    response = client.post(reverse("feedback:builder_launch", args=[q.pk]), {"confirmed": "1"})
    assert response.status_code == 403
    q.refresh_from_db()
    assert q.status == "draft"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("feedback:builder_list"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", ["admin", "officer"])
def test_staff_see_the_list_with_filters(client, officer, role):
    open_one = complete(officer)
    builder.questionnaire_launch(questionnaire=open_one, by=officer)
    blank(officer)
    client.force_login(user_with_role(role))
    response = client.get(reverse("feedback:builder_list"), {"status": "open"})
    assert response.status_code == 200
    assert [row.pk for row in response.context["page"].object_list] == [open_one.pk]
    assert b"Feedback questionnaires" in response.content


def test_list_query_count_is_flat(client, officer):
    client.force_login(officer)
    url = reverse("feedback:builder_list")
    complete(officer)
    small, _response = count_queries(lambda: client.get(url))
    activity = _activity(officer)
    for _ in range(6):
        q = complete(officer, activity=activity)
        builder.questionnaire_launch(questionnaire=q, by=officer)
    blank(officer, action=activity.action)
    large, response = count_queries(lambda: client.get(url))
    assert response.context["page"].paginator.count == 8
    assert_flat(small, large)


# ---------------------------------------------------------------- create


def test_create_from_a_template_for_an_activity(client, officer):
    activity = _activity(officer)
    client.force_login(officer)
    page = client.get(reverse("feedback:builder_create"), {"activity": activity.pk})
    assert page.status_code == 200
    template = Questionnaire.objects.get(template_code="participant")  # loaded lazily by the page
    key = page.context["form"].initial["idempotency_key"]
    data = {"template": template.pk, "activity": activity.pk, "idempotency_key": key}
    first = client.post(reverse("feedback:builder_create"), data)
    second = client.post(reverse("feedback:builder_create"), data)
    created = Questionnaire.objects.get(is_template=False)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("feedback:builder_detail", args=[created.pk])
    assert created.activity == activity and created.questions.count() == template.questions.count()


def test_create_blank_needs_a_title(client, officer):
    client.force_login(officer)
    response = client.post(reverse("feedback:builder_create"), {"template": ""})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert Questionnaire.objects.filter(is_template=False).count() == 0


def test_activity_and_action_pages_show_the_panel_to_staff_only(client, officer, focal_point):
    activity = _activity(officer)
    q = blank(officer, activity=activity)
    client.force_login(officer)
    page = client.get(reverse("actions:activity", args=[activity.action.code, activity.pk]))
    assert b"Create a feedback questionnaire" in page.content
    assert reverse("feedback:builder_detail", args=[q.pk]).encode() in page.content
    action_page = client.get(reverse("actions:detail", args=[activity.action.code]))
    assert reverse("feedback:builder_detail", args=[q.pk]).encode() in action_page.content
    client.force_login(user_with_role("committee"))
    page = client.get(reverse("actions:detail", args=[activity.action.code]))
    assert b"Create a feedback questionnaire" not in page.content


# ---------------------------------------------------------------- the builder


def test_builder_page_lists_questions_and_missing_languages(client, officer):
    q = complete(officer, langs=("en", "fr", "ru"))
    builder.question_update(question=q.questions.get(key="overall"), by=officer, text={"en": "Overall?", "fr": "Global ?"})
    client.force_login(officer)
    response = client.get(reverse("feedback:builder_detail", args=[q.pk]))
    assert response.status_code == 200
    languages = {row["code"]: row["missing"] for row in response.context["languages"]}
    assert languages["en"] == [] and languages["fr"] == []
    assert [str(m) for m in languages["ru"]] == ["question “overall”"]
    assert [code for code, _m in response.context["problems"]] == ["missing_text"]


def test_add_a_question_through_the_form(client, officer):
    q = blank(officer)
    client.force_login(officer)
    data = {"type": "rating", "key": "relevance", "text_en": "Relevant?", "text_fr": "Pertinent ?",
            "required": "on", "criterion": "", "level": "reaction", "idempotency_key": "abc"}
    from pontis.core.models import EvaluationCriterion

    data["criterion"] = EvaluationCriterion.objects.get(code="relevance").pk
    response = client.post(reverse("feedback:builder_question_add", args=[q.pk]), data)
    assert response.status_code == 302
    question = q.questions.get()
    assert (question.key, question.text, question.criterion.code, question.level) == (
        "relevance", {"en": "Relevant?", "fr": "Pertinent ?"}, "relevance", "reaction")


def test_add_a_question_with_a_bad_key_shows_the_error(client, officer):
    q = blank(officer)
    client.force_login(officer)
    response = client.post(reverse("feedback:builder_question_add", args=[q.pk]),
                           {"type": "text", "key": "Bad key", "text_en": "Why?"})
    assert response.status_code == 200
    assert "key" in response.context["form"].errors
    assert q.questions.count() == 0


def test_move_a_question_without_javascript(client, officer):
    q = complete(officer)
    useful = q.questions.get(key="useful")
    client.force_login(officer)
    response = client.post(reverse("feedback:builder_question_move", args=[q.pk, useful.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert list(q.questions.order_by("order").values_list("key", flat=True))[-2:] == ["useful", "k_post"]


def test_delete_a_question_asks_for_confirmation(client, officer):
    q = complete(officer)
    useful = q.questions.get(key="useful")
    client.force_login(officer)
    url = reverse("feedback:builder_question_delete", args=[q.pk, useful.pk])
    response = client.post(url)
    assert response.status_code == 200 and Question.objects.filter(pk=useful.pk).exists()
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302 and not Question.objects.filter(pk=useful.pk).exists()


def test_choice_add_and_edit(client, officer):
    q = complete(officer)
    again = q.questions.get(key="again")
    client.force_login(officer)
    page = client.get(reverse("feedback:builder_question", args=[q.pk, again.pk]))
    assert page.status_code == 200 and page.context["choice_form"] is not None
    response = client.post(reverse("feedback:builder_choice_add", args=[q.pk, again.pk]),
                           {"value": "maybe", "label_en": "Maybe", "label_fr": "Peut-être"})
    assert response.status_code == 302
    maybe = again.choices.get(value="maybe")
    response = client.post(reverse("feedback:builder_choice", args=[q.pk, again.pk, maybe.pk]),
                           {"value": "perhaps", "label_en": "Perhaps", "label_fr": "Peut-être"})
    assert response.status_code == 302
    assert Choice.objects.get(pk=maybe.pk).value == "perhaps"


def test_preview_in_each_language_marks_the_fallback(client, officer):
    q = complete(officer, langs=("en", "fr", "ru"))
    builder.question_update(question=q.questions.get(key="overall"), by=officer, text={"en": "Overall?"})
    client.force_login(officer)
    response = client.get(reverse("feedback:builder_preview", args=[q.pk]), {"lang": "ru"})
    assert response.status_code == 200 and response.context["lang"] == "ru"
    first = response.context["questions"][0]
    assert first["text"] == "Overall?" and first["fallback"] == "en"
    assert response.content.count(b'class="fallback-note"') == 1  # the note, in the preview's language
    response = client.get(reverse("feedback:builder_preview", args=[q.pk]), {"lang": "fr"})
    assert response.context["questions"][1]["text"] == "Again? [fr]"


def test_launch_shows_check_your_answers_then_launches(client, officer):
    q = complete(officer)
    client.force_login(officer)
    url = reverse("feedback:builder_launch", args=[q.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["problems"] == []
    assert b"Launch the questionnaire" in page.content
    response = client.post(url)  # without the confirmation: nothing happens
    assert response.status_code == 200
    q.refresh_from_db()
    assert q.status == "draft"
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.status == "open" and q.versions.get().number == 1


def test_launch_page_lists_why_it_cannot_be_launched(client, officer):
    q = blank(officer)
    client.force_login(officer)
    response = client.post(reverse("feedback:builder_launch", args=[q.pk]), {"confirmed": "1"})
    assert response.status_code == 200
    assert [code for code, _m in response.context["problems"]] == ["no_questions"]
    assert q.versions.count() == 0


def test_close_asks_for_confirmation_and_versions_page(client, officer):
    q = complete(officer)
    builder.questionnaire_launch(questionnaire=q, by=officer)
    builder.question_update(question=q.questions.get(key="useful"), by=officer, text=texts("Best part?", ("en", "fr")))
    builder.questionnaire_launch(questionnaire=q, by=officer)
    client.force_login(officer)
    url = reverse("feedback:builder_close", args=[q.pk])
    assert client.post(url).status_code == 200
    q.refresh_from_db()
    assert q.status == "open"
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    q.refresh_from_db()
    assert q.status == "closed"
    response = client.get(reverse("feedback:builder_versions", args=[q.pk]))
    assert [v["version"].number for v in response.context["versions"]] == [2, 1]
    assert response.context["versions"][0]["questions"][4]["text"] == "Best part?"
    assert response.context["versions"][1]["questions"][4]["text"] == "Most useful?"


def test_settings_round_trip_changes_nothing(client, officer):
    q = complete(officer)
    client.force_login(officer)
    url = reverse("feedback:builder_settings", args=[q.pk])
    data = {"title_en": "Feedback", "title_fr": "Feedback [fr]", "purpose": "participant", "anonymity": "anonymous",
            "languages": ["en", "fr"]}
    assert client.post(url, data).status_code == 302
    q2 = Questionnaire.objects.get(pk=q.pk)
    assert (q2.title, q2.languages, q2.updated_at >= q.updated_at) == (q.title, ["en", "fr"], True)


def test_follow_up_questionnaire_from_the_action_page(client, officer):
    import datetime

    from pontis.actions.models import FollowUp

    action = make_action(officer)
    follow_up = FollowUp.objects.create(action=action, months=6, due_on=datetime.date(2030, 1, 1))
    client.force_login(officer)
    page = client.get(reverse("actions:detail", args=[action.code]))
    link = f"{reverse('feedback:builder_create')}?follow_up={follow_up.pk}"
    assert link.encode() in page.content
    form_page = client.get(link)
    template = form_page.context["form"].initial["template"]
    assert template.template_code == "follow_up"
    client.post(reverse("feedback:builder_create"), {"template": template.pk, "follow_up": follow_up.pk})
    created = Questionnaire.objects.get(is_template=False)
    assert created.follow_up == follow_up and created.purpose == "follow_up"
    # the follow-up has its questionnaire: no second link, and a second one is refused
    page = client.get(reverse("actions:detail", args=[action.code]))
    assert link.encode() not in page.content
    response = client.post(reverse("feedback:builder_create"), {"template": template.pk, "follow_up": follow_up.pk})
    assert response.status_code == 200
    assert Questionnaire.objects.filter(is_template=False).count() == 1


@pytest.mark.parametrize("lang", ["fr", "ru"])
def test_settings_resubmitted_unchanged_in_each_language_changes_nothing(client, officer, lang):
    from pontis.core.models import AuditEvent

    q = complete(officer, langs=("en", "fr", "ru"))
    client.force_login(officer)
    before = AuditEvent.objects.for_object(q).count()
    data = {"title_en": q.title["en"], "title_fr": q.title["fr"], "title_ru": q.title["ru"], "purpose": q.purpose,
            "anonymity": q.anonymity, "languages": list(q.languages)}
    response = client.post(reverse("feedback:builder_settings", args=[q.pk]), data, headers={"accept-language": lang})
    assert response.status_code == 302
    q2 = Questionnaire.objects.get(pk=q.pk)
    assert (q2.title, q2.intro, q2.languages, q2.show_fallback) == (q.title, q.intro, q.languages, q.show_fallback)
    assert AuditEvent.objects.for_object(q).count() == before


def test_hostile_text_is_escaped(client, officer):
    q = blank(officer, langs=("en",))
    builder.question_add(questionnaire=q, by=officer, key="x", type="text", text={"en": "<script>alert(1)</script>"})
    client.force_login(officer)
    for name in ("feedback:builder_detail", "feedback:builder_preview"):
        content = client.get(reverse(name, args=[q.pk])).content
        assert b"<script>alert(1)</script>" not in content
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in content
