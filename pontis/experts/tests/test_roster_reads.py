"""What the roster and candidates pages read: labels kept between searches, counts read off a short first page,
the columns a row shows, and the lists of an activity's experts, in a flat number of queries."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pontis.core.models import Country, ThematicArea
from pontis.experts import matching, selectors
from pontis.experts.models import Deployment, Invitation, Shortlist
from tests.queries import assert_flat, count_queries

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db

ROSTER = reverse("experts:roster")


def _sql(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def test_theme_labels_are_read_once_and_again_after_a_theme_changes():
    theme = ThematicArea.objects.get(code="irregular_thb")
    expert = make_profile(family_name="Okafor", themes=("irregular_thb",))
    make_profile(family_name="Other", themes=("mad",))

    def found(word):
        return set(selectors.roster_search(selectors.roster_base(), q=word).values_list("pk", flat=True))

    found("okafor")
    assert not [sql for sql in _sql(lambda: found("okafor")) if "core_thematicarea" in sql or "core_topic" in sql]

    theme.name = {**theme.name, "en": "Zanzibar crossings"}
    theme.save()

    assert found("zanzibar") == {expert.pk}
    assert found("okafor") == {expert.pk}


def test_a_search_that_fits_on_one_page_is_counted_from_that_page(client, officer):
    client.force_login(officer)
    for n in range(3):
        make_profile(family_name=f"Quist{n}")
    make_profile(family_name="Someone")

    queries = _sql(lambda: client.get(ROSTER, {"q": "quist"}))
    response = client.get(ROSTER, {"q": "quist"})

    assert not [sql for sql in queries if "COUNT(" in sql.upper() and "experts_expertprofile" in sql]
    assert response.context["page"].count == 3 and not response.context["page"].is_capped
    assert "3 experts" in response.content.decode()
    assert [p.family_name for p in response.context["page"]] == ["Quist0", "Quist1", "Quist2"]


def test_a_search_longer_than_a_page_is_still_counted_exactly(client, officer):
    client.force_login(officer)
    for n in range(27):
        make_profile(family_name=f"Quist{n:02d}")

    response = client.get(ROSTER, {"q": "quist"})

    assert response.context["page"].count == 27 and response.context["page"].num_pages == 2
    assert "27 experts" in response.content.decode()


def test_a_short_search_costs_the_same_queries_whatever_the_roster_size(client, officer):
    client.force_login(officer)
    for n in range(3):
        make_profile(family_name=f"Quist{n}")
    small, _response = count_queries(lambda: client.get(ROSTER, {"q": "quist", "status": "active"}))
    for n in range(40):
        make_profile(family_name=f"Bystander{n:02d}", themes=("irregular_thb", "mad"), languages=(("fr", "B2"),))
    large, response = count_queries(lambda: client.get(ROSTER, {"q": "quist", "status": "active"}))

    assert_flat(small, large)
    assert response.context["page"].count == 3


def test_a_roster_row_reads_only_the_columns_it_shows(client, officer):
    client.force_login(officer)
    make_profile(
        family_name="Mensah", given_name="Ama", nationality="GH", background="government", languages=(("en", "C2"), ("fr", "B1"))
    )

    queries = _sql(lambda: client.get(ROSTER, {"q": "mensah"}))
    response = client.get(ROSTER, {"q": "mensah"})

    rows = [sql for sql in queries if "experts_expertprofile" in sql and "ORDER BY" in sql and "LIMIT" in sql]
    assert rows and all('"cv_text"' not in sql and '"biography"' not in sql for sql in rows)
    html = response.content.decode()
    assert "Mensah, Ama" in html and "Ghana" in html


def test_the_activity_lists_cost_the_same_queries_whatever_their_length():
    activity = make_activity()

    def add(n):
        for _ in range(n):
            profile = make_profile()
            Shortlist.objects.create(activity=activity, profile=profile)
            Invitation.objects.create(
                activity=activity, profile=profile, start_date=activity.start_date, end_date=activity.end_date, days=2
            )
            Deployment.objects.create(
                activity=activity, profile=profile, start_date=activity.start_date, end_date=activity.end_date
            )

    add(1)
    small, _people = count_queries(lambda: selectors.activity_roster(activity))
    add(5)
    large, people = count_queries(lambda: selectors.activity_roster(activity), warm=False)

    assert_flat(small, large)
    assert small == 1
    assert len(people["shortlist"]) == len(people["invitations"]) == len(people["deployments"]) == 6
    with CaptureQueriesContext(connection) as captured:
        names = [d.full_name for d in people["deployments"]] + [s.full_name for s in people["shortlist"]]
    assert len(captured.captured_queries) == 0 and all(names)


@pytest.mark.parametrize("value", [0.0, 1.0, 0.5, 0.125, 0.135, 0.6, 0.7 * 0.5 + 0.3 * 1.0, 1 / 3, 2 / 3, 0.005, 0.995])
def test_a_candidate_shows_each_part_as_the_template_tag_rounds_it(value):
    candidate = matching.Candidate(profile=None, parts={key: value for key in matching.PARTS})
    expected = Template("{% widthratio value 1 100 %}").render(Context({"value": value}))

    assert candidate.percents == [expected] * len(matching.PARTS)


# ---------------------------------------------------------------- roster rows without model instances

# How a roster row was written from model instances (prefetched languages and themes, the status include): the
# rows built from plain values must read exactly the same in every language.
OLD_ROWS = Template(
    "{% for p in rows %}<a href=\"{% url 'experts:profile' p.pk %}\">{{ p.family_name }}, {{ p.given_name }}</a>"
    '|{{ p.nationality|default:"—" }}|{{ p.get_background_display }}'
    "|{% for el in p.languages.all %}{{ el.label }}{% if not forloop.last %}, {% endif %}{% endfor %}"
    "|{% for t in p.themes.all %}{{ t }}{% if not forloop.last %}; {% endif %}{% endfor %}"
    '|{% include "experts/_status.html" with status=p.status label=p.get_status_display %}¶{% endfor %}'
)
NEW_ROWS = Template(
    '{% for p in rows %}<a href="{{ p.url }}">{{ p.family_name }}, {{ p.given_name }}</a>|{{ p.nationality }}'
    "|{{ p.background }}|{{ p.languages }}|{{ p.themes }}"
    '|<span class="status {{ p.status_class }}">{{ p.status_label }}</span>¶{% endfor %}'
)


def _varied_roster():
    theme = ThematicArea.objects.get(code="mad")
    theme.name = {"fr": "Migration & <développement>"}  # no English name: the French one is shown elsewhere
    theme.save()
    make_profile(
        family_name="O'Brien",
        given_name="Ann <B>",
        nationality="IE",
        status="registered",
        background="academia",
        themes=("mad", "irregular_thb", "legal_migration"),
        languages=(("fr", "native"), ("en", "B2"), ("ru", "A1")),
    )
    make_profile(family_name="Nobody", nationality=None, status="inactive", themes=(), languages=())
    make_profile(
        family_name="Vetted",
        nationality="SN",
        status="vetted",
        background="independent",
        themes=("legal_migration",),
        languages=(("es", "C1"),),
    )
    make_profile(family_name="Active", nationality="BR", status="active", background="private_sector")


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ru"])
def test_roster_rows_read_as_the_rows_of_model_instances_did(language):
    _varied_roster()
    queryset = selectors.roster_base().order_by("family_name", "given_name", "id")
    instances = list(queryset.select_related("nationality").prefetch_related("languages__language", "themes"))

    with translation.override(language):
        old = OLD_ROWS.render(Context({"rows": instances})).replace("\n", "")
        new = NEW_ROWS.render(Context({"rows": selectors.roster_rows(selectors.roster_page_queryset(queryset))}))

    assert new == old
    assert new.count("¶") == 4


def test_roster_rows_follow_a_renamed_country_and_theme():
    make_profile(family_name="Diallo", nationality="SN", themes=("irregular_thb",))
    queryset = selectors.roster_page_queryset(selectors.roster_base())
    before = selectors.roster_rows(queryset)[0]

    senegal = Country.objects.get(code="SN")
    senegal.name = {**senegal.name, "en": "Sénégal (renamed)"}
    senegal.save()
    theme = ThematicArea.objects.get(code="irregular_thb")
    theme.name = {**theme.name, "en": "Renamed theme"}
    theme.save()
    after = selectors.roster_rows(queryset)[0]

    assert before.nationality != after.nationality == "Sénégal (renamed)"
    assert after.themes == "Renamed theme"


def test_a_full_roster_page_costs_the_same_queries_whatever_the_roster_size(client, officer):
    client.force_login(officer)
    filters = {"status": "active"}

    def add(n):
        for _ in range(n):
            make_profile(themes=("irregular_thb", "mad"), languages=(("fr", "B2"), ("en", "C1")))

    add(26)
    small, _response = count_queries(lambda: client.get(ROSTER, filters))
    add(40)
    large, response = count_queries(lambda: client.get(ROSTER, filters))

    assert_flat(small, large)
    assert len(response.context["page"]) == 25
    html = response.content.decode()
    row = response.context["page"].object_list[0]
    assert f'<a href="/experts/{row.pk}/">{row.family_name}, {row.given_name}</a>' in html
    assert "English (C1), French (B2)" in html


def test_the_candidates_page_writes_one_row_per_candidate_and_the_empty_messages(client, officer):
    client.force_login(officer)
    activity = make_activity(topics=("document_fraud_and_document_security",))
    experts = [make_profile(family_name=f"Cand{n}", topics=("document_fraud_and_document_security",)) for n in range(3)]
    url = reverse("experts:activity_experts", args=[activity.pk])

    html = client.get(url).content.decode()
    found = client.get(url, {"find": "nobody-by-this-name"}).content.decode()
    none = client.get(reverse("experts:activity_experts", args=[make_activity(themes=(), topics=()).pk])).content.decode()

    for expert in experts:
        assert html.count(f'<a href="/experts/{expert.pk}/">{expert.full_name}</a>') == 1
        assert html.count(f'name="profile" value="{expert.pk}"') == 2  # invite and shortlist
    assert "No active expert shares this Action's themes and languages." in none
    assert "No vetted expert matches. Try a family name or another word." in found
    assert "No active expert shares" not in html


# ---------------------------------------------------------------- filters on reference data without a query


def test_reference_filters_are_checked_without_a_query_and_find_what_they_found(client, officer):
    from pontis.core.models import Language

    client.force_login(officer)
    theme = ThematicArea.objects.get(code="irregular_thb")
    english = Language.objects.get(code="en")
    found = make_profile(family_name="Filtered", themes=("irregular_thb",), languages=(("en", "B2"),), nationality="SN")
    make_profile(family_name="Other", themes=("mad",), languages=(("en", "B2"),), nationality="SN")
    filters = {"theme": theme.pk, "language": english.pk, "nationality": Country.objects.get(code="SN").pk}
    client.get(ROSTER, filters)

    queries = _sql(lambda: client.get(ROSTER, filters))
    response = client.get(ROSTER, filters)

    reference = ('FROM "core_thematicarea"', 'FROM "core_language"', 'FROM "core_country"')
    assert not [sql for sql in queries if any(table in sql for table in reference)]
    assert [row.pk for row in response.context["page"]] == [found.pk]


@pytest.mark.parametrize("value", ["99999", "abc", "1.5", " "])
def test_a_reference_filter_that_does_not_exist_says_so_as_before(value):
    from django import forms as django_forms

    from pontis.experts.forms import RosterFilterForm

    class Before(django_forms.Form):
        theme = django_forms.ModelChoiceField(queryset=ThematicArea.objects.all(), required=False)

    form, before = RosterFilterForm({"theme": value}), Before({"theme": value})

    assert form.is_valid() == before.is_valid()
    assert form.errors.get("theme") == before.errors.get("theme")
