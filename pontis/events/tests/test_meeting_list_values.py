"""The meeting list written from values (``selectors.meeting_list``, ``templatetags.events_meeting_list``): the same
HTML as the template and view it replaced (the template kept under ``kept/meeting_list_before``) for every kind of
reader, in the five languages, with hostile text, filtered or not, on every page; and the same rows, counts and
years as the querysets it replaced."""

import copy
import datetime
import re

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.test import override_settings
from django.urls import get_resolver, resolve, reverse

from pontis.core import selectors as reference
from pontis.core.models import Country, Region
from pontis.core.permissions import public
from pontis.events.models import Meeting, Registration
from pontis.events.selectors import meeting_list_rows, meeting_years
from pontis.events.selectors.meeting_list import (
    meeting_list_values,
    meeting_list_years,
    meeting_region_choices,
)
from pontis.events.selectors.meeting_statements import forget_kept_statements
from pontis.events.tests.factories import make_meeting
from pontis.events.views import PAGE_SIZE
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]
HOSTILE = "<script>alert('x')</script> {{ danger }} {% now %} \"quoted\" & 'single' \u202eRTL\u202c zero\u200bwidth"
BEFORE = settings.BASE_DIR / "pontis" / "events" / "tests" / "kept" / "meeting_list_before"
_TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')
READERS = ["anonymous", "officer", "focal_point", "expert", "observer"]
QUERIES = ["", "?page=2", "?page=99", "?page=zz", "?kind=online_consultation", "?year=2019",
           "?region=eu_neighbourhood", "?kind=round_table&year=2018&page=2", "?kind=party&year=abc&region=mars",
           "?kind=conference&region=asia", "?year=1850"]


