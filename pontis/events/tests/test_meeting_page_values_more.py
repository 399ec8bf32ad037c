"""The meeting's page and the staff's list of registrations, written with statements compiled once per worker,
addresses reversed once, fixed words kept per language and rows escaped in one call: the same HTML as the
templates they replaced (kept under ``kept/meeting_pages_before``), in the five languages, with hostile text, and
the same rows as the querysets they replaced."""

import copy
import datetime
import re

import pytest
from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from pontis.core.models import Country
from pontis.events import services
from pontis.events.models import Meeting, Registration
from pontis.events.selectors.materials import meeting_get_for
from pontis.events.selectors.meeting_statements import forget_kept_statements, kept_rows
from pontis.events.selectors.meetings import meeting_page_get, meeting_page_queryset, meeting_reference_names
from pontis.events.selectors.registration import (
    country_names,
    meeting_for_staff,
    registration_counts,
    registration_for_user,
    registration_page_values,
    registration_values_for,
)
from pontis.events.tests.factories import make_meeting
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es", "pt", "ru"]
HOSTILE = "<script>alert('x')</script> {{ danger }} {% now %} \"quoted\" & 'single' \u202eRTL\u202c zero\u200bwidth"
BEFORE = settings.BASE_DIR / "pontis" / "events" / "tests" / "kept" / "meeting_pages_before"
_TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


