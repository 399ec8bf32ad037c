"""The IATI staff page and public file at size: the page lists every Action in scope a page at a time with totals
over all of them, costs the same queries whatever the number of Actions, and the public route reads its sources'
fingerprint at most once in a while without ever serving another file than the one checked."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.template import engines
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from pontis.actions.models import Action
from pontis.knowledge.models import PublishedAction
from pontis.reports import views_iati
from pontis.reports.iati import publish
from pontis.reports.models import IatiFile
from tests.queries import assert_flat, count_queries

from .test_iati_build import make_action
from .test_iati_serving import body

pytestmark = pytest.mark.django_db

URL = "/api/v1/iati/activities.xml"
T1 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
T2 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _copies_on_a_temporary_disk(settings, tmp_path):
    """This host's copies of the file (``publish.file_dir()``) in the test's own directory."""
    settings.PONTIS_IATI_FILE_DIR = str(tmp_path / "iati-copies")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _scope():
    """Valid, invalid, withdrawn after publication, never published and never checked Actions."""
    make_action("2016-01")
    make_action("2016-02", summary={})  # left out: no public summary
    withdrawn = make_action("2016-03")
    make_action("2016-04", published=False)  # never in scope
    publish.refresh(now=T1)
    PublishedAction.objects.filter(action=withdrawn).update(is_published=False)
    publish.refresh(now=T2)
    make_action("2016-05")  # in scope, not checked yet


def test_candidates_are_the_public_actions_and_those_in_the_file_before():
    _scope()
    old = Action.objects.filter(Q(publication__is_published=True) | Q(iati_record__first_published_at__isnull=False))
    assert sorted(publish.candidates().values_list("code", flat=True)) == sorted(old.values_list("code", flat=True))
    assert sorted(publish.candidates().values_list("code", flat=True)) == ["2016-01", "2016-02", "2016-03", "2016-05"]


def test_the_totals_are_those_of_every_row():
    _scope()
    rows = publish.staff_rows("en")
    summary = publish.staff_summary()
    assert summary == {
        "in_scope": len(rows),
        "included": sum(1 for row in rows if row["included"]),
        "left_out": sum(1 for row in rows if row["checked"] and not row["included"]),
        "unchecked": sum(1 for row in rows if not row["checked"]),
        "checked_at": max((row["checked_at"] for row in rows if row["checked"]), default=None),
    }
    # 2016-02 was checked and left out; 2016-05 came into scope after the last build: not checked, not "left out".
    assert (summary["in_scope"], summary["included"], summary["left_out"], summary["unchecked"],
            summary["checked_at"]) == (4, 2, 1, 1, T2)


def test_the_page_lists_every_action_a_page_at_a_time_with_totals_over_all(officer, monkeypatch):
    monkeypatch.setattr(views_iati, "PAGE_SIZE", 2)
    _scope()
    client = Client()
    client.force_login(officer)
    first = client.get(reverse("reports:iati"))
    second = client.get(reverse("reports:iati"), {"page": 2})
    assert first.status_code == second.status_code == 200
    codes = [[row["action"]["code"] for row in page.context["rows"]] for page in (first, second)]
    assert codes == [["2016-01", "2016-02"], ["2016-03", "2016-05"]]
    for page in (first, second):
        html = page.content.decode()
        # Totals over every Action in scope, on every page (the build the page queued has run: the tests' task
        # backend runs a task as it is queued; test_iati_worker.py shows the page without it).
        assert (page.context["included"], page.context["left_out"]) == (3, 1)
        assert "3 Actions in the file." in html and "1 Action left out." in html
    assert reverse("portal:manage", kwargs={"code": "2016-02"}) in first.content.decode()
    assert "?page=2" in first.content.decode()


def test_the_page_costs_the_same_queries_with_many_more_actions(officer, monkeypatch):
    monkeypatch.setattr(views_iati, "PAGE_SIZE", 3)
    client = Client()
    client.force_login(officer)
    make_action("2016-01")
    make_action("2016-02", summary={})
    client.get(reverse("reports:iati"))
    small, _ = count_queries(lambda: client.get(reverse("reports:iati")))
    for number in range(3, 12):
        make_action(f"2016-{number:02d}", summary={} if number % 3 == 0 else None)
    client.get(reverse("reports:iati"))  # queues a build (the sources changed), run at once by the tests' backend
    large, page = count_queries(lambda: client.get(reverse("reports:iati")))
    assert page.status_code == 200 and len(page.context["rows"]) == 3
    assert_flat(small, large)


def test_the_public_file_reads_its_fingerprint_at_most_once_in_a_while(officer):
    action = make_action("2016-01")
    client = Client()
    with override_settings(PONTIS_IATI_RECHECK_SECONDS=60):
        first = client.get(URL)
        queries, again = count_queries(lambda: client.get(URL), warm=False)
        assert queries == 0
        assert body(again) == body(first) and again["ETag"] == first["ETag"]
        # A change is served once the fingerprint is read again; the build "check now" queues (run at once by the
        # tests' task backend) is served at once in this process.
        action.title = {"en": "Changed"}
        action.save()
        assert client.get(URL)["ETag"] == first["ETag"]
        publish.check_now(by=officer)
        changed = client.get(URL)
        assert changed["ETag"] != first["ETag"] and b"Changed" in body(changed)
        cache.delete(publish.FINGERPRINT_KEY)  # the time is up: read again, same file, not built again
        built_at = IatiFile.objects.get().built_at
        assert client.get(URL)["ETag"] == changed["ETag"]
        assert IatiFile.objects.get().built_at == built_at
    # Without it (the default in tests), every request reads the fingerprint: a change is served at once.
    action.title = {"en": "Changed again"}
    action.save()
    assert b"Changed again" in body(client.get(URL))


def test_the_page_reads_only_what_it_shows_of_one_page(officer, monkeypatch):
    """The rows' query: the page's Actions only (LIMIT), and of them, their tables, the columns the page shows."""
    monkeypatch.setattr(views_iati, "PAGE_SIZE", 2)
    _scope()
    client = Client()
    client.force_login(officer)
    client.get(reverse("reports:iati"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:iati"), {"page": 2})
    assert response.status_code == 200
    (listing,) = [query["sql"] for query in captured.captured_queries if '"reports_iatiidentifier"' in query["sql"]]
    assert "LIMIT 2" in listing and "OFFSET 2" in listing
    selected = listing.split(" FROM ")[0]
    for shown in ('"actions_action"."code"', '"actions_action"."title"', '"knowledge_publishedaction"."is_published"',
                  '"reports_iatiidentifier"."identifier"', '"reports_iatirecord"."problems"'):
        assert shown in selected
    for unused in ('"actions_action"."final_report"', '"actions_action"."lessons_learnt"',
                   '"knowledge_publishedaction"."summary"', '"knowledge_publishedaction"."results"',
                   '"reports_iatirecord"."content_hash"'):
        assert unused not in selected


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ru"])
def test_every_link_of_the_page_is_the_address_reverse_gives(officer, language):
    _scope()
    client = Client()
    client.force_login(officer)
    client.cookies["django_language"] = language
    response = client.get(reverse("reports:iati"))
    html = response.content.decode()
    rows = response.context["rows"]
    assert [row["url"] for row in rows] == [reverse("actions:detail", args=[row["action"]["code"]]) for row in rows]
    for row in rows:
        assert f'<a href="{row["url"]}">{row["action"]["code"]}</a>' in html
        for problem in row["problems"]:
            name = publish.FIELD_PAGES.get(problem["field"], "actions:detail")
            assert problem["url"] == (reverse(name, kwargs={"code": row["action"]["code"]}) if name else "")
    assert reverse("portal:manage", kwargs={"code": "2016-02"}) in html
    # Codes reverse would quote are quoted the same way; a code it refuses is still refused.
    for code in ("2016-01", "2016 01", "A&B:é~!", "x%y"):
        for name in ("actions:detail", "actions:goals", "portal:manage"):
            assert publish._address(name, code) == reverse(name, kwargs={"code": code})
    with pytest.raises(NoReverseMatch):
        publish._address("actions:detail", "a/b")


def _results(response) -> str:
    """The page's results (its totals, rows and pages), without the layout and its per-request tokens."""
    html = response.content.decode()
    return html[html.index('<div id="iati-results"'):html.index("</table>")]


