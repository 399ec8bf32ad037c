"""The Action page reads its activities, partners, deliverables, fiche versions and closure as plain rows (statements
written once per process) and writes its partners, versions and deliverables in Python: the same HTML as the
querysets, prefetches and template loops gave, in the five languages and with hostile text, and the same queries at
any size.

Before, on the stress data (``/actions/2007-146/`` as an officer): 76,000 Python calls, most of them compiling the
page's querysets (the prefetches of partners, deliverables and versions, the dates' subqueries, the activities and
their count, the self-assessment and follow-ups) and fifty ``{% translate %}`` tags; after, 46,500, of which the
panels of other apps are 22,000.
"""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from pontis.accounts.models import User
from pontis.actions import selectors
from pontis.actions.models import Action, ActionPartner, Activity, Deliverable, FicheVersion, FollowUp, SelfAssessment
from pontis.actions.views import (
    ACTIVITIES_SHOWN,
    activity_rows_html,
    deliverable_rows_html,
    page_labels,
    partners_html,
    versions_html,
)
from pontis.core.models import ActivityType, DeliverableType, GoodPracticeFeature
from tests.factories import InstitutionFactory, user_with_role
from tests.queries import assert_flat, count_queries

from .factories import make_action

LANGUAGES = ("en", "fr", "es", "pt", "ru")
D = datetime.date
HOSTILE = '<script>alert("x")</script> & \'{{ x }}\''

# The markup the page's template wrote before, kept here to compare with.
OLD_PARTNERS = Template(
    "{% load i18n %}{% for p in partners %}<li>{{ p.institution }}<br><span class=\"small\">{% translate \"Operational "
    "focal point\" %}: {{ p.operational_focal_point|default:\"—\" }} · {% translate \"Strategic focal point\" %}: "
    "{{ p.strategic_focal_point|default:\"—\" }}</span></li>{% empty %}<li>{% translate \"No partner yet.\" %}</li>"
    "{% endfor %}")
OLD_VERSIONS = Template(
    "{% load i18n pontis %}{% for v in versions %}<li><a href=\"{% url 'actions:fiche' action.code %}?v={{ v.number }}\">"
    "{% blocktranslate with n=v.number %}Version {{ n }}{% endblocktranslate %}</a> – {{ v.get_status_display }}"
    "{% if v.agreed_on %} ({{ v.agreed_on|day }}){% endif %}</li>{% endfor %}")
OLD_DELIVERABLES = Template(
    "{% load i18n pontis %}{% for d in deliverables %}<tr><td><a href=\"{% url 'actions:deliverable' action.code d.pk %}\">"
    "{% tr d.title %}</a></td><td>{{ d.type }}</td><td>{{ d.get_status_display }}</td><td>{{ d.evidence|default:\"—\" }}"
    "</td></tr>\n{% empty %}<tr><td colspan=\"4\">{% translate \"No deliverable yet.\" %}</td></tr>{% endfor %}")
OLD_ACTIVITY_ROWS = Template(
    "{% load i18n pontis %}{% for a in activities %}<tr><td>{{ a.sequence }}</td><td><a href=\"{% url 'actions:activity' "
    "action.code a.pk %}\">{{ a.type }}{% if a.title %} – {% tr a.title %}{% endif %}</a></td>\n"
    "<td>{{ a.start_date|day|default:\"?\" }}{% if a.end_date and a.end_date != a.start_date %} – {{ a.end_date|day }}"
    "{% endif %}</td><td>{% if a.online %}{% translate \"Online\" %}{% else %}{{ a.place|default:\"—\" }}{% endif %}"
    "</td><td>{{ a.get_status_display }}</td></tr>\n{% endfor %}")
# The closure part of the page's template (unchanged): it reads the rows as it read the querysets.
CLOSURE = Template(
    "{% load i18n pontis %}{% for s in scores %}<tr><th scope=\"row\">{{ s.feature }}</th><td>{{ s.score }}</td><td>"
    "{{ s.comment|default:\"—\" }}</td></tr>{% endfor %}|{% for f in follow_ups %}<li>{% blocktranslate with m=f.months "
    "d=f.due_on %}After {{ m }} months (due {{ d }}){% endblocktranslate %}:\n{% if f.recorded_at %}{{ f.outcome }}"
    "{% else %}<span class=\"muted\">{% translate \"not recorded yet\" %}</span>\n{% if may_record_follow_up and "
    "f.reminded_at %}<form method=\"post\" action=\"{% url 'actions:follow_up' action.code f.pk %}\">"
    "<textarea id=\"outcome-{{ f.pk }}\"></textarea></form>{% endif %}{% endif %}</li>{% endfor %}")


