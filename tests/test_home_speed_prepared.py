"""The home page, fourth round (issue 10): the statements of "Awaiting me", the news panel and the unread count are
written by the ORM once per worker and only run afterwards (``pontis.core.awaiting``); the task rows word their
days and links once per panel; ``{% tr %}`` no longer rebuilds the languages' names for every fallback title.

Each answers exactly what the queryset built on every request answered (run with the statement kept, for two
different people one after the other, and without), in one query, and the words are those of before in the five
languages.

Before (stress data): a staff member's home page cost 56,000 Python calls and an officer's 44,000 (the floor:
13,000), 30,000 of them building and compiling the dozen task queries."""

import datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html

from pontis.accounts.awaiting import role_tasks
from pontis.accounts.models import User
from pontis.actions.awaiting import fiche_agree_tasks, follow_up_tasks, partner_agree_tasks, proposal_tasks
from pontis.core import awaiting as core_awaiting
from pontis.core import home as core_home
from pontis.core.i18n import translate
from pontis.core.models import Notification
from pontis.core.notifications import notifications_unread_count
from pontis.core.registry import task_is_new
from pontis.core.selectors import news_unread_of
from pontis.experts.awaiting import erasure_tasks, invitation_tasks, vet_tasks
from pontis.experts.tests.factories import make_profile
from pontis.intake.awaiting import answer_tasks, decide_tasks, draft_tasks, officer_tasks
from pontis.intake.models import Request
from pontis.intake.models import RequestStatus as S
from tests.factories import user_with_role
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "es", "pt", "ru")


def _plain(tasks):
    return [(str(t.kind), str(t.label), t.url, t.since, t.due, t.overdue, t.new, t.total, t.more_url) for t in tasks]


def _orm_only(monkeypatch):
    """From here on, every statement is built by the ORM on each call, as before."""
    core_awaiting.forget_prepared()
    monkeypatch.setattr(core_awaiting, "_prepare", lambda *args, **kwargs: None)


def _requests(status, n, *, by, institution=None, owner=None, days_ago=0):
    now = timezone.now()
    made = []
    for k in range(n):
        moment = now - datetime.timedelta(days=days_ago + 2 * k, hours=k)
        request = Request.objects.create(
            title={"en": f"A <b>{status}</b> & request {k}", "fr": f"Une demande « {k} »"}, status=status,
            submitted_by=by, submitted_at=moment, status_changed_at=moment, forwarded_at=moment, owner=owner)
        if institution is not None:
            request.institutions.set([institution])
        made.append(request)
    return made


@pytest.fixture
def people(db, institution):
    officer, other_officer = user_with_role("officer"), user_with_role("officer")
    focal, other_focal = user_with_role("focal_point", institution=institution), user_with_role("focal_point")
    _requests(S.SUBMITTED, 13, by=focal, institution=institution, days_ago=1)
    _requests(S.DEFERRED, 2, by=focal, institution=institution, owner=other_officer, days_ago=20)
    _requests(S.FORWARDED, 3, by=focal, institution=institution, days_ago=4)
    _requests(S.DRAFT, 4, by=focal, institution=institution)
    _requests(S.DRAFT, 2, by=other_focal)
    _requests(S.INFO_REQUESTED, 2, by=other_focal, days_ago=12)
    _requests(S.INFO_REQUESTED, 1, by=focal, institution=institution, days_ago=40)
    for k in range(3):
        make_profile(status="registered", email_confirmed_at=timezone.now() - datetime.timedelta(days=9 * k))
    make_profile(erasure_requested_at=timezone.now() - datetime.timedelta(days=40))
    User.objects.create_user(email="no.role@example.org", password="x" * 12)
    return {"officer": officer, "other_officer": other_officer, "focal": focal, "other_focal": other_focal,
            "admin": user_with_role("admin")}


PROVIDERS = [officer_tasks, decide_tasks, draft_tasks, answer_tasks, fiche_agree_tasks, proposal_tasks,
             partner_agree_tasks, follow_up_tasks, vet_tasks, erasure_tasks, invitation_tasks, role_tasks]


