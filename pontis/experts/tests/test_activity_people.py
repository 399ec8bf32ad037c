"""An activity's shortlist, invitations and deployments, written in Python: the same HTML as the template markup
they replaced, in every language, with hostile text; one statement whatever their length."""

import datetime

import pytest
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from pontis.experts import selectors
from pontis.experts.models import Deployment, Invitation, Shortlist

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "fr", "es", "pt", "ru"]

# How ``experts/activity_experts.html`` wrote the three lists before, from the querysets it was given then.
OLD_LISTS = engines["django"].from_string(
    '{% load i18n dates %}'
    "<ul>{% for s in shortlist %}<li><a href=\"{% url 'experts:profile' s.profile_id %}\">{{ s.profile.full_name }}"
    '</a></li>{% empty %}<li>{% translate "Nobody yet." %}</li>{% endfor %}</ul>\n'
    "<ul>{% for i in invitations %}<li><a href=\"{% url 'experts:profile' i.profile_id %}\">{{ i.profile.full_name }}"
    '</a> – {% include "experts/_status.html" with status=i.status label=i.get_status_display %}{% if i.reason %}'
    ' ({{ i.reason }}){% endif %}{% if i.conflict_of_interest %} <span class="status status--warn">{% translate'
    ' "Possible conflict of interest" %}</span>{% endif %}</li>{% empty %}<li>{% translate "Nobody yet." %}</li>'
    "{% endfor %}</ul>\n"
    "<ul>{% for d in deployments %}<li>{{ d.profile.full_name }} – {{ d.get_role_display }}, {{ d.start_date|day }}"
    ' – {{ d.end_date|day }} {% include "experts/_status.html" with status=d.status label=d.get_status_display %}\n'
    "  <a href=\"{% url 'experts:evaluate' d.pk %}\">{% translate \"Evaluate\" %}<span class=\"visually-hidden\">"
    ' {{ d.profile.full_name }}</span></a>\n'
    "  {% if d.status == \"confirmed\" %}<form method=\"post\" action=\"{% url 'experts:deployment_transition' d.pk %}\""
    ' class="inline-form">{% csrf_token %}<input type="hidden" name="to" value="completed"><button class="link-button"'
    ' type="submit">{% translate "Mark completed" %}</button></form>\n'
    "  <form method=\"post\" action=\"{% url 'experts:deployment_transition' d.pk %}\" class=\"inline-form\">"
    '{% csrf_token %}<input type="hidden" name="to" value="cancelled"><button class="link-button link-button--danger"'
    ' type="submit">{% translate "Cancel" %}</button></form>{% endif %}</li>\n'
    '{% empty %}<li>{% translate "Nobody yet." %}</li>{% endfor %}</ul>'
)
NEW_LISTS = engines["django"].from_string(
    "{% load experts_pages %}<ul>{% shortlist_items shortlist %}</ul>\n<ul>{% invitation_items invitations %}</ul>\n"
    "<ul>{% deployment_items deployments %}</ul>"
)


def _people(activity):
    start = activity.start_date
    hostile = make_profile(given_name="Ann <B>", family_name="O'Brien & {Co}")
    other = make_profile(given_name="Émile", family_name="Zola")
    third = make_profile(given_name="", family_name="Solo")
    for profile in (hostile, other, third):
        Shortlist.objects.create(activity=activity, profile=profile)
    Invitation.objects.create(activity=activity, profile=hostile, start_date=start, end_date=start, days=1,
                              reason="Busy <then> & {away}", conflict_of_interest=True, status="declined")
    Invitation.objects.create(activity=activity, profile=other, start_date=start, end_date=start, days=1)
    Deployment.objects.create(activity=activity, profile=hostile, start_date=start, end_date=start, status="confirmed")
    Deployment.objects.create(activity=activity, profile=other, start_date=start - datetime.timedelta(days=40),
                              end_date=start - datetime.timedelta(days=39), status="completed", role="lead")
    Deployment.objects.create(activity=activity, profile=third, start_date=start, end_date=start, status="cancelled")


def _old_context(activity):
    return {
        "shortlist": list(activity.expert_shortlist.select_related("profile").order_by("added_at")),
        "invitations": list(activity.expert_invitations.select_related("profile").order_by("created_at")),
        "deployments": list(activity.expert_deployments.select_related("profile")),
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("filled", [True, False])
def test_the_lists_read_as_the_template_wrote_them(language, filled):
    activity = make_activity()
    if filled:
        _people(activity)
    request = RequestFactory().get("/")
    with translation.override(language):
        old = OLD_LISTS.render({**_old_context(activity), "csrf_token": "tok&en"}, request)
        new = NEW_LISTS.render({**selectors.activity_roster(activity), "csrf_token": "tok&en"}, request)
    assert new == old
    assert new.count("<li>") == (3 + 2 + 3 if filled else 3)


def test_the_lists_escape_what_people_wrote():
    activity = make_activity()
    _people(activity)
    html = NEW_LISTS.render({**selectors.activity_roster(activity), "csrf_token": "t"})
    assert "Ann &lt;B&gt; O&#x27;Brien &amp; {Co}" in html and "(Busy &lt;then&gt; &amp; {away})" in html
    assert "<B>" not in html and "<then>" not in html


def test_the_rows_come_in_the_order_the_querysets_gave():
    activity = make_activity()
    _people(activity)
    people = selectors.activity_roster(activity)
    old = _old_context(activity)
    for key in ("shortlist", "invitations", "deployments"):
        assert [row.pk for row in people[key]] == [item.pk for item in old[key]]
        assert [row.full_name for row in people[key]] == [item.profile.full_name for item in old[key]]
    with CaptureQueriesContext(connection) as captured:
        selectors.activity_roster(activity)
    assert len(captured.captured_queries) == 1
