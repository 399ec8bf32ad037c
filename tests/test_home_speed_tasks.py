"""The home page's "Awaiting me" rows are written once in Python (``core.home.task_row_html``) rather than through two
``{% blocktranslate %}``, two ``|day`` filters and a ``{% translate %}`` per row: the same HTML as the template that
wrote them, in the five languages, escaping included. "My Actions" of a partner's focal point reads its Actions
through the partner link in the panel's own query (one query instead of two), and answers what ``my_actions`` does.

Before (stress data, an officer's home with 30 rows): 81,000 Python calls a page, 3.4 ms to render the panels."""

import datetime

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from pontis.actions import home as actions_home
from pontis.actions import selectors as action_selectors
from pontis.actions.tests.factories import make_action
from pontis.core import home as core_home
from pontis.core.registry import Task
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries

LANGUAGES = ("en", "fr", "es", "pt", "ru")

# The panel's template as it was, one row at a time through the template's tags.
TEMPLATE_BEFORE = """{% load i18n pontis %}{% if panel.groups %}
{% for group in panel.groups %}
<h3 class="task-list__kind">{{ group.kind }}</h3>
<ul class="task-list">
  {% for task in group.tasks %}
  <li class="task-list__item">
    <div class="task-list__name">
      <a href="{{ task.url }}">{{ task.label }}</a>
      <div class="task-list__hint small muted">{% if task.due %}{% blocktranslate with since=task.since|day due=task.due|day %}Waiting since {{ since }} · due {{ due }}{% endblocktranslate %}{% elif task.since %}{% blocktranslate with since=task.since|day %}Waiting since {{ since }}{% endblocktranslate %}{% endif %}</div>
    </div>
    <div class="task-list__status">{% if task.overdue %}<strong class="status status--danger">{% translate "Overdue" %}</strong>{% elif task.new %}<strong class="status status--ok">{% translate "New" %}</strong>{% endif %}</div>
  </li>
  {% endfor %}
</ul>
{% if group.more %}<p class="small">{% if group.more_url %}<a href="{{ group.more_url }}">{% blocktranslate count n=group.more %}and {{ n }} more{% plural %}and {{ n }} more{% endblocktranslate %}</a>{% else %}{% blocktranslate count n=group.more %}and {{ n }} more{% plural %}and {{ n }} more{% endblocktranslate %}{% endif %}</p>{% endif %}
{% endfor %}
{% else %}<p>{% translate "Nothing awaits you. Work that needs you will appear here." %}</p>{% endif %}
"""


def _groups():
    now = timezone.now()
    today = timezone.localdate()
    late_evening = now.replace(hour=23, minute=30) - datetime.timedelta(days=40)  # the day is the reader's
    early_morning = now.replace(hour=3, minute=30) - datetime.timedelta(days=50)
    tasks = [
        Task(kind="Screen", label='Request <b>"one"</b> & co', url="/requests/1/?a=1&b=<2>", since=late_evening,
             due=today - datetime.timedelta(days=30), overdue=True),
        Task(kind="Screen", label=gettext_lazy("Untitled request"), url="/requests/2/", since=now,
             due=today + datetime.timedelta(days=10), new=True),
        Task(kind="Screen", label="Plain", url="/requests/3/", since=now, due=today, overdue=False, new=False),
        Task(kind="Screen", label="Early", url="/requests/7/", since=early_morning),
    ]
    drafts = [
        Task(kind="Draft", label="Только даты", url="/requests/4/", since=today, new=True),
        Task(kind="Draft", label="No date at all", url="/requests/5/"),
        Task(kind="Draft", label="Overdue without due date", url="/requests/6/", since=today, overdue=True, new=True),
    ]
    return [
        {"kind": "Screen <the> request", "tasks": tasks, "more": 3, "more_url": "/requests/?status=submitted"},
        {"kind": gettext_lazy("New"), "tasks": drafts, "more": 1, "more_url": ""},
        {"kind": "Follow-ups", "tasks": drafts[:1], "more": 0, "more_url": ""},
    ]


def _panel_html(monkeypatch, groups):
    monkeypatch.setattr(core_home, "tasks_for", lambda user: groups)
    http = RequestFactory().get("/")
    http.user = None
    panel = core_home.tasks_panel(http)
    return render_to_string(panel["template"], {"panel": panel})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_task_rows_are_what_the_template_wrote_in_each_language(monkeypatch, language):
    before = engines["django"].from_string(TEMPLATE_BEFORE)
    groups = _groups()
    days = set()
    with translation.override(language):
        for zone in ("UTC", "Pacific/Kiritimati", "America/Los_Angeles"):  # the day of a date and time is the reader's
            with timezone.override(zone):
                expected = before.render({"panel": {"groups": groups}})
                assert _panel_html(monkeypatch, groups) == expected
                days.add(expected)
        assert len(days) == 3  # the rows' days moved with the zone
        assert "&lt;b&gt;&quot;one&quot;&lt;/b&gt; &amp; co" in expected and "b=&lt;2&gt;" in expected
        assert expected.count('class="task-list__item"') == 8
        empty = before.render({"panel": {"groups": []}})
        assert _panel_html(monkeypatch, []) == empty


@pytest.mark.parametrize(("language", "waiting", "overdue"), [
    ("fr", "En attente depuis le", "En retard"), ("es", "En espera desde", "Vencido"),
    ("pt", "A aguardar desde", "Em atraso"), ("ru", "Ожидает с", "Просрочено"),
])
def test_the_rows_are_worded_in_the_readers_language(monkeypatch, language, waiting, overdue):
    with translation.override(language):
        html = _panel_html(monkeypatch, _groups())
    assert waiting in html and overdue in html
    assert "Waiting since" not in html and ">Overdue<" not in html


def _http(user):
    http = RequestFactory().get("/")
    http.user = user
    assert user.role_assignments  # read by the layout before any panel
    return http


@pytest.mark.django_db
def test_my_actions_of_a_focal_point_read_one_query_at_any_size(officer, focal_point, institution):
    make_action(officer, institution=user_with_role("focal_point").role_assignments[0].institution)  # not theirs
    make_action(officer, institution=institution, focal_point=focal_point)
    small, panel = count_queries(lambda: actions_home.actions_panel(_http(focal_point)))
    assert [i["action"].pk for i in panel["items"]] == [a.pk for a in action_selectors.my_actions(focal_point)]
    assert len(panel["items"]) == 1 and small == 1
    for _ in range(actions_home.PANEL_SIZE + 2):
        make_action(officer, institution=institution, focal_point=focal_point)
    large, panel = count_queries(lambda: actions_home.actions_panel(_http(focal_point)))
    assert [i["action"].pk for i in panel["items"]] == [a.pk for a in action_selectors.my_actions(focal_point)]
    assert len(panel["items"]) == actions_home.PANEL_SIZE
    assert_flat(small, large)


@pytest.mark.django_db
@pytest.mark.parametrize("other_role", ["expert", "committee", None])
def test_my_actions_of_a_focal_point_with_another_role_are_what_the_selector_answers(officer, institution, other_role):
    person = user_with_role("focal_point", institution=institution)
    if other_role:
        person.roles.create(role=other_role)
        person.forget_cached_roles()
    elsewhere = user_with_role("focal_point").role_assignments[0].institution
    for _ in range(3):
        make_action(officer, institution=elsewhere)
        make_action(officer, institution=institution, focal_point=person)
    panel = actions_home.actions_panel(_http(person))
    assert [i["action"].pk for i in panel["items"]] == [a.pk for a in action_selectors.my_actions(person)]
    assert len(panel["items"]) == (5 if other_role == "committee" else 3)