def test_every_provider_answers_what_the_orm_answers_for_each_person_in_one_query(people, monkeypatch):
    core_awaiting.forget_prepared()
    kept = {}
    for provider in PROVIDERS:
        for name in ("officer", "other_officer", "focal", "other_focal", "admin"):  # the statement kept after the first
            queries, tasks = count_queries(lambda provider=provider, name=name: provider(people[name]))
            kept[(provider.__name__, name)] = _plain(tasks)
            assert queries <= 1, (provider.__name__, name)
    assert any(entry is not None for entry in core_awaiting._prepared.values())
    assert all(entry is not None for key, entry in core_awaiting._prepared.items() if key[3] != (0,))
    _orm_only(monkeypatch)
    for provider in PROVIDERS:
        for name in ("officer", "other_officer", "focal", "other_focal", "admin"):
            assert _plain(provider(people[name])) == kept[(provider.__name__, name)], (provider.__name__, name)
    # Different people read different rows through the same kept statement.
    assert kept[("officer_tasks", "officer")] != kept[("officer_tasks", "other_officer")]
    assert kept[("draft_tasks", "focal")] != kept[("draft_tasks", "other_focal")]
    assert len(kept[("officer_tasks", "officer")]) == 10 and kept[("officer_tasks", "officer")][0][7] == 13
    assert kept[("vet_tasks", "admin")] and kept[("role_tasks", "admin")] and kept[("decide_tasks", "admin")] == []


def test_a_statement_is_kept_only_when_each_value_has_its_place(people):
    core_awaiting.forget_prepared()
    focal = people["focal"]
    draft_tasks(focal)
    keys = [key for key in core_awaiting._prepared if key[0] == "intake.draft_tasks"]
    assert [key[3] for key in keys] == [(len(focal.focal_institution_ids),)]
    assert core_awaiting._prepared[keys[0]].complete
    # A statement in which a value has no place of its own (here: left out) is not kept, and is built every time.
    seen = []

    def build(*, user):
        seen.append(user)
        return Request.objects.filter(status=S.DRAFT).order_by("pk")

    for _ in range(2):
        rows = core_awaiting.prepared_rows("test.no_place", build, {"user": focal.pk})
        assert [r.pk for r in rows] == list(Request.objects.filter(status=S.DRAFT).order_by("pk").values_list("pk", flat=True))
    assert [key for key, entry in core_awaiting._prepared.items() if key[0] == "test.no_place" and entry is None]
    assert seen.count(focal.pk) == 2


def test_the_news_panel_and_the_unread_count_are_those_of_the_orm(people):
    reader, other = people["officer"], people["other_officer"]
    assert notifications_unread_count(reader) == 0 and core_home._unread_news(reader) == []
    for k in range(7):
        Notification.objects.create(recipient=reader, subject=f"Note <{k}> & co", params={"n": k},
                                    read_at=timezone.now() if k == 3 else None)
    Notification.objects.create(recipient=other, subject="Not yours")
    for _ in range(2):  # the statement built, then kept
        assert notifications_unread_count(reader) == Notification.objects.filter(
            recipient=reader, read_at__isnull=True).count() == 6
        assert notifications_unread_count(other) == 1
        news = core_home._unread_news(reader)
        assert [(n.pk, n.subject, n.params, n.created_at, n.read_at) for n in news] == [
            (n.pk, n.subject, n.params, n.created_at, n.read_at) for n in news_unread_of(reader)]
        assert count_queries(lambda: core_home._unread_news(reader))[0] == 1
        assert count_queries(lambda: notifications_unread_count(reader))[0] == 1


def test_links_and_days_of_the_rows_are_those_of_reverse_and_localtime():
    for name in ("intake:detail", "experts:profile"):
        url = core_awaiting.url_of_pk(name)
        for pk in (1, 7, 918_273_645, 123456789012):
            assert url(pk) == reverse(name, args=[pk])
    url = core_awaiting.url_of_code("actions:detail")
    for code in ("2026-01", "A_b.c~d", "918273645", 'A<&>"b c', "é-1", "a%20b", "x:y@z", 7):
        assert url(code) == reverse("actions:detail", args=[code])
    now = timezone.now()
    moments = [now, now - datetime.timedelta(hours=23), now.replace(hour=23, minute=30) - datetime.timedelta(days=2),
               now.replace(hour=0, minute=10) - datetime.timedelta(days=3), timezone.localdate(),
               timezone.localdate() - datetime.timedelta(days=3), None]
    for zone in ("Europe/Brussels", "Pacific/Kiritimati", "America/Adak", "UTC"):
        with timezone.override(zone):
            days = core_awaiting.LocalDays()
            for moment in moments:
                assert days.is_new(moment) == task_is_new(moment)
                if isinstance(moment, datetime.datetime):
                    assert days.day(moment) == timezone.localtime(moment).date()


