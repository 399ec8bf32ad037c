"""The candidates' rows and the search forms' fields, written once: the same HTML as the templates they replace."""

import itertools

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from pontis.core.forms import bump_reference_version
from pontis.core.models import Country, ThematicArea
from pontis.experts import matching
from pontis.experts.forms import CandidateSearchForm, RosterFilterForm, WeightsForm
from pontis.experts.templatetags import experts_pages

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "fr", "es", "pt", "ru"]
TOPICS = ("border_management_policy", "document_fraud_and_document_security")

# How the candidates page wrote its rows before (``experts/_candidate_row.html``, one include per table).
OLD_ROWS = engines["django"].from_string(
    '{% load i18n once %}{% comment %}The rows of a table of candidates: one include per table, not per'
    " row.{% endcomment %}{% for c in rows %}{% url 'experts:profile' c.profile.pk as profile_url %}<tr>\n"
    '  <th scope="row"><a href="{{ profile_url }}">{{ c.profile.full_name }}</a>\n'
    '    <span class="candidate-who">{{ c.profile.nationality|default:_("Nationality not given") }}{% if'
    ' c.profile.institution_name %} · {{ c.profile.institution_name }}{% elif c.profile.institution %} ·'
    ' {{ c.profile.institution }}{% endif %}</span>\n'
    '    {% if c.profile.pk in team_ids %} <span class="status status--ok">{% translate "In suggested'
    ' team" %}</span>{% endif %}{% if c.partner_institution %} <span class="status status--warn">{%'
    ' translate "Possible conflict of interest" %}</span>{% endif %}{% if c.profile.status != "active"'
    ' %} <span class="status">{% translate "Vetted, not yet active" %}</span>{% endif %}</th>\n'
    '  <td>{{ c.score }}</td>\n'
    '  {% for percent in c.percents %}<td>{{ percent }}%</td>{% endfor %}\n'
    '  <td>{% if c.profile.pk in deployed_ids %}<span class="status status--ok">{% translate "Deployed"'
    ' %}</span>\n'
    '    {% elif c.profile.pk in invited_ids %}<span class="status">{% translate "Invited" %}</span>\n'
    '    {% elif not takes_experts %}—\n'
    '    {% elif c.profile.status != "active" %}<a href="{{ profile_url }}">{% translate "Activate the'
    ' profile to invite" %}<span class="visually-hidden"> {{ c.profile.full_name }}</span></a>\n'
    '    {% else %}<form method="post" action="{{ invite_url }}" class="inline-form">{% csrf_token %}{%'
    ' one_time_token %}<input type="hidden" name="profile" value="{{ c.profile.pk }}"><input'
    ' type="hidden" name="role" value="expert">\n'
    '    <button class="button button--small" type="submit">{% translate "Invite" %}<span'
    ' class="visually-hidden"> {{ c.profile.full_name }}</span></button></form>\n'
    '    <form method="post" action="{{ shortlist_url }}" class="inline-form">{% csrf_token %}<input'
    ' type="hidden" name="profile" value="{{ c.profile.pk }}">\n'
    '    <button class="button button--secondary button--small" type="submit">{% translate "Shortlist"'
    ' %}<span class="visually-hidden"> {{ c.profile.full_name }}</span></button></form>{% endif %}</td>\n'
    '</tr>{% empty %}<tr><td colspan="9">{{ empty }}</td></tr>{% endfor %}\n'
)
NEW_ROWS = engines["django"].from_string("{% load experts_pages %}{% candidate_rows rows empty %}")


@pytest.fixture
def keys(monkeypatch):
    """The one-time keys of the invite forms, numbered in order (the same for both renderings)."""
    counters = {}

    def numbered(name):
        counter = counters.setdefault(name, itertools.count())
        return lambda: f"key{next(counter)}"

    monkeypatch.setattr("pontis.core.templatetags.once.new_key", numbered("old"))
    monkeypatch.setattr(experts_pages, "new_key", numbered("new"))


def _candidates(institution):
    theme = ThematicArea.objects.get(code="irregular_thb")
    senegal = Country.objects.get(code="SN")
    senegal.name = {**senegal.name, "fr": "Sénégal & <Casamance>"}
    senegal.save()
    activity = make_activity(topics=TOPICS, partners=[institution])
    people = [
        make_profile(topics=TOPICS, given_name="Ann <B>", family_name="O'Brien", nationality="SN",
                     institution_name="Ministry & {Interior}"),
        make_profile(topics=TOPICS, nationality=None, institution=institution),
        make_profile(topics=TOPICS[:1], nationality="BR"),
        make_profile(topics=TOPICS, family_name="Deployed"),
        make_profile(topics=TOPICS, family_name="Invited"),
    ]
    vetted = make_profile(topics=TOPICS, status="vetted", family_name="Vetted")
    assert theme.pk
    ranked = matching.rank(activity)
    found = matching.explain(activity, [vetted.pk, people[0].pk])
    return ranked, found, people


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("takes_experts", [True, False])
def test_candidate_rows_read_as_the_include_wrote_them(language, takes_experts, institution, keys):
    ranked, found, people = _candidates(institution)
    request = RequestFactory().get("/")
    for rows in (ranked, found, []):
        context = {"rows": rows, "team_ids": {people[0].pk, people[2].pk}, "deployed_ids": {people[3].pk},
                   "invited_ids": {people[4].pk}, "takes_experts": takes_experts, "invite_url": "/experts/activities/1/invite/",
                   "shortlist_url": "/experts/activities/1/shortlist/", "empty": "Nobody <here>", "csrf_token": "tok&en"}
        with translation.override(language):
            old = OLD_ROWS.render(context, request)
            new = NEW_ROWS.render(context, request)
        assert new == old
        assert new.count("<tr>") == max(len(rows), 1)
    assert len(ranked) == 5 and len(found) == 2
    assert any(c.partner_institution for c in ranked) and any(c.profile.nationality is None for c in ranked)


