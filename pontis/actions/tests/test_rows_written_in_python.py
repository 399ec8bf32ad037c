"""The Action page, the Actions list, the Actions needing attention and the API's Action answer write their rows in
Python and read their lists in fewer queries: the same HTML (and JSON) as the templates and prefetches gave, in the
five languages, and the same queries at any size.

Before, on the stress data: the Action page rendered a ``{% url %}``, a ``{% tr %}`` and two date filters per
activity and read its countries, themes, topics and goals in five prefetches (169,000 Python calls, 30 queries);
the list and the page of Actions needing attention rendered a ``{% url %}`` and an include per row.
"""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from pontis.actions import selectors, services
from pontis.actions.models import Action, ActionPartner, Activity, Deliverable
from pontis.actions.permissions import sees_every_action
from pontis.actions.views import (
    action_rows_html,
    activity_rows_html,
    at_risk_rows_html,
    clock_html,
    dates_html,
    detail_url_of,
)
from pontis.core.models import ActivityType, Country, DeliverableType, GCMObjective, SDGTarget, ThematicArea, Topic
from pontis.core.permissions import can
from tests.factories import InstitutionFactory, user_with_role
from tests.queries import assert_flat, count_queries

from .factories import make_action

LANGUAGES = ("en", "fr", "es", "pt", "ru")
D = datetime.date

# The markup the templates wrote before, kept here to compare with.
OLD_ACTIVITY_ROWS = Template(
    "{% load i18n pontis %}{% for a in activities %}<tr><td>{{ a.sequence }}</td><td><a href=\"{% url 'actions:activity' "
    "action.code a.pk %}\">{{ a.type }}{% if a.title %} – {% tr a.title %}{% endif %}</a></td>\n"
    "<td>{{ a.start_date|day|default:\"?\" }}{% if a.end_date and a.end_date != a.start_date %} – {{ a.end_date|day }}"
    "{% endif %}</td><td>{% if a.online %}{% translate \"Online\" %}{% else %}{{ a.place|default:\"—\" }}{% endif %}"
    "</td><td>{{ a.get_status_display }}</td></tr>\n{% endfor %}")
OLD_LIST_ROWS = Template(
    "{% for row in rows %}\n    <tr><td><a href=\"{{ row.url }}\">{{ row.action.code }}</a></td><td>{{ row.title }}</td>\n"
    "    <td>{{ row.region }}</td><td>{{ row.themes }}</td>\n    <td>{{ row.dates }}</td>\n"
    "    <td>{{ row.status }}</td></tr>\n  {% endfor %}")
OLD_RISK_ROWS = Template(
    "{% load i18n pontis %}{% for action, reason in items %}<tr><td><a href=\"{% url 'actions:detail' action.code %}\">"
    "{{ action.code }} · {% tr action.title %}</a></td><td>{% include \"actions/_clock.html\" with clock=action.clock %}"
    "</td><td>{{ reason }}</td></tr>\n{% endfor %}")
OLD_FACTS = Template(
    "{% for c in action.countries.all %}{{ c }}{% if not forloop.last %}, {% endif %}{% empty %}—{% endfor %}|"
    "{% for t in action.themes.all %}{{ t }}{% if not forloop.last %}; {% endif %}{% empty %}—{% endfor %}|"
    "{% for t in action.topics.all %}{{ t }}{% if not forloop.last %}; {% endif %}{% empty %}—{% endfor %}|"
    "{% for t in action.sdg_targets.all %}{{ t.code }} {{ t }}{% if not forloop.last %}; {% endif %}{% empty %}—"
    "{% endfor %}|{% for o in action.gcm_objectives.all %}{{ o }}{% if not forloop.last %}; {% endif %}{% empty %}—"
    "{% endfor %}")