def _tr_before(value):
    """``{% tr %}`` as it was: the languages' names read anew for each fallback."""
    text = translate(value)
    if not text:
        return ""
    if text.is_fallback:
        names = dict(settings.LANGUAGES)
        return format_html('<span lang="{}">{}</span> <span class="fallback-note">({})</span>', text.lang, text,
                           translation.gettext("in %(language)s") % {"language": names.get(text.lang, text.lang)})
    return text


def test_the_tr_tag_words_a_fallback_as_before_in_the_five_languages():
    template = Template("{% load pontis %}{% tr title %}")
    titles = [{"fr": "Gestion <des> « frontières » & co"}, {"ru": "Только <b>"}, {"en": "Plain & <i>"},
              {"pt": "Só"}, {"xx": "Unknown language"}, {}, None, {"es": "Sí", "fr": "Oui"}]
    for language in LANGUAGES:
        with translation.override(language):
            for title in titles:
                before = Template("{{ html }}").render(Context({"html": _tr_before(title)}))
                assert template.render(Context({"title": title})) == before, (language, title)
    with override_settings(LANGUAGES=[("en", "English"), ("fr", "Françoise")]), translation.override("en"):
        assert "(in Françoise)" in template.render(Context({"title": {"fr": "Oui"}}))
    with translation.override("en"):
        assert "(in French)" in template.render(Context({"title": {"fr": "Oui"}}))


# The Actions panel's template as it was, one Action at a time through ``{% url %}`` and ``{% tr %}``.
ACTIONS_PANEL_BEFORE = (
    "{% load i18n pontis %}<ul>{% for item in panel.items %}<li><a href=\"{% url 'actions:detail' item.action.code %}\">"
    "{{ item.action.code }} · {% tr item.action.title %}</a>{% if item.reason %} – {{ item.reason }}{% endif %}</li>"
    "{% empty %}<li>{% translate \"Nothing for now.\" %}</li>{% endfor %}</ul>\n"
    "<p><a href=\"{{ panel.more_url }}\">{{ panel.more_label }}</a></p>\n"
)


def test_the_actions_panel_rows_are_the_html_of_the_template_they_replaced_in_the_five_languages():
    from django.template.loader import render_to_string
    from django.utils.translation import gettext_lazy

    from pontis.actions import home as actions_home
    from pontis.actions.models import Action

    items = [
        {"action": Action(code="2026-01", title={"fr": "Gestion <b>des</b> « frontières » & co"}),
         "reason": 'Late: <i>"120 days"</i> & more'},
        {"action": Action(code='A<&>"b c', title={"en": "Plain & <i>", "ru": "Только <b>"}), "reason": ""},
        {"action": Action(code="2026-03", title={"es": "Sí", "pt": "Só", "en": "Yes"}), "reason": gettext_lazy("New")},
        {"action": Action(code="2026-04", title={}), "reason": None},
    ]
    before = Template(ACTIONS_PANEL_BEFORE)
    for language in LANGUAGES:
        with translation.override(language):
            for shown in (items, items[:1], []):
                panel = {"items": shown, "more_url": "/actions/?a=1&b=<2>", "more_label": gettext_lazy("All my Actions")}
                expected = before.render(Context({"panel": panel}))
                panel["rows"] = actions_home.rows_html(shown)
                assert render_to_string("actions/_panel_actions.html", {"panel": panel}) == expected, (language, shown)


def _render_before(note, reader):
    """``news.render`` as it was: every wording filled its parameters anew from the plain stored dict."""
    from pontis.core import news

    event = news.event_for(note.event)
    params = dict(note.params)
    try:
        return news.Rendered(news._word(event.title, params, reader), news._word(event.body, params, reader),
                             news._word(event.about, params, reader))
    except (KeyError, TypeError, ValueError, AttributeError):
        return news.Rendered(translation.gettext("There is an update."), "", "")


