"""Helpers for the builder's tests: questionnaires built through the services, as staff build them."""

from __future__ import annotations

from pontis.feedback.services import builder

ALL = {"en": "", "fr": "", "es": "", "pt": "", "ru": ""}


def texts(en: str, langs=("en", "fr", "es", "pt", "ru")) -> dict:
    return {lang: f"{en} [{lang}]" if lang != "en" else en for lang in langs}


def blank(officer, *, langs=("en", "fr"), **target):
    return builder.questionnaire_create(by=officer, title=texts("Feedback", langs), languages=list(langs), **target)


def complete(officer, *, langs=("en", "fr"), **target):
    """A questionnaire that may be launched: a rating, a single choice with two choices, a knowledge pair, a text."""
    q = blank(officer, langs=langs, **target)
    builder.question_add(questionnaire=q, by=officer, key="overall", type="rating", text=texts("Overall?", langs),
                         criterion="relevance", level="reaction")
    single = builder.question_add(questionnaire=q, by=officer, key="again", type="single",
                                  text=texts("Again?", langs))
    builder.choice_add(question=single, by=officer, value="yes", label=texts("Yes", langs))
    builder.choice_add(question=single, by=officer, value="no", label=texts("No", langs))
    builder.question_add(questionnaire=q, by=officer, key="k_pre", type="knowledge", text=texts("Before?", langs),
                         pair="law", phase="pre", level="learning")
    builder.question_add(questionnaire=q, by=officer, key="k_post", type="knowledge", text=texts("After?", langs),
                         pair="law", phase="post", level="learning")
    builder.question_add(questionnaire=q, by=officer, key="useful", type="text", text=texts("Most useful?", langs),
                         required=False)
    return q