@public
def _meeting_list_before(request):
    """The view as it was, with the template as it was (found first under ``BEFORE``)."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Meeting.Kind.values else ""
    try:
        year = int(request.GET.get("year", "") or 0) or None
    except ValueError:
        year = None
    if year is not None and not 1900 <= year <= 2200:
        year = None
    region = request.GET.get("region", "")
    regions = list(reference.regions(active_only=True))
    region = region if region in {r.code for r in regions} else ""
    page = Paginator(meeting_list_rows(request.user, kind=kind, year=year, region=region),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/meeting_list.html", {
        "page": page, "kinds": Meeting.Kind.choices, "years": meeting_years(request.user), "regions": regions,
        "kind": kind, "year": year, "region": region, "filtered": bool(kind or year or region),
    })


def _list_pattern():
    func = resolve(reverse("events:list")).func

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns)
            elif pattern.callback is func:
                yield pattern

    return next(walk(get_resolver().url_patterns))


def _before_templates():
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [BEFORE, *templates[0]["DIRS"]]
    return templates


def _without_tokens(html: str) -> str:
    return _TOKENS.sub(r"\1…", html)


def _both(client, monkeypatch, url):
    now = client.get(url)
    with monkeypatch.context() as patch, override_settings(TEMPLATES=_before_templates()):
        patch.setattr(_list_pattern(), "callback", _meeting_list_before)
        before = client.get(url)
    assert now.status_code == before.status_code == 200
    return _without_tokens(now.content.decode()), _without_tokens(before.content.decode())


def _meetings():
    """Meetings of every kind, status and visibility, over several years and regions, with hostile titles and
    places, fallback titles and no country: more than two pages for staff."""
    made = []
    kinds = [value for value, _label in Meeting.Kind.choices]
    for i in range(46):
        country = ["BY", "TH", "MD", "PE", "GE"][i % 5]
        meeting = make_meeting(kind=kinds[i % len(kinds)], is_public=i % 3 != 1, held=i % 4 != 0,
                               start=datetime.date(2017 + i % 4, 1 + i % 12, 1 + i % 27), days=1 + i % 3,
                               country=country, region=["eu_neighbourhood", "asia", None][i % 3])
        made.append(meeting)
    titles = [{"en": "Title " + HOSTILE, "fr": "Titre " + HOSTILE, "ru": "Заголовок"}, {"ru": "Только " + HOSTILE},
              {"ar": "عنوان"}, {"es": "Reunión & <b>"}, {}]
    for i, meeting in enumerate(made[:10]):
        Meeting.objects.filter(pk=meeting.pk).update(title=titles[i % len(titles)], city=HOSTILE if i % 2 else "Chișinău")
    Meeting.objects.filter(pk__in=[m.pk for m in made[::5]]).update(country=None)  # a place without a country
    Meeting.objects.filter(pk=made[2].pk).update(status=Meeting.Status.CANCELLED)
    Meeting.objects.filter(pk=made[4].pk).update(access="registered")
    Meeting.objects.filter(pk=made[5].pk).update(access="roles", access_roles=["expert"])
    Meeting.objects.filter(pk=made[7].pk).update(access="roles", access_roles=["officer"])
    Meeting.objects.filter(pk=made[8].pk).update(slug="a_b-C9")
    return made


def _reader(role, meetings):
    if role == "anonymous":
        return None
    user = user_with_role(role)
    if role == "observer":
        Registration.objects.create(meeting=meetings[4], user=user, name="Me", email=user.email, gender="woman",
                                    institution_name="X", country=Country.objects.get(code="BY"),
                                    status=Registration.Status.APPROVED, token="list-test-token")
    return user


@pytest.mark.parametrize("role", READERS)
def test_the_meeting_list_is_what_its_template_wrote(client, monkeypatch, role):
    meetings = _meetings()
    user = _reader(role, meetings)
    if user is not None:
        client.force_login(user)
    url = reverse("events:list")
    for language in LANGUAGES:
        if user is not None:
            user.language = language
            user.save(update_fields=["language"])
        client.cookies["django_language"] = language
        for query in QUERIES:
            now, before = _both(client, monkeypatch, url + query)
            assert now == before, (language, query)
    now, _before = _both(client, monkeypatch, url)
    assert "<script>alert" not in now and "&lt;script&gt;" in now and "{{ danger }}" in now
    assert now.count("<tr>\n      <td><time") == PAGE_SIZE


def test_the_empty_list_is_what_its_template_wrote(client, monkeypatch):
    client.force_login(user_with_role("officer"))
    now, before = _both(client, monkeypatch, reverse("events:list"))
    assert now == before and '<tr><td colspan="5">' in now


def test_the_pages_differ_between_languages(client, monkeypatch):
    """The comparisons above are made in each language: the words do change."""
    _meetings()
    pages = set()
    for language in ("en", "fr", "ru"):
        client.cookies["django_language"] = language
        pages.add(_both(client, monkeypatch, reverse("events:list"))[0])
    assert len(pages) == 3


# ---------------------------------------------------------------- the kept statements answer as the querysets


FILTERS = [{}, {"kind": "online_consultation"}, {"year": 2019}, {"region": "asia"},
           {"kind": "round_table", "year": 2018, "region": "eu_neighbourhood"}, {"kind": "conference", "year": 1999}]


@pytest.mark.parametrize("role", READERS)
def test_the_rows_counts_and_years_are_the_querysets(role):
    meetings = _meetings()
    user = _reader(role, meetings)
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    forget_kept_statements()
    for _twice in (1, 2):  # compiled, then kept
        for filters in FILTERS:
            expected = meeting_list_rows(user, **filters)
            values = meeting_list_values(user, page_size=PAGE_SIZE, **filters)
            assert values.count() == expected.count() == len(values)
            for bottom, top in ((0, 20), (20, 40), (40, 46), (1, 3), (0, 100)):
                rows = values[bottom:top]
                assert [(r.slug, r.kind, r.start_date, r.end_date, r.city, r.status, r.access) for r in rows] == [
                    (m.slug, m.kind, m.start_date, m.end_date, m.city, m.status, m.access) for m in expected[bottom:top]]
                assert [r.country for r in rows] == [m.country and str(m.country) for m in expected[bottom:top]]
        assert meeting_list_years(user) == meeting_years(user)


def test_the_region_choices_follow_the_regions():
    choices = meeting_region_choices()
    assert choices == [(r.code, str(r.label)) for r in reference.regions(active_only=True)]
    region = Region.objects.get(code="asia")
    region.is_active = False
    region.save()
    assert "asia" not in [code for code, _label in meeting_region_choices()]
