"""The Action page reads its Action through a statement compiled once per process (``selectors.action_page_action``)
and is given its links, milestone days, title and status as values (``views.page_urls``): the same HTML as its
template wrote with a ``{% url %}``, a ``|day`` or a ``{% tr %}`` each, in the five languages, with hostile text.

Before, on the stress data (``/actions/2007-174/`` as an officer): 31,800 Python calls, of which the queryset's
``get`` was 2,500 and eight ``{% url %}`` tags 1,000; after, 26,700.
"""

import datetime
import html
import pathlib
import re

import pytest
from django.template import Context, Template, engines
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape

from pontis.actions import selectors
from pontis.actions.models import Action, Activity
from pontis.actions.views import PAGE_URLS, _plain_escape, activities_more_html, page_urls
from pontis.core.models import ActivityType, Region, ThematicArea
from tests.factories import InstitutionFactory, user_with_role

from .factories import agreed_action, make_action

LANGUAGES = ("en", "fr", "es", "pt", "ru")
HOSTILE = "<script>alert('x')</script> & « \"Gestion\" » {{ x }} {% y %} \u202edir\u200b"
D = datetime.date
# The page's template before: a {% url %}, |day, {% tr %} and get_status_display of its own.
BEFORE = (pathlib.Path(__file__).parent / "action_detail_page_before.html").read_text()
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|name="idempotency_key" value=|"X-CSRFToken": )"[^"]*"')

pytestmark = pytest.mark.django_db


def _same_page(response):
    """The page as answered, and as the template before wrote it from the same values."""
    context = next(c for c in response.context if "activity_rows" in c).flatten()  # the page template's own
    before = engines["django"].from_string(BEFORE).render(context, response.wsgi_request)
    return VOLATILE.sub(r"\1", response.content.decode()), VOLATILE.sub(r"\1", before)


def _actions(officer):
    institution = InstitutionFactory(acronym="A&B")
    focal = user_with_role("focal_point", institution=institution)
    ongoing = agreed_action(officer, focal, institution)
    Action.objects.filter(pk=ongoing.pk).update(
        title={"fr": HOSTILE, "ru": "Семинар \u202e"}, status=Action.Status.ONGOING, requested_on=D(2031, 1, 2),
        approved_on=D(2031, 2, 3), fiche_agreed_on=None, launched_on=D(2031, 12, 31),
        region=Region.objects.first(), owner=officer)
    Activity.objects.create(action=ongoing, sequence=9, type=ActivityType.objects.first(), title={"en": HOSTILE},
                            start_date=D(2031, 3, 3), place=HOSTILE)
    bare = make_action(officer)
    Action.objects.filter(pk=bare.pk).update(title={}, requested_on=None, region=None, owner=None)
    cancelled = make_action(officer)
    Action.objects.filter(pk=cancelled.pk).update(title={"en": HOSTILE}, status=Action.Status.CANCELLED,
                                                  cancel_reason=HOSTILE)
    completed = make_action(officer)
    Action.objects.filter(pk=completed.pk).update(title={"pt": "Oficina"}, status=Action.Status.COMPLETED,
                                                  final_report=HOSTILE, lessons_learnt="")
    return focal, [ongoing, bare, cancelled, completed]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_is_what_its_template_wrote_before(client, officer, language):
    focal, actions = _actions(officer)
    for reader in (officer, focal, user_with_role("admin")):
        client.force_login(reader)
        client.cookies["django_language"] = language
        for action in actions:
            response = client.get(reverse("actions:detail", args=[action.code]))
            if response.status_code == 404:
                assert reader is focal and action is not actions[0]
                continue
            now, before = _same_page(response)
            assert now == before
            assert "<script>alert" not in now
    client.force_login(officer)
    page = client.get(reverse("actions:detail", args=[actions[0].code])).content.decode()
    assert "&lt;script&gt;" in page and reverse("actions:goals", args=[actions[0].code]) in page


