"""The search results are written in Python (``views_search.hits_html``) and the filters' boxes escaped in one call
per value: the same HTML as the template's loop wrote, in the five languages, with hostile text, fallbacks, years,
countries and reasons.

Before, on the stress data: twenty hits of some twenty tags and filters each, a third of a search page's 60,000
Python calls.
"""

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from pontis.knowledge.search.query import FacetValue, Hit
from pontis.knowledge.views_search import _checks, _html, hits_html

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = '<script>alert("x")</script> & “q” \'a\''
# The template's loop before, kept here to compare with.
OLD_LOOP = Template("{% load i18n pontis %}" + '{% for hit in result.items %}\n        <li class="search__item">\n          <p class="search__meta-top"><span class="status">{{ hit.kind_label }}</span>{% if hit.matched_by_meaning %} <span class="status status--warn">{% translate "Matched by meaning" %}</span>{% endif %}</p>\n          <h2 class="search__title"><a href="{{ hit.url }}"{% if hit.text_language %} lang="{{ hit.text_language }}"{% endif %}>{{ hit.title }}</a>{% if hit.is_fallback %} <span class="fallback-note">({% blocktranslate with language=hit.text_language|language_name_translated %}in {{ language }}{% endblocktranslate %})</span>{% endif %}</h2>\n          {% if hit.snippet %}<p class="search__snippet"{% if hit.text_language %} lang="{{ hit.text_language }}"{% endif %}>{{ hit.snippet }}</p>{% endif %}\n          <p class="search__meta small">\n            {% if hit.countries %}<span>{{ hit.countries|join:", " }}</span>{% endif %}\n            {% if hit.year %}<span>{{ hit.year }}</span>{% endif %}\n          </p>\n          {% if hit.why %}<p class="search__why small muted">{% translate "Why:" %} {{ hit.why|join:" · " }}</p>{% endif %}\n        </li>\n        {% endfor %}')
OLD_CHECKS = (
    '<div class="search__check"><input type="checkbox" id="f-{name}-{n}" name="{name}" value="{value}" {checked}>'
    ' <label for="f-{name}-{n}">{label} <span class="search__n">({count})</span></label></div>'
)


def _hits():
    plain = Hit(kind="case_study", object_id=1, score=1.0, language="en", year=2021)
    plain.title, plain.url = mark_safe("A <mark>protocol</mark>"), "/library/a-protocol/"
    plain.snippet, plain.text_language = mark_safe("… the <mark>protocol</mark> of &amp; …"), "en"
    plain.countries, plain.why = ["Cabo Verde", HOSTILE], [HOSTILE, "In the title: protocol"]
    fallback = Hit(kind="action", object_id=2, score=0.5, language="ru", matched_by_meaning=True)
    fallback.title, fallback.url, fallback.text_language, fallback.is_fallback = mark_safe("Протокол"), \
        '/portal/actions/a"b/', "ru", True
    bare = Hit(kind="publication", object_id=3, score=0.1, year=1999)
    bare.title, bare.url = "", "/library/x/"
    other = Hit(kind="practice", object_id=4, score=0.2, language="pt", year=2024)
    other.title, other.url, other.text_language, other.is_fallback = mark_safe(HOSTILE.replace("<", "&lt;")), \
        "/library/y/", "pt", True
    other.countries = ["Perú"]
    return [plain, fallback, bare, other]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_hits_read_as_the_template_loop_wrote_them(lang):
    hits = _hits()
    with translation.override(lang):
        expected = OLD_LOOP.render(Context({"result": {"items": hits}}))
        written = str(hits_html(hits))
    assert written == expected
    assert "<script>" not in written and "&lt;script&gt;" in written and 'lang="ru"' in written
    assert hits_html([]) == ""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_boxes_read_as_format_html_wrote_them(lang):
    values = [FacetValue(value="a&b", label=HOSTILE, count=3, selected=True),
              FacetValue(value="cv", label="Cabo Verde", count=12, selected=False)]
    with translation.override(lang):
        written = _checks("country", values)
    expected = "\n".join(
        OLD_CHECKS.format(name="country", n=n, value=_html(f.value), checked="checked" if f.selected else "",
                          label=_html(f.label), count=_html(f.count))
        for n, f in enumerate(values, start=1))
    assert written == expected and "&lt;script&gt;" in written


@pytest.mark.parametrize("query", ["", "protocol", "migración", "nothing-here"])
def test_the_lazy_snippet_is_the_snippet_of_every_text(query):
    from pontis.core.i18n import translate
    from pontis.knowledge.search.query import snippet, snippet_of
    from pontis.knowledge.text import stems

    values = [{}, {"en": "   "}, {"fr": "Un texte sans le mot " + HOSTILE}, "plain text",
              {"en": " ".join(["word"] * 40) + " the protocol and migration of " + HOSTILE, "es": "la migración"},
              {"es": "Protocolo de migración"}]
    for lang in ("en", "es", "fr"):
        stem_set = set(stems(query, lang))
        for start in range(len(values)):
            chosen = values[start:]
            expected = snippet([str(translate(v, lang)) for v in chosen], stem_set, lang)
            assert snippet_of(chosen, stem_set, lang) == expected