def _hostile_partners(action):
    action.partners.all().delete()
    named = user_with_role("focal_point", given_name="Ana <b>", family_name="O'Neil & co")
    unnamed = user_with_role("focal_point", given_name="", family_name="", email="<x>@example.org")
    ActionPartner.objects.create(action=action, institution=InstitutionFactory(name={"fr": f"Ministère {HOSTILE}"},
                                                                                acronym="A&B"),
                                 operational_focal_point=named, strategic_focal_point=unnamed)
    ActionPartner.objects.create(action=action, institution=InstitutionFactory(name={"en": "Police"}, acronym=""))
    ActionPartner.objects.create(action=action, institution=InstitutionFactory(name={"ru": "Полиция"}),
                                 strategic_focal_point=named)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_partners_are_what_the_page_template_wrote(officer, language):
    action, bare = make_action(officer), make_action(officer)
    _hostile_partners(action)
    with translation.override(language):
        for a in (action, bare):
            rows = selectors.action_page_parts(a)["partners"]
            old = a.partners.select_related("institution", "operational_focal_point", "strategic_focal_point")
            assert partners_html(rows) == OLD_PARTNERS.render(Context({"partners": old.order_by("id")}))
    written = partners_html(selectors.action_page_parts(action)["partners"])
    assert written.count("<li>") == 3 and "&lt;script&gt;" in written and "Ana &lt;b&gt; O&#x27;Neil &amp; co" in written
    assert "&lt;x&gt;@example.org" in written and "A&amp;B" in written


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fiche_versions_are_what_the_page_template_wrote(officer, language):
    action = make_action(officer)
    FicheVersion.objects.filter(action=action).update(status=FicheVersion.Status.SUPERSEDED, agreed_on=D(2030, 2, 1))
    FicheVersion.objects.create(action=action, number=2, status=FicheVersion.Status.AGREED, agreed_on=D(2031, 12, 3))
    FicheVersion.objects.create(action=action, number=3)
    bare = make_action(officer)
    bare.fiche_versions.all().delete()
    with translation.override(language):
        for a in (action, bare):
            rows = selectors.action_page_parts(a)["versions"]
            old = FicheVersion.objects.filter(action=a).order_by("number")
            assert versions_html(a, rows) == OLD_VERSIONS.render(Context({"action": a, "versions": old}))
    assert [v.number for v in selectors.action_page_parts(action)["versions"]] == [1, 2, 3]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_deliverables_are_what_the_page_template_wrote(officer, language):
    action, bare = make_action(officer), make_action(officer)
    kinds = list(DeliverableType.objects.all()[:2])
    Deliverable.objects.create(action=action, type=kinds[0], title={"en": f"Guide {HOSTILE}"}, evidence=HOSTILE)
    Deliverable.objects.create(action=action, type=kinds[1], title={"pt": "Manual"}, status=Deliverable.Status.ADOPTED)
    Deliverable.objects.create(action=action, type=kinds[0], title={"ru": "Руководство", "fr": "Guide"}, evidence="")
    with translation.override(language):
        for a in (action, bare):
            rows = selectors.action_page_parts(a)["deliverables"]
            old = Deliverable.objects.filter(action=a).select_related("type")
            assert deliverable_rows_html(a, rows) == OLD_DELIVERABLES.render(Context({"action": a, "deliverables": old}))
    written = deliverable_rows_html(action, selectors.action_page_parts(action)["deliverables"])
    assert written.count("<tr>") == 3 and "&lt;script&gt;" in written and "{{ x }}" in written