def _varied_activities(action):
    workshop, visit = ActivityType.objects.get(code="workshop"), ActivityType.objects.exclude(code="workshop").first()
    rows = [
        dict(type=workshop, title={"en": "Opening <b>workshop</b>"}, start_date=D(2031, 3, 3), end_date=D(2031, 3, 5),
             place="Praia & Mindelo"),
        dict(type=visit, title={"fr": "Visite d'étude"}, start_date=D(2031, 4, 1), end_date=D(2031, 4, 1), online=True),
        dict(type=workshop, title={}, start_date=None, end_date=None, place="", status=Activity.Status.POSTPONED),
        dict(type=visit, title={"ru": "Семинар"}, start_date=D(2031, 12, 30), end_date=None, status=Activity.Status.CANCELLED),
    ]
    for i, fields in enumerate(rows, start=1):
        Activity.objects.create(action=action, sequence=i, **fields)
    return list(Activity.objects.filter(action=action).select_related("type").order_by("sequence", "id"))


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_activity_rows_are_what_the_page_template_wrote(officer, language):
    action = make_action(officer)
    activities = _varied_activities(action)
    with translation.override(language):
        written = activity_rows_html(action, activities)
        assert written == OLD_ACTIVITY_ROWS.render(Context({"action": action, "activities": activities}))
    assert written.count("<tr>") == 4 and "&lt;b&gt;" in written and "Praia &amp; Mindelo" in written


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_rows_are_what_the_list_template_wrote(client, officer, language):
    make_action(officer, countries=("CV", "SN"), themes=("legal", "mad"))
    titled = make_action(officer)
    Action.objects.filter(pk=titled.pk).update(title={"fr": "Renforcer <la> gestion"}, start_date=D(2031, 1, 2))
    client.force_login(officer)
    client.cookies["django_language"] = language
    response = client.get(reverse("actions:list"))
    rows = response.context["rows"]
    with translation.override(language):
        assert action_rows_html(rows) == OLD_LIST_ROWS.render(Context({"rows": rows}))
    assert len(rows) == 2 and "&lt;la&gt;" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rows_needing_attention_are_what_the_template_and_clock_include_wrote(officer, language):
    late = make_action(officer, requested_on=D.today() - datetime.timedelta(days=120))
    warned = make_action(officer, requested_on=D.today() - datetime.timedelta(days=70))
    Action.objects.filter(pk=warned.pk).update(title={"en": "Border <management>"})
    undated = make_action(officer)
    Action.objects.filter(pk=undated.pk).update(requested_on=None)
    items = [(action, reason) for action, reason in zip(
        Action.objects.filter(pk__in=[late.pk, warned.pk, undated.pk]).order_by("pk"),
        ("waiting for the fiche agreement", "a <reason> & more", ""), strict=True)]
    with translation.override(language):
        assert at_risk_rows_html(items) == OLD_RISK_ROWS.render(Context({"items": items}))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_clock_badge_is_what_the_clock_template_renders(language):
    clocks = [{"days": None, "target": 90, "state": "unknown", "launched": False}]
    for days, state in ((0, "ok"), (75, "at_risk"), (91, "late"), (1234, "late")):
        for launched in (True, False):
            clocks.append({"days": days, "target": 90, "state": state, "launched": launched})
    with translation.override(language):
        for clock in clocks:
            assert clock_html(clock) == render_to_string("actions/_clock.html", {"clock": clock})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dates_are_what_the_dates_template_renders_again_and_again(language):
    """The days are kept per language: the second time (and in another language) they are still right."""
    action = Action(code="2026-001", start_date=None, end_date=None)
    action.dates_from, action.dates_to = D(2026, 1, 5), D(2026, 3, 9)
    for other in (language, "en", language):
        with translation.override(other):
            assert dates_html(action) == render_to_string("actions/_dates.html", {"action": action, "explain": False})


@pytest.mark.django_db
def test_the_addresses_of_the_rows_are_those_reverse_gives():
    url = detail_url_of()
    for code in ("2024-001", "2031-1234", "A.b_c-9", "2024 001", "é-1", "a?b"):
        assert url(code) == reverse("actions:detail", args=[code])


