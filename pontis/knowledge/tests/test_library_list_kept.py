"""The library list's filter choices are kept a minute per class of readers (never a class that sees more), and
the pieces of the list written in Python (the theme and country options, each row's places) read exactly as the
template's loops wrote them, in the five languages."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from pontis.core.models import Country, ThematicArea
from pontis.knowledge import selectors, views_library
from pontis.knowledge.tests.portal_factories import library_item
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "es", "pt", "ru")
URL = "/library/"


@pytest.fixture
def kept(settings):
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    settings.PONTIS_PORTAL_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def items():
    themes = list(ThematicArea.objects.order_by("code")[:2])
    hostile = Country.objects.get(code="CV")
    hostile.name = {"en": "Cabo <Verde> & “Co”", "fr": "Cap-Vert <b>", "ru": "Кабо-Верде & «Ко»"}
    hostile.save()
    public = library_item(visibility="public")
    public.countries.set(Country.objects.filter(code__in=("CV", "SN")))
    public.themes.set(themes)
    only_themes = library_item(visibility="public")
    only_themes.themes.set(themes[:1])
    library_item(visibility="public")  # no place at all
    staff = library_item(visibility="staff")
    staff.countries.set(Country.objects.filter(code="JP"))
    return {"public": public, "staff": staff}


OPTIONS = Template(
    "{% for t in choices.themes %}<option value=\"{{ t.code }}\" {% if t.code == filters.theme %}selected{% endif %}>"
    "{{ t }}</option>{% endfor %}|{% for c in choices.countries %}<option value=\"{{ c.code }}\" "
    "{% if c.code == filters.country %}selected{% endif %}>{{ c }}</option>{% endfor %}"
)
PLACES = Template(
    "{% for item in items %}<p class=\"small\">{% for c in item.countries.all %}{{ c }}{% if not forloop.last %}, "
    "{% endif %}{% endfor %}{% if item.countries.all and item.themes.all %} · {% endif %}{% for t in item.themes.all %}"
    "{{ t }}{% if not forloop.last %}; {% endif %}{% endfor %}</p>{% endfor %}"
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_options_read_as_the_template_loops_wrote_them(items, lang):
    choices = selectors.item_filter_choices(AnonymousUser())
    theme = choices["themes"][0].code
    with translation.override(lang):
        options = selectors.item_filter_options(AnonymousUser())
        for filters in ({"theme": "", "country": ""}, {"theme": theme, "country": "CV"}, {"theme": "x", "country": "SN"}):
            expected = OPTIONS.render(Context({"choices": choices, "filters": filters}))
            written = (f"{views_library.options_html(options['themes'], filters['theme'])}|"
                       f"{views_library.options_html(options['countries'], filters['country'])}")
            assert written == expected
    assert "&lt;Verde&gt; &amp;" in expected or lang not in ("en", "pt", "es")


# The list's rows as its template's loop wrote them, with each row's places as the prefetches gave them.
OLD_ROWS = Template(
    "{% load i18n pontis %}<ul>\n{% for item in items %}\n  <li class=\"library-list__item card\">\n    "
    "<p class=\"library-list__kind\"><span class=\"tag\">{{ item.get_kind_display }}</span>{% if item.year %} · "
    "{{ item.year }}{% endif %}\n    {% if item.status != \"published\" %} <span class=\"status status--warn\">"
    "{{ item.get_status_display }}</span>{% endif %}\n    {% if item.visibility != \"public\" %} "
    "<span class=\"status\">{{ item.get_visibility_display }}</span>{% endif %}</p>\n    "
    "<h2 class=\"library-list__title\"><a href=\"{% url 'library:detail' item.slug %}\">{% tr item.title %}</a>"
    "</h2>\n    {% if item.summary %}<p class=\"library-list__summary\">{% tr item.summary %}</p>{% endif %}\n    "
    "<p class=\"small\">{{ item.places }}</p>\n  </li>\n{% empty %}<li>{% if filtered %}"
    "{% translate \"No item matches these filters.\" %}{% else %}{% translate \"Nothing in the library yet.\" %}"
    "{% endif %}</li>{% endfor %}\n</ul>"
)
NEW_ROWS = Template(
    "{% load i18n %}<ul>\n{{ rows_html }}{% if not rows_html %}<li>{% if filtered %}"
    "{% translate \"No item matches these filters.\" %}{% else %}{% translate \"Nothing in the library yet.\" %}"
    "{% endif %}</li>{% endif %}\n</ul>"
)
HOSTILE = '<script>alert("x")</script> & “q” \'a\''


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_rows_places_read_as_the_template_loops_wrote_them(items, lang):
    rows = list(selectors.items_visible_to(None))
    with translation.override(lang):
        places = selectors.item_places(rows)  # named in the active language
        expected = PLACES.render(Context({"items": rows}))
        written = "".join(
            Template('<p class="small">{{ places }}</p>').render(
                Context({"places": views_library._places(*places[item.pk])}))
            for item in rows
        )
    assert written == expected
    assert " · " in written and '<p class="small"></p>' in written


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_rows_read_as_the_template_loop_wrote_them(items, officer, lang):
    hostile = library_item(visibility="members", status="draft", title={"fr": HOSTILE, "ru": HOSTILE},
                           summary={"en": HOSTILE, "pt": "Resumo"})
    hostile.countries.set(Country.objects.filter(code__in=("CV", "PE")))
    library_item(kind="publication", visibility="staff", title={"en": HOSTILE, lang: f"{HOSTILE} {lang}"},
                 summary={lang: HOSTILE})
    rows = list(selectors.items_visible_to(officer))  # every status and visibility
    assert len(rows) == 6
    with translation.override(lang):
        for item in rows:
            item.places = views_library._places(*selectors.item_places([item])[item.pk])
        pages = []
        for shown, filtered in ((rows, False), ([], False), ([], True)):
            expected = OLD_ROWS.render(Context({"items": shown, "filtered": filtered}))
            written = NEW_ROWS.render(Context({
                "rows_html": views_library.item_rows_html(shown, selectors.item_places(shown)), "filtered": filtered}))
            assert written == expected
            pages.append(written)
    assert "<script>" not in pages[0] and "&lt;script&gt;" in pages[0] and 'lang="' in pages[0]


def _content(response) -> str:
    html = response.content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value=|csrf-token" content=|X-CSRFToken": )"[^"]*"', "", html)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_with_kept_choices_is_the_page_computed(items, kept, lang, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    first = client.get(URL, {"country": "CV"})
    again = client.get(URL, {"country": "CV"})
    assert _content(again) == _content(first)
    settings.PONTIS_PORTAL_CACHE_SECONDS = 0
    assert _content(client.get(URL, {"country": "CV"})) == _content(first)


def test_kept_choices_cost_fewer_queries_and_never_come_from_a_class_that_sees_more(items, kept, officer):
    staff_client = Client()
    staff_client.force_login(officer)
    assert 'value="JP"' in staff_client.get(URL).content.decode()
    client = Client()
    first, _response = count_queries(lambda: client.get(URL), warm=False)
    again, response = count_queries(lambda: client.get(URL), warm=False)
    assert again == first - 3
    page = response.content.decode()
    assert 'value="JP"' not in page and 'value="CV"' in page
    assert selectors.item_filter_options(AnonymousUser())["countries"] == [("CV", "Cabo <Verde> & “Co”"),
                                                                          ("SN", "Senegal")]