def test_the_totals_and_rows_are_kept_until_a_build_or_a_change_of_the_sources(officer, monkeypatch):
    monkeypatch.setattr(views_iati, "PAGE_SIZE", 3)
    client = Client()
    client.force_login(officer)
    make_action("2016-01")
    make_action("2016-02", summary={})
    with override_settings(PONTIS_IATI_RECHECK_SECONDS=60):
        first = client.get(reverse("reports:iati"))  # queues a build (run at once by the tests' backend)
        assert first.context["in_scope"] == 2
        cache.clear()  # nothing kept: the totals and the rows are read...
        with CaptureQueriesContext(connection) as cold:
            page = client.get(reverse("reports:iati"))
        with CaptureQueriesContext(connection) as warm:  # ...then kept
            again = client.get(reverse("reports:iati"))
        cold, warm = [query["sql"] for query in cold.captured_queries], [query["sql"] for query in warm.captured_queries]
        for read in ('"reports_iatiidentifier"', 'COUNT("actions_action"."id") AS "total"'):
            assert sum(read in sql for sql in cold) == 1 and sum(read in sql for sql in warm) == 0
        assert len(warm) < len(cold)
        assert again.context["rows"] == page.context["rows"]
        assert _results(again) == _results(page) and "2016-02" in _results(page)
        # A new Action in scope shows once the sources are read again (as the public file sees it); its build
        # (queued by the same request, run at once here) shows at once: the records changed with it.
        make_action("2016-03")
        assert client.get(reverse("reports:iati")).context["in_scope"] == 2
        cache.delete(publish.FINGERPRINT_KEY)
        changed = client.get(reverse("reports:iati"))
        assert changed.context["in_scope"] == 3 and changed.context["included"] == 2
        assert [row["action"]["code"] for row in changed.context["rows"]] == ["2016-01", "2016-02", "2016-03"]
        # Several pages: each kept on its own.
        make_action("2016-04")
        cache.delete(publish.FINGERPRINT_KEY)
        client.get(reverse("reports:iati"))
        second_page = client.get(reverse("reports:iati"), {"page": 2})
        assert [row["action"]["code"] for row in second_page.context["rows"]] == ["2016-04"]
        assert [row["action"]["code"] for row in client.get(reverse("reports:iati")).context["rows"]] == [
            "2016-01", "2016-02", "2016-03"
        ]