def test_the_kept_statement_reads_the_action_the_queryset_reads(officer):
    _focal, actions = _actions(officer)
    for action in actions:
        for _ in range(2):  # compiled, then kept
            read = selectors.action_page_action(action.code)
            expected = selectors.action_page_queryset().get(code=action.code)
            assert [getattr(read, f.attname) for f in Action._meta.concrete_fields] == [
                getattr(expected, f.attname) for f in Action._meta.concrete_fields]
            assert (read.region, read.owner) == (expected.region, expected.owner)
            assert read._state.adding is False and read._state.db == expected._state.db
    assert selectors.action_page_action(actions[0].code).owner == officer
    with pytest.raises(Action.DoesNotExist):
        selectors.action_page_action("1999-000")
    with pytest.raises(Action.DoesNotExist):
        selectors.action_page_action("x' OR '1'='1")


def test_the_page_links_are_the_reversed_links():
    for code in ("2031-004", "A.b_c-9", "with space", "ü?ö&#"):
        assert page_urls(code) == {name: reverse(f"actions:{name}", args=[code]) for name in PAGE_URLS}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_or_hidden_action_answers_404(client, officer, language):
    _focal, actions = _actions(officer)
    client.cookies["django_language"] = language
    client.force_login(officer)
    assert client.get(reverse("actions:detail", args=["1999-000"])).status_code == 404
    client.force_login(user_with_role("expert"))
    assert client.get(reverse("actions:detail", args=[actions[0].code])).status_code in (403, 404)
    with translation.override(language):
        assert page_urls(actions[0].code)["fiche"] == reverse("actions:fiche", args=[actions[0].code])


# The note under a long Action's activities, as the page's template wrote it.
OLD_MORE = Template(
    "{% load i18n %}{% if activities_total > shown %}<p class=\"small\">{% blocktranslate with shown=shown "
    "total=activities_total %}The first {{ shown }} of {{ total }} activities.{% endblocktranslate %} <a href=\""
    "?activities=all#act-h\">{% blocktranslate with total=activities_total %}Show all {{ total }} activities"
    "{% endblocktranslate %}</a></p>{% endif %}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_note_under_long_activities_is_what_the_template_wrote(language):
    with translation.override(language):
        for shown, total in ((25, 25), (25, 26), (25, 1234), (120, 120), (0, 0), (2, 12345678)):
            assert activities_more_html(shown, total) == OLD_MORE.render(Context({"shown": shown,
                                                                                  "activities_total": total}))
        assert "1234" in activities_more_html(25, 1234).replace(",", "").replace("\xa0", "").replace(" ", "")


def test_the_plain_escape_is_html_escape():
    for text in (HOSTILE, "", "a & b", "'\"<>&&amp;", "Семинар \u202e\u200b", "{{ x }} {% y %}"):
        assert _plain_escape(text) == html.escape(text) == conditional_escape(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_theme_labels_and_codes_are_what_the_querysets_read(officer, language):
    first = make_action(officer, countries=("SN", "CV", "FR"), themes=("mad", "legal"))
    second = make_action(officer, countries=("CV",), themes=("legal",))
    bare = make_action(officer)
    Action.themes.through.objects.filter(action_id=bare.pk).delete()
    ThematicArea.objects.filter(code="mad").update(name={"fr": HOSTILE, "ru": "Миграция"})
    actions = list(Action.objects.filter(pk__in=[first.pk, second.pk, bare.pk]))
    with translation.override(language):
        labels = selectors.theme_labels_of(actions)
        for action in actions:
            assert labels[action.pk] == [str(t) for t in action.themes.all()]
    codes = selectors.codes_of(actions)
    for action in actions:
        assert codes[action.pk] == {"countries": [c.code for c in action.countries.all()],
                                    "themes": [t.code for t in action.themes.all()]}
    assert codes[first.pk]["countries"] == ["CV", "FR", "SN"] and codes[bare.pk]["themes"] == []
    assert selectors.theme_labels_of([]) == {} and selectors.codes_of([]) == {}
