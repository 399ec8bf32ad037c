"""The case-study form on a completed Action's page is rendered once per language and process, then given a fresh
one-time key on each page: the same HTML as ``{{ form }}`` wrote, in the five languages, and never the same key
twice."""

import re

import pytest
from django.utils import translation

from pontis.knowledge.forms import CaseStudyFromActionForm
from pontis.knowledge.wiring.library import case_study_form_html

LANGUAGES = ("en", "fr", "es", "pt", "ru")
KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_is_what_the_form_template_wrote_with_a_fresh_key(language):
    with translation.override(language):
        written = [case_study_form_html() for _i in range(3)]
        keys = [KEY.search(html).group(1) for html in written]
        expected = str(CaseStudyFromActionForm(auto_id="case-study-%s", initial={"idempotency_key": keys[0]}))

    assert written[0] == expected
    assert len(set(keys)) == 3 and "0" * 32 not in written[1]
    assert [KEY.sub("", html) for html in written[1:]] == [KEY.sub("", expected)] * 2


def test_each_language_has_its_own_labels():
    with translation.override("fr"):
        french = case_study_form_html()
    with translation.override("en"):
        english = case_study_form_html()
    assert "Who may see it" in english and "Who may see it" not in french