def test_the_rows_escape_what_people_wrote(institution, keys):
    ranked, _found, _people = _candidates(institution)
    html = NEW_ROWS.render({"rows": ranked, "takes_experts": True, "csrf_token": "t"})

    assert "Ann &lt;B&gt; O&#x27;Brien" in html and "Ministry &amp; {Interior}" in html and "<B>" not in html


# ---------------------------------------------------------------- form fields rendered once per search

FIELDS = {
    RosterFilterForm: "experts/_roster_fields.html",
    WeightsForm: "experts/_weights_fields.html",
    CandidateSearchForm: "experts/_find_field.html",
}
SUBMITTED = [
    {},
    {"q": "migración <b>", "status": "active", "theme": "1"},
    {"theme": "99999", "available_from": "2020-13-01", "status": "bogus"},
    {"w_topic": "50", "w_language": "-5", "size": "abc", "rules": ["mix", "non_eu"], "find": "x" * 300},
]


def _form(form_class, data):
    from django.http import QueryDict

    if data is None:
        return form_class(initial={"size": 4, "rules": ["mix"], "w_topic": 40}) if form_class is WeightsForm else form_class()
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return form_class(query)


@pytest.mark.parametrize("language", LANGUAGES)
def test_kept_form_fields_are_the_fields_the_template_renders(language):
    experts_pages._fields_html.clear()
    with translation.override(language):
        for form_class, template in FIELDS.items():
            for data in [None, *SUBMITTED]:
                direct = engines["django"].get_template(template).render({"form": _form(form_class, data)})
                first = experts_pages.form_fields(_form(form_class, data), template)
                kept = experts_pages.form_fields(_form(form_class, data), template)
                assert first == kept == direct


def test_form_fields_are_kept_apart_by_language_values_and_reference_data():
    experts_pages._fields_html.clear()
    template = FIELDS[RosterFilterForm]

    def fields(data, language="en"):
        with translation.override(language):
            return experts_pages.form_fields(_form(RosterFilterForm, data), template)

    english, french = fields({"status": "active"}), fields({"status": "active"}, "fr")
    assert english != french and fields({"status": "vetted"}) != english
    assert 'value="active" selected' in english

    theme = ThematicArea.objects.order_by("sort_order", "id").first()
    theme.name = {**theme.name, "en": "A renamed theme"}
    theme.save()
    bump_reference_version()

    assert "A renamed theme" in fields({"status": "active"})


def test_form_fields_with_a_model_instance_as_initial_value_are_rendered_every_time():
    experts_pages._fields_html.clear()
    theme = ThematicArea.objects.order_by("sort_order", "id").first()
    form = RosterFilterForm(initial={"theme": theme})

    html = experts_pages.form_fields(form, FIELDS[RosterFilterForm])

    assert not experts_pages._fields_html
    assert html == engines["django"].get_template(FIELDS[RosterFilterForm]).render({"form": form})


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_candidates_profile_reads_as_the_model(language, institution):
    """What the page reads of a candidate (``matching.CandidateProfile``) is what the model instance gives."""
    institution.name = {"en": "Agency <&> {x}", "fr": "Agence « x »"}
    institution.acronym = "A&B"
    institution.save()
    people = [make_profile(topics=TOPICS, nationality="SN", institution=institution, gender="male",
                           background="academic", given_name=""),
              make_profile(topics=TOPICS, nationality=None, institution_name="Own & co")]
    with translation.override(language):
        profiles = matching._profiles([p.pk for p in people])
        for person in people:
            person = type(person).objects.select_related("nationality", "institution").get(pk=person.pk)
            light = profiles[person.pk]
            assert (light.pk, light.full_name, str(light), light.email, light.status, light.user_id) == (
                person.pk, person.full_name, str(person), person.email, person.status, person.user_id)
            assert light.get_gender_display() == person.get_gender_display()
            assert light.get_background_display() == person.get_background_display()
            assert light.nationality == (str(person.nationality) if person.nationality else None)
            assert light.institution == (str(person.institution) if person.institution else None)
            assert light.institution_name == person.institution_name