def _activities(action):
    workshop, visit = ActivityType.objects.get(code="workshop"), ActivityType.objects.exclude(code="workshop").first()
    rows = [
        dict(sequence=3, type=workshop, title={"en": f"Opening {HOSTILE}"}, start_date=D(2031, 3, 3),
             end_date=D(2031, 3, 5), place="Praia & Mindelo"),
        dict(sequence=1, type=visit, title={"fr": "Visite d'étude"}, start_date=D(2031, 4, 1), end_date=D(2031, 4, 1),
             online=True),
        dict(sequence=2, type=workshop, title={}, place=HOSTILE, status=Activity.Status.POSTPONED),
        dict(sequence=2, type=visit, title={"ru": "Семинар"}, start_date=D(2030, 12, 30), end_date=D(2032, 1, 9),
             status=Activity.Status.CANCELLED),
        dict(sequence=4, type=visit, title={"pt": "Oficina"}, start_date=D(2031, 1, 2), end_date=None),
    ]
    for fields in rows:
        Activity.objects.create(action=action, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_activities_and_dates_are_what_the_querysets_gave(officer, language):
    action, bare, dated = make_action(officer), make_action(officer), make_action(officer)
    _activities(action)
    _activities(dated)
    Action.objects.filter(pk=dated.pk).update(start_date=D(2029, 1, 1), end_date=D(2029, 2, 2))
    with translation.override(language):
        for a in (action, bare, dated):
            old_action = selectors.with_dates(Action.objects).get(pk=a.pk)
            old = list(Activity.objects.filter(action=a).select_related("type").order_by("sequence", "id"))
            for limit in (None, ACTIVITIES_SHOWN, 2):
                page_action = Action.objects.get(pk=a.pk)
                rows, total = selectors.action_page_activities(page_action, limit=limit)
                shown = old if limit is None else old[:limit]
                assert total == len(old) and len(rows) == len(shown)
                assert (page_action.dates_from, page_action.dates_to) == (old_action.dates_from, old_action.dates_to)
                assert activity_rows_html(a, rows) == OLD_ACTIVITY_ROWS.render(Context({"action": a, "activities": shown}))
    action = Action.objects.get(pk=action.pk)
    selectors.action_page_activities(action, limit=2)
    # The cancelled activity's dates do not count; an end-less activity counts by its start.
    assert (action.dates_from, action.dates_to) == (D(2031, 1, 2), D(2031, 4, 1))


def _closure(action):
    features = list(GoodPracticeFeature.objects.order_by("-number")[:3])
    for feature, comment in zip(features, (HOSTILE, "", "Fine"), strict=True):
        SelfAssessment.objects.create(action=action, feature=feature, score=3, comment=comment)
    now = datetime.datetime(2031, 5, 6, 7, 8, tzinfo=datetime.UTC)
    FollowUp.objects.create(action=action, months=12, due_on=D(2032, 1, 1), reminded_at=now)
    FollowUp.objects.create(action=action, months=6, due_on=D(2031, 7, 1), reminded_at=now, recorded_at=now,
                            outcome=HOSTILE)
    FollowUp.objects.create(action=action, months=24, due_on=D(2033, 1, 1))
    Action.objects.filter(pk=action.pk).update(status=Action.Status.COMPLETED)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_closure_rows_show_what_the_querysets_showed(officer, language):
    action = make_action(officer)
    _closure(action)
    action.refresh_from_db()
    old = {"scores": action.self_assessment.select_related("feature"), "follow_ups": action.follow_ups.all()}
    with translation.override(language):
        for may in (True, False):
            context = {"action": action, "may_record_follow_up": may}
            new = CLOSURE.render(Context({**context, **selectors.closure_of(action)}))
            assert new == CLOSURE.render(Context({**context, **old}))
    written = CLOSURE.render(Context({"action": action, "may_record_follow_up": True, **selectors.closure_of(action)}))
    assert written.count("<tr>") == 3 and written.count("<form") == 1 and "&lt;script&gt;" in written


@pytest.mark.django_db
def test_the_closure_is_read_only_for_a_completed_action(officer, django_assert_num_queries):
    action = make_action(officer)
    with django_assert_num_queries(0):
        assert selectors.closure_of(action) == {"scores": [], "follow_ups": []}


@pytest.mark.django_db
def test_the_action_page_reads_its_lists_in_the_same_queries_at_any_size(client, officer):
    action = make_action(officer)
    Action.objects.filter(pk=action.pk).update(status=Action.Status.COMPLETED)
    url = reverse("actions:detail", args=[action.code])
    client.force_login(officer)
    small, _response = count_queries(lambda: client.get(url))

    _hostile_partners(action)
    _activities(action)
    for i in range(30):
        Activity.objects.create(action=action, sequence=10 + i, type=ActivityType.objects.first(), title={"en": f"A{i}"})
    for i in range(4):
        Deliverable.objects.create(action=action, type=DeliverableType.objects.first(), title={"en": f"Guide {i}"})
        FicheVersion.objects.create(action=action, number=2 + i, status=FicheVersion.Status.SUPERSEDED)
    _closure(action)
    large, response = count_queries(lambda: client.get(url))
    assert_flat(small, large)
    all_, _response = count_queries(lambda: client.get(url + "?activities=all"))
    assert_flat(small, all_)
    page = response.content.decode()
    assert page.count('<li><a href="/actions/') >= 5 and "Guide 3" in page and "&lt;script&gt;" in page
    assert str(ACTIVITIES_SHOWN) in page and "35" in page
    assert User.objects.filter(given_name="Ana <b>").exists() and "Ana &lt;b&gt;" in page


# The page's fixed wording, as its template's ``{% translate %}`` tags named it.
OLD_LABELS = (
    ("action_fiche", "Action Fiche"),
    ("activities", "Activities"),
    ("approved_on", "Approved on"),
    ("cancel_the_action", "Cancel the Action"),
    ("cancelled", "Cancelled"),
    ("change", "Change"),
    ("change_goals", "Change the SDG targets and GCM objectives"),
    ("change_partners", "Add or change partners and focal points"),
    ("close_the_action", "Close the Action"),
    ("closed_once_reported", "The Action can be closed once every activity is reported or cancelled."),
    ("closure", "Closure"),
    ("comment", "Comment"),
    ("countries", "Countries"),
    ("dates", "Dates"),
    ("deliverables", "Deliverables"),
    ("evidence", "Evidence"),
    ("facts", "Facts"),
    ("feature", "Feature"),
    ("fiche_agreed_on", "Fiche agreed on"),
    ("final_report", "Final report"),
    ("first_activity_delivered", "First activity delivered"),
    ("gcm_objectives", "GCM objectives"),
    ("history_of_changes", "History of changes"),
    ("lessons_learnt", "Lessons learnt"),
    ("manage", "Manage"),
    ("no_activity_yet", "No activity yet: they come from the agreed Action Fiche."),
    ("nobody_yet", "nobody yet"),
    ("not_recorded_yet", "not recorded yet"),
    ("number", "No."),
    ("open_the_action_fiche", "Open the Action Fiche"),
    ("outcome_follow_ups", "Outcome follow-ups"),
    ("outcome_observed", "Outcome observed"),
    ("owner", "Owner:"),
    ("partner_institutions", "Partner institutions"),
    ("place", "Place"),
    ("plan_an_activity", "Plan an activity"),
    ("reason_for_cancellation", "Reason for cancellation"),
    ("record_the_outcome", "Record the outcome"),
    ("region", "Region"),
    ("register_a_deliverable", "Register a deliverable"),
    ("requested_on", "Requested on"),
    ("score", "Score (1-5)"),
    ("sdg_targets", "SDG targets"),
    ("self_assessment", "Self-assessment against the ten features of good practice"),
    ("status", "Status"),
    ("the_owning_officer", "the owning officer"),
    ("thematic_areas", "Thematic areas"),
    ("title", "Title"),
    ("topics", "Topics"),
    ("type", "Type"),
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_labels_are_what_the_template_tags_wrote(language):
    """Made once per language: the second time (and after another language) they are still the tags' wording,
    unescaped as the tags leave it (the French "Fiche d'Action")."""
    for other in (language, "fr", language):
        with translation.override(other):
            labels = page_labels(translation.get_language())
            for key, msgid in OLD_LABELS:
                assert labels[key] == Template("{% load i18n %}{% translate \"" + msgid + "\" %}").render(Context()), key
    assert len(labels) == len(OLD_LABELS)
    with translation.override("fr"):
        assert "'" in page_labels("fr")["action_fiche"]


@pytest.mark.django_db
def test_the_page_is_fetched_and_authorised_for_every_kind_of_reader(client, officer, focal_point, institution):
    """Those who see every Action read it by its code alone; anyone else through the policy's list: 404 alike for
    a missing Action and for one the reader may not see."""
    action = make_action(officer)
    url = reverse("actions:detail", args=[action.code])
    for user, status in ((officer, 200), (user_with_role("committee"), 200), (user_with_role("admin"), 200),
                         (focal_point, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.get(reverse("actions:detail", args=["2099-999"])).status_code == 404
    ActionPartner.objects.create(action=action, institution=institution)
    client.force_login(focal_point)
    assert client.get(url).status_code == 200
    client.force_login(user_with_role("observer"))
    assert client.get(url).status_code in (403, 404)