def test_news_is_worded_as_before_with_each_parameter_made_readable_once(people):
    from pontis.core import news

    reader, other = people["focal"], people["officer"]
    full = {"code": "2026-<01>", "title": {"fr": "Titre « & »", "en": "Title <b>"}, "partners": [reader.pk],
            "requesters": [reader.pk], "version": 2, "accepted": True, "months": 6, "activity": 3, "sequence": 2,
            "activity_title": {"ru": "Этап"}, "start": "2026-03-01", "end": "2026-03-04", "reason": "Because <i>",
            "text": "Some & text", "note": "A note", "question": "Which unit?", "institutions": ["MININTER", "UCCI"],
            "institution": "UCCI", "name": "Jane <Doe>", "meeting": "Round-table", "date": "2026-05-06", "n": 3}
    sparse = {"code": "X1", "title": {"en": "Only"}}
    events = news.declared_events()
    assert events
    for language in LANGUAGES:
        with translation.override(language):
            for code in events:
                for params in (full, sparse, {}):
                    note = Notification(recipient=reader, event=code, params=params, subject="")
                    for who in (reader, other, None):
                        assert news.render(note, who) == _render_before(note, who), (language, code, params)


# The news panel's template as it was, one item at a time through the template's tags and filters.
NEWS_PANEL_BEFORE = """{% load i18n pontis %}
{% if panel.items %}
<ul class="news-items">
  {% for item in panel.items %}<li class="news-item">{% if item.note.url %}<a href="{{ item.note.url }}">{{ item.words.title }}</a>{% else %}{{ item.words.title }}{% endif %} <span class="muted small"><time datetime="{{ item.note.created_at|date:'c' }}">{{ item.note.created_at|ago }}</time></span></li>{% endfor %}
</ul>
{% else %}<p class="muted">{% translate "No unread news." %}</p>{% endif %}
<p><a href="{% url 'core:notifications' %}">{% translate "All news" %}</a></p>
"""


def test_the_news_panel_rows_are_the_html_of_the_template_they_replaced_in_the_five_languages(people, rf):
    from django.template.loader import render_to_string

    reader = people["officer"]
    now = timezone.now()
    ages = [datetime.timedelta(0), datetime.timedelta(minutes=5), datetime.timedelta(hours=23, minutes=50),
            datetime.timedelta(days=3), datetime.timedelta(days=400)]
    for k, age in enumerate(ages):
        Notification.objects.create(recipient=reader, created_at=now - age, subject=f'Note <b>"{k}"</b> & l\'autre',
                                    url="" if k == 2 else f"/requests/{k}/?a=1&b=<{k}>")
    http = rf.get("/")
    http.user = reader
    before = Template(NEWS_PANEL_BEFORE)
    for zone in ("Europe/Brussels", "Pacific/Kiritimati"):
        for language in LANGUAGES:
            with timezone.override(zone), translation.override(language):
                http.LANGUAGE_CODE = language
                panel = core_home.notifications_panel(http)
                assert len(panel["items"]) == 5
                expected = before.render(Context({"panel": panel}))
                assert render_to_string(panel["template"], {"panel": panel}) == expected, (zone, language)
    Notification.objects.filter(recipient=reader).update(read_at=now)
    with translation.override("fr"):
        http.LANGUAGE_CODE = "fr"
        panel = core_home.notifications_panel(http)
        assert render_to_string(panel["template"], {"panel": panel}) == before.render(Context({"panel": panel}))


def test_the_follow_button_asks_whether_one_follows_as_before_in_one_query(people):
    from django.contrib.contenttypes.models import ContentType

    from pontis.core.following import is_following
    from pontis.core.models import Follow

    officer, other = people["officer"], people["other_officer"]
    first, second = Request.objects.order_by("pk")[:2]
    Follow.objects.create(user=officer, target_type=ContentType.objects.get_for_model(Request), target_id=first.pk)
    for _ in range(2):  # the statement built, then kept
        assert is_following(officer, first) and not is_following(officer, second) and not is_following(other, first)
        assert count_queries(lambda: is_following(officer, first))[0] == 1
    assert [entry for key, entry in core_awaiting._prepared.items()
            if key[0] == "core.following.is_following" and entry is not None]