def _goals(action):
    action.sdg_targets.set(SDGTarget.objects.order_by("-code")[:3])
    action.gcm_objectives.set(GCMObjective.objects.order_by("-number")[:3])
    action.topics.set(Topic.objects.order_by("-code")[:2])


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_facts_are_what_the_page_template_listed(officer, language):
    action = make_action(officer, countries=("SN", "CV", "MA"), themes=("mad", "legal"))
    _goals(action)
    bare = make_action(officer)
    bare.countries.clear()
    bare.themes.clear()
    with translation.override(language):
        for a in (action, bare):
            facts = selectors.facts_of(a)
            shown = "|".join((", " if key == "countries" else "; ").join(labels) or "—" for key, labels in facts.items())
            assert escape(shown) == OLD_FACTS.render(Context({"action": Action.objects.get(pk=a.pk)}))
    assert [len(v) for v in selectors.facts_of(action).values()] == [3, 2, 2, 3, 3]


@pytest.mark.django_db
def test_the_action_page_reads_its_facts_in_one_query_at_any_size(client, officer):
    action = make_action(officer, countries=("CV",), themes=("legal",))
    url = reverse("actions:detail", args=[action.code])
    client.force_login(officer)
    small, _response = count_queries(lambda: client.get(url))

    action.countries.set(Country.objects.all()[:12])
    action.themes.set(ThematicArea.objects.all())
    _goals(action)
    large, response = count_queries(lambda: client.get(url))
    assert_flat(small, large)
    assert str(SDGTarget.objects.order_by("-code").first().code) in response.content.decode()


@pytest.mark.django_db
def test_the_api_answer_lists_what_the_prefetches_listed_in_the_same_queries_at_any_size(api_client, officer):
    action = make_action(officer, countries=("CV",), themes=("legal",))
    client = api_client(officer)
    url = f"/api/v1/actions/{action.code}"
    small, _response = count_queries(lambda: client.get(url))

    action.countries.set(Country.objects.filter(code__in=("SN", "CV", "MA")))
    action.themes.set(ThematicArea.objects.all())
    _goals(action)
    for i in range(3):
        ActionPartner.objects.create(action=action, institution=InstitutionFactory(),
                                     operational_focal_point=user_with_role("focal_point") if i else None)
    workshop = ActivityType.objects.get(code="workshop")
    for sequence in (3, 1, 2):
        Activity.objects.create(action=action, sequence=sequence, type=workshop)
    for _i in range(2):
        Deliverable.objects.create(action=action, type=DeliverableType.objects.first(), title={"en": "Guide"})
    large, response = count_queries(lambda: client.get(url))
    assert_flat(small, large)

    body = response.json()
    action = Action.objects.get(pk=action.pk)
    assert body["countries"] == [c.code for c in action.countries.all()] == ["CV", "MA", "SN"]
    assert body["themes"] == [t.code for t in action.themes.all()]
    assert body["topics"] == [t.code for t in action.topics.all()]
    assert body["sdg_targets"] == [t.code for t in action.sdg_targets.all()]
    assert body["gcm_objectives"] == [o.code for o in action.gcm_objectives.all()]
    assert body["activities"] == [a.pk for a in action.activities.all()]
    assert [a.sequence for a in action.activities.all()] == [1, 2, 3]
    assert body["deliverables"] == [d.pk for d in action.deliverables.all()]
    assert body["partners"] == [{
        "institution_id": p.institution_id, "institution": str(p.institution),
        "operational_focal_point": p.operational_focal_point.email if p.operational_focal_point else None,
        "strategic_focal_point": None} for p in action.partners.order_by("id")]
    assert len(body["partners"]) == 3


@pytest.mark.django_db
def test_who_sees_every_action_is_answered_without_a_query(officer, focal_point, institution):
    action = make_action(officer)
    committee, admin = user_with_role("committee"), user_with_role("admin")
    for user in (officer, committee, admin):
        assert sees_every_action(user)
        user.role_codes  # noqa: B018 (the roles, read once per request by the middleware)
        with CaptureQueriesContext(connection) as captured:
            assert can(user, "view", action)
        assert captured.captured_queries == []
    assert not can(officer, "view", Action(code="2099-001"))  # not saved: nobody sees it
    assert not sees_every_action(focal_point) and not can(focal_point, "view", action)
    ActionPartner.objects.create(action=action, institution=institution)
    assert can(focal_point, "view", action)
    services.action_cancel(action=action, by=officer, reason="Stopped.")
    assert can(committee, "follow", action) and not can(focal_point, "follow", action)