def test_the_kept_page_costs_the_same_queries_with_many_more_actions(officer, monkeypatch):
    monkeypatch.setattr(views_iati, "PAGE_SIZE", 3)
    client = Client()
    client.force_login(officer)
    with override_settings(PONTIS_IATI_RECHECK_SECONDS=60):
        make_action("2016-01")
        make_action("2016-02", summary={})
        client.get(reverse("reports:iati"))
        small, _ = count_queries(lambda: client.get(reverse("reports:iati")))
        for number in range(3, 12):
            make_action(f"2016-{number:02d}", summary={} if number % 3 == 0 else None)
        cache.delete(publish.FINGERPRINT_KEY)
        client.get(reverse("reports:iati"))  # queues a build (the sources changed), run at once by the tests' backend
        large, page = count_queries(lambda: client.get(reverse("reports:iati")))
    assert page.status_code == 200 and len(page.context["rows"]) == 3 and page.context["in_scope"] == 11
    assert_flat(small, large)


# How the page wrote its rows before ``views_iati.rows_html`` (a loop in reports/iati_results.html).
OLD_ROWS = engines["django"].from_string(
    "{% load i18n pontis %}{% for row in rows %}<tr>\n"
    '<th scope="row"><a href="{{ row.url }}">{{ row.action.code }}</a> {% tr row.action.title %}{% if not'
    ' row.public %}<br><span class="small">{% translate "No longer on the portal: published as cancelled." %}'
    "</span>{% endif %}</th>\n"
    '<td>{{ row.identifier|default:"—" }}</td>\n'
    '<td>{% if row.included %}{% translate "Yes" %}{% if row.last_updated %}<br><span class="small">{%'
    " blocktranslate trimmed with when=row.last_updated|day_time %}Last changed {{ when }}{% endblocktranslate"
    ' %}</span>{% endif %}{% elif row.checked %}<strong>{% translate "No: left out" %}</strong>{% else %}{%'
    ' translate "Not checked yet" %}{% endif %}</td>\n'
    "<td>{% if row.problems %}<ul>{% for problem in row.problems %}<li>{{ problem.message }}{% if problem.url"
    ' %} <a href="{{ problem.url }}">{% blocktranslate trimmed with code=row.action.code %}Fix it on the page'
    ' of {{ code }}{% endblocktranslate %}</a>{% else %} {% translate "(the facility\'s IATI settings: ask an'
    ' administrator)" %}{% endif %}</li>{% endfor %}</ul>{% else %}—{% endif %}</td>\n'
    "</tr>{% endfor %}"
)


@pytest.mark.parametrize("zone", ["Europe/Paris", "Asia/Kathmandu"])
def test_the_rows_are_the_same_html_as_the_template_loop_they_replace(zone):
    _scope()
    make_action("2016-06", title={"en": "<b>Esc & \"ape\"</b>", "ru": "Мероприятие {{ x }}"})
    publish.refresh(now=T2 + datetime.timedelta(hours=5))
    make_action("2016-07")  # not checked yet
    hostile = {
        "action": {"code": "20<16>&'", "title": {"fr": "L'<i>action</i> & co"}},
        "url": "/actions/a&b\"c/",
        "identifier": "XI-<IATI>&\"",
        "public": False,
        "included": False,
        "checked": True,
        "checked_at": T1,
        "last_updated": None,
        "problems": [
            {"field": "summary", "layer": "rules", "message": "Missing <summary> & \"more\" {% x %}",
             "url": "/portal/manage/a&b/"},
            {"field": "reporting_org", "layer": "schema", "message": "L’identifiant « x »", "url": ""},
        ],
    }
    untouched = {**hostile, "action": {"code": "2016-99", "title": {}}, "identifier": "", "included": True,
                 "last_updated": T1, "problems": [], "public": True}
    compared = 0
    for language in ("en", "fr", "es", "pt", "ru"):
        with translation.override(language), timezone.override(zone):
            rows = publish.staff_rows(language) + [hostile, untouched]
            assert {row["included"] for row in rows} == {True, False} and any(row["problems"] for row in rows)
            assert any(not row["public"] for row in rows) and any(not row["checked"] for row in rows)
            old = OLD_ROWS.render({"rows": rows})
            new = views_iati.rows_html(rows)
            assert new == old
            compared += len(rows)
    assert compared == 5 * 8