def _before_templates():
    """The template settings with the templates as they were before, found first."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [BEFORE, *templates[0]["DIRS"]]
    return templates


def _without_tokens(html: str) -> str:
    return _TOKENS.sub(r"\1…", html)


def _hostile_meeting():
    start = timezone.localdate() + datetime.timedelta(days=30)
    meeting = make_meeting(start=start, days=3, held=False, is_public=True,
                           registration=Meeting.Registration.OPEN, capacity=40,
                           summary={"en": HOSTILE, "fr": "Résumé " + HOSTILE}, notes={"ru": "Заметки " + HOSTILE},
                           host_countries=[Country.objects.get(code="GE"), Country.objects.get(code="MD")])
    Meeting.objects.filter(pk=meeting.pk).update(title={"en": "Title " + HOSTILE, "ar": "عنوان"},
                                                 time_zone="Europe/Paris", organisers=HOSTILE)
    meeting.refresh_from_db()
    first = services.session_create(meeting=meeting, by=None, title={"en": HOSTILE, "ru": "Открытие"},
                                    day=meeting.start_date, starts_at=datetime.time(9, 0),
                                    ends_at=datetime.time(10, 30), moderator=HOSTILE, summary={"fr": HOSTILE})
    services.contribution_create(session=first, by=None, speaker_name=HOSTILE, speaker_role=HOSTILE,
                                 country=Country.objects.get(code="PE"), title={"es": HOSTILE})
    services.note_create(session=first, by=None, question=HOSTILE, asked_by=HOSTILE,
                         country=Country.objects.get(code="GE"), answer=HOSTILE, answered_by=HOSTILE)
    services.session_create(meeting=meeting, by=None, title={"en": "Second"}, day=meeting.end_date, number=2)
    return meeting


def _people(meeting, officer):
    for i, (gender, country, status) in enumerate([("woman", "BY", "approve"), ("man", "GE", "waitlist"),
                                                   ("other", "MD", None), ("unstated", "BY", "reject")]):
        registration, _ = services.registration_request(
            meeting=meeting, name=f"{HOSTILE} {i}", email=f"person{i}@example.org", gender=gender,
            institution_name=HOSTILE if i % 2 else "Ministry", country=Country.objects.get(code=country),
            position=HOSTILE if i else "")
        if status:
            services.registration_decide(registration=registration, by=officer, decision=status)
        if status == "approve":
            services.attendance_check_in(registration=registration, day=meeting.start_date, by=officer)
    Meeting.objects.filter(pk=meeting.pk).update(registration=Meeting.Registration.INVITATION)  # the invite form
    meeting.refresh_from_db()


def _both(client, user, url, language):
    user.language = language
    user.save(update_fields=["language"])
    now = client.get(url)
    with override_settings(TEMPLATES=_before_templates()):
        before = client.get(url)
    assert now.status_code == before.status_code == 200
    return _without_tokens(now.content.decode()), _without_tokens(before.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_meeting_page_is_what_its_templates_wrote(client, language):
    officer = user_with_role("officer")
    meeting = _hostile_meeting()
    _people(meeting, officer)
    client.force_login(officer)

    now, before = _both(client, officer, reverse("events:detail", args=[meeting.slug]), language)

    assert now == before
    assert "<script>alert" not in now and "&lt;script&gt;" in now and "{{ danger }}" in now
    assert reverse("events:agenda_editor", args=[meeting.slug]) in now  # the staff's tools are there
    assert reverse("events:registration_manage", args=[meeting.slug]) in now


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_meeting_page_of_a_visitor_is_what_its_templates_wrote(client, language):
    officer = user_with_role("officer")
    meeting = _hostile_meeting()
    observer = user_with_role("observer")
    services.registration_request(meeting=meeting, name="Me", email=observer.email.upper(), gender="woman",
                                  institution_name="X", country=Country.objects.get(code="BY"))
    client.force_login(observer)

    now, before = _both(client, observer, reverse("events:detail", args=[meeting.slug]), language)

    assert now == before
    assert reverse("events:agenda_editor", args=[meeting.slug]) not in now
    assert reverse("events:registration_own", args=[Registration.objects.get(meeting=meeting).token]) in now
    del officer


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_staff_list_of_registrations_is_what_its_template_wrote(client, language):
    officer = user_with_role("officer")
    meeting = _hostile_meeting()
    _people(meeting, officer)
    client.force_login(officer)
    url = reverse("events:registration_manage", args=[meeting.slug])

    for query in ("", "?status=pending", "?status=approved&page=2", "?page=9"):
        now, before = _both(client, officer, url + query, language)
        assert now == before
    now, _before = _both(client, officer, url, language)
    assert now.count('name="registration" value="') == 4 and "&lt;script&gt;" in now
    assert reverse("events:registration_attendance", args=[meeting.slug, f"{meeting.start_date:%Y-%m-%d}"]) in now


def test_the_pages_differ_between_languages(client):
    """The comparisons above are made in each language: the words do change."""
    officer = user_with_role("officer")
    meeting = _hostile_meeting()
    client.force_login(officer)
    pages = {language: _both(client, officer, reverse("events:registration_manage", args=[meeting.slug]),
                             language)[0] for language in ("en", "fr", "ru")}
    assert len(set(pages.values())) == 3


# ---------------------------------------------------------------- the kept statements answer as the querysets


def test_the_meeting_for_its_page_is_the_one_the_protection_rules_give():
    officer, observer = user_with_role("officer"), user_with_role("observer")
    public, closed = make_meeting(is_public=True), make_meeting(is_public=False)
    forget_kept_statements()

    for user in (officer, observer):
        for meeting in (public, closed):
            try:
                expected = meeting_get_for(user, meeting_page_queryset(), slug=meeting.slug)
            except Http404:
                expected = None
            try:
                found = meeting_page_get(user, meeting.slug)
            except Http404:
                found = None
            assert (found and found.pk) == (expected and expected.pk)
            if found:
                assert found.country.code == expected.country.code and found.__dict__.keys() == expected.__dict__.keys()
    with pytest.raises(Http404):
        meeting_page_get(officer, "no-such-meeting")
    assert meeting_page_get(officer, closed.slug).pk == closed.pk  # staff see every meeting


def test_the_meeting_for_staff_pages_is_the_queryset_one():
    officer = user_with_role("officer")
    meeting = make_meeting()
    for with_activity in (True, False):
        found = meeting_for_staff(officer, meeting.slug, with_activity=with_activity)
        assert found.pk == meeting.pk and found.slug == meeting.slug
        with pytest.raises(Http404):
            meeting_for_staff(officer, meeting.slug + "-x", with_activity=with_activity)


def test_the_reference_names_are_in_the_meetings_order_and_language():
    meeting = make_meeting(host_countries=[Country.objects.get(code="MD"), Country.objects.get(code="BY")])
    with translation.override("fr"):
        names = meeting_reference_names(meeting)
        expected = [str(c) for c in meeting.host_countries.order_by("code")]
    assert names["hosts"] == expected and names["languages"] == [] and names["themes"] == []


def test_ones_own_registration_is_found_by_account_or_by_address_in_any_case():
    officer = user_with_role("officer")
    start = timezone.localdate() + datetime.timedelta(days=30)
    meeting, other = (make_meeting(start=start, held=False, registration=Meeting.Registration.OPEN) for _n in (1, 2))
    person = user_with_role("observer", email="Some.One_x@Example.org")
    assert registration_for_user(meeting, person) is None
    by_address, _ = services.registration_request(meeting=meeting, name="A", email="some.one_x@example.org",
                                                  gender="woman", institution_name="X",
                                                  country=Country.objects.get(code="BY"))
    assert registration_for_user(meeting, person).pk == by_address.pk
    # "_" is a letter here, not a wildcard: a near address is not the person's
    services.registration_request(meeting=other, name="B", email="some.oneXx@example.org", gender="woman",
                                  institution_name="X", country=Country.objects.get(code="BY"))
    assert registration_for_user(other, person) is None
    expected = (Registration.objects.filter(meeting=meeting)
                .filter(Q(user=person) | Q(email__iexact=person.email)).order_by("requested_at").first())
    assert expected.pk == by_address.pk
    del officer


def test_the_staff_pages_of_registrations_are_the_querysets_pages():
    officer = user_with_role("officer")
    meeting = _hostile_meeting()
    _people(meeting, officer)
    counts = registration_counts(meeting)
    for status in ("", "pending", "approved", "waitlisted", "rejected"):
        pages = registration_page_values(officer, meeting, status=status, counts=counts)
        expected = list(registration_values_for(officer, meeting, status=status))
        assert len(pages) == pages.count() == len(expected)
        for bottom, top in ((0, 2), (2, 4), (0, 50), (1, 3)):
            assert pages[bottom:top] == expected[bottom:top]


def test_a_kept_statement_takes_each_readers_values():
    first, second = make_meeting(), make_meeting()
    forget_kept_statements()

    def build(meeting, slug):
        return Meeting.objects.filter(pk=meeting, slug=slug).values_list("slug")

    assert kept_rows("test.kept", build, {"meeting": first.pk, "slug": first.slug}, texts=("slug",)) == [(first.slug,)]
    assert kept_rows("test.kept", build, {"meeting": second.pk, "slug": second.slug}, texts=("slug",)) == [
        (second.slug,)]
    assert kept_rows("test.kept", build, {"meeting": second.pk, "slug": first.slug}, texts=("slug",)) == []

    def listed(ids):
        return Meeting.objects.filter(pk__in=ids).order_by("pk").values_list("pk")

    assert kept_rows("test.listed", listed, {"ids": [first.pk, second.pk]}, lists=("ids",)) == [(first.pk,),
                                                                                                 (second.pk,)]
    assert kept_rows("test.listed", listed, {"ids": [second.pk]}, lists=("ids",)) == [(second.pk,)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_countries_names_are_those_str_gives(language):
    with translation.override(language):
        names = country_names()
        for country in Country.objects.all()[:300]:
            assert names[country.pk] == str(country)


# ---------------------------------------------------------------- tags


def test_the_meeting_links_are_what_the_url_tag_writes():
    meeting = make_meeting()
    routes = ["{% url 'events:detail' slug %}", "{% url 'events:registration_export' slug 'csv' %}",
              "{% url 'events:registration_attendance' slug '2024-03-05' %}", "{% url 'events:minutes' slug %}"]
    for slug in (meeting.slug, "a_b-C9"):
        for route in routes:
            new = route.replace("{% url ", "{% meeting_link ")
            context = Context({"slug": slug})
            assert (Template("{% load events_agenda %}" + new).render(context)
                    == Template(route).render(context))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fixed_words_are_what_the_translate_tags_write(language):
    body = '<p title="{% translate \'Status\' %}">{% translate "Registrations" %} & <b>{% translate "Day" %}</b></p>'
    with translation.override(language):
        for _twice in (1, 2):
            written = Template("{% load i18n events_agenda %}{% fixed_words %}" + body + "{% end_fixed_words %}")
            assert written.render(Context({})) == Template("{% load i18n %}" + body).render(Context({}))


@pytest.mark.parametrize("body", ["{{ meeting }}", "{% translate name %}", "{% translate 'Day' as day %}",
                                  "{% if x %}a{% endif %}", "{% translate 'Day'|upper %}"])
def test_the_fixed_words_refuse_anything_that_could_change(body):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load i18n events_agenda %}{% fixed_words %}" + body + "{% end_fixed_words %}")
