"""The roster's rows, written in Python, read as the template's loop wrote them; a search's count is kept a minute
at most, never in tests' default profile."""

import pytest
from django.core.cache import cache
from django.template import engines
from django.urls import reverse
from django.utils import translation

from pontis.core.models import Country
from pontis.experts import selectors
from pontis.experts.models import ExpertProfile, language_level_label
from tests.queries import count_queries

from .factories import make_profile

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "fr", "es", "pt", "ru"]
ROSTER = reverse("experts:roster")

# How ``experts/roster.html`` wrote its rows before (the loop between ``<tbody>`` and ``</tbody>``).
OLD_ROWS = engines["django"].from_string(
    "{% load i18n %}{% for p in rows %}\n"
    '    <tr><th scope="row"><a href="{{ p.url }}">{{ p.family_name }}, {{ p.given_name }}</a></th>\n'
    "      <td>{{ p.nationality }}</td><td>{{ p.background }}</td>\n"
    "      <td>{{ p.languages }}</td>\n"
    "      <td>{{ p.themes }}</td>\n"
    '      <td><span class="status {{ p.status_class }}">{{ p.status_label }}</span></td></tr>\n'
    '  {% empty %}<tr><td colspan="6">{% translate "No expert matches." %}</td></tr>{% endfor %}'
)
NEW_ROWS = engines["django"].from_string("{% load experts_pages %}{% roster_rows rows %}")


def _rows():
    senegal = Country.objects.get(code="SN")
    senegal.name = {**senegal.name, "fr": "Sénégal & <Casamance>", "en": "Senegal \"quoted\" 'single'"}
    senegal.save()
    make_profile(given_name="Ann <B>", family_name="O'Brien & {Co}", nationality="SN",
                 languages=(("ar", "native"), ("fr", "C1")), themes=("irregular_thb", "mad"))
    make_profile(nationality=None, status="vetted", background="academic", languages=())
    make_profile(status="inactive", themes=(), languages=(("en", "A2"),))
    ids = ExpertProfile.objects.order_by("family_name", "given_name", "id")
    return list(selectors.roster_page_queryset(ids))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rows_read_as_the_template_wrote_them(language):
    plain = _rows()
    with translation.override(language):
        rows = selectors.roster_rows(plain)
        assert NEW_ROWS.render({"rows": rows}) == OLD_ROWS.render({"rows": rows})
        assert NEW_ROWS.render({"rows": []}) == OLD_ROWS.render({"rows": []})
    assert len(rows) == 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_languages_read_as_the_models_label(language):
    plain = _rows()
    with translation.override(language):
        rows = {row.pk: row.languages for row in selectors.roster_rows(plain)}
        for profile in ExpertProfile.objects.all():
            spoken = sorted(profile.languages.select_related("language"), key=lambda el: (el.language.code, el.language_id))
            assert rows[profile.pk] == ", ".join(language_level_label(el.language, el.level) for el in spoken)


def test_the_rows_escape_what_people_wrote():
    html = NEW_ROWS.render({"rows": selectors.roster_rows(_rows())})
    assert "O&#x27;Brien &amp; {Co}, Ann &lt;B&gt;" in html and "Senegal &quot;quoted&quot; &#x27;single&#x27;" in html
    assert "<B>" not in html


def test_a_search_count_is_not_kept_when_figures_are_not(client, officer):
    client.force_login(officer)
    for n in range(30):
        make_profile(family_name=f"Kept{n:02d}")
    first, response = count_queries(lambda: client.get(ROSTER, {"status": "active"}))
    make_profile(family_name="Newcomer")
    again, response = count_queries(lambda: client.get(ROSTER, {"status": "active"}), warm=False)

    assert again == first and response.context["page"].count == 31


def test_a_search_count_is_kept_a_minute_at_most_per_search(client, officer, settings):
    client.force_login(officer)
    for n in range(30):
        make_profile(family_name=f"Kept{n:02d}")
    fresh, _response = count_queries(lambda: client.get(ROSTER, {"status": "active"}))
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    cache.clear()
    client.get(ROSTER, {"status": "active"})  # counts, and keeps the count
    make_profile(family_name="Newcomer")  # within the minute, the kept count is shown
    again, response = count_queries(lambda: client.get(ROSTER, {"status": "active"}), warm=False)
    other = client.get(ROSTER, {"status": "active", "background": "government"})
    vetted = client.get(ROSTER, {"status": "vetted"})

    assert again == fresh - 1 and response.context["page"].count == 30
    assert other.context["page"].count == 31 and vetted.context["page"].count == 0
    key = selectors.roster_count_key(response.context["form"].search_kwargs())
    assert cache.get(key) == 30 and key != selectors.roster_count_key({**response.context["form"].search_kwargs(),
                                                                         "status": "vetted"})
    from pontis.experts import paging

    assert paging.count_cache_seconds() == 60
    settings.PONTIS_FIGURES_CACHE_SECONDS = 20
    assert paging.count_cache_seconds() == 20
    cache.clear()
