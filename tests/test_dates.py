"""Dates and times: one format per language, times in the reader's zone with the zone named, relative times
translated, and the zone chosen from the profile, else the browser's cookie, else the site's."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from pontis.core.templatetags.dates import ago, day, day_time, time_of_day
from pontis.core.timezones import COOKIE_NAME, TimeZoneMiddleware, zone_for
from tests.factories import UserFactory

DAY = datetime.date(2027, 1, 18)
WINTER = datetime.datetime(2027, 1, 18, 13, 30, tzinfo=datetime.UTC)
SUMMER = datetime.datetime(2027, 7, 5, 6, 5, tzinfo=datetime.UTC)
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")

EXPECTED_DAYS = {
    "en": "18 January 2027",
    "fr": "18 janvier 2027",
    "es": "18 de enero de 2027",
    "pt": "18 de janeiro de 2027",
    "ru": "18 января 2027",
}


@pytest.mark.parametrize(("language", "expected"), EXPECTED_DAYS.items())
def test_one_day_format_per_language(language, expected):
    with translation.override(language), timezone.override(BRUSSELS):
        assert day(DAY) == expected
        assert day(WINTER) == expected  # a date and time shows its day in the same format
        assert day("2027-01-18") == expected  # dates kept in JSON (fiche rows) too
        rendered = Template("{% load pontis %}{{ d|day }}|{{ none|day }}|{{ none|day|default:'—' }}").render(
            Context({"d": DAY, "none": None}))
    assert rendered == f"{expected}||—"


def test_text_that_is_not_a_date_is_shown_as_it_is():
    assert day("to be agreed") == "to be agreed"
    assert day(None) == ""


@pytest.mark.parametrize("language", EXPECTED_DAYS)
def test_times_are_in_the_readers_zone_with_the_zone_named(language):
    with translation.override(language):
        with timezone.override(BRUSSELS):
            assert time_of_day(WINTER) == "14:30 CET"
            assert time_of_day(SUMMER) == "08:05 CEST"
            assert day_time(WINTER) == f"{EXPECTED_DAYS[language]}, 14:30 CET"
        with timezone.override(zoneinfo.ZoneInfo("America/Lima")):
            assert time_of_day(WINTER) == "08:30 UTC-05"  # a zone without an abbreviation is named by its offset
        with timezone.override(zoneinfo.ZoneInfo("Asia/Bishkek")):
            # Late in the evening in Bishkek is already the next day there.
            assert day_time(datetime.datetime(2027, 1, 18, 20, 0, tzinfo=datetime.UTC)).startswith(
                day(datetime.date(2027, 1, 19)))


@pytest.mark.parametrize(("language", "words"), [
    ("en", "3 days ago"), ("fr", "il y a 3 jours"), ("es", "hace 3 días"), ("pt", "3 dias atrás"),
    ("ru", "3 дня назад"),
])
def test_relative_times_are_translated(language, words):
    when = timezone.now() - datetime.timedelta(days=3, minutes=1)
    with translation.override(language):
        text = ago(when).replace("\xa0", " ")  # a non-breaking space keeps "3 days" on one line
    assert text == words
    assert ago(None) == ""


def _request(*, user=None, cookie=None):
    request = RequestFactory().get("/")
    if cookie is not None:
        request.COOKIES[COOKIE_NAME] = cookie
    if user is not None:
        request.user = user
    return request


@pytest.mark.django_db
def test_the_zone_comes_from_the_profile_then_the_browser_then_the_site(settings):
    settings.TIME_ZONE = "Europe/Brussels"
    person = UserFactory(time_zone="America/Lima")
    unset = UserFactory(time_zone="")
    assert zone_for(_request(user=person, cookie="Asia/Bishkek")).key == "America/Lima"
    assert zone_for(_request(user=unset, cookie="Asia/Bishkek")).key == "Asia/Bishkek"
    assert zone_for(_request(cookie="Asia/Bishkek")).key == "Asia/Bishkek"
    assert zone_for(_request(user=unset)).key == "Europe/Brussels"
    # A forged or unknown name falls back; it never reaches the file system.
    for forged in ("../../etc/passwd", "Mars/Olympus", "", "Europe/Brussels\x00"):
        assert zone_for(_request(cookie=forged)).key == "Europe/Brussels"


@pytest.mark.django_db
def test_the_middleware_activates_the_zone_for_the_request_only():
    seen = []

    def view(request):
        seen.append(timezone.get_current_timezone_name())
        from django.http import HttpResponse
        return HttpResponse()

    TimeZoneMiddleware(view)(_request(user=UserFactory(time_zone="Asia/Bishkek")))
    assert seen == ["Asia/Bishkek"]
    assert timezone.get_current_timezone_name() != "Asia/Bishkek"


@pytest.mark.django_db
def test_the_time_zone_is_set_on_the_profile_page(client):
    person = UserFactory(time_zone="")
    client.force_login(person)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="time_zone"' in page and 'value="America/Lima"' in page
    data = {"given_name": person.given_name, "family_name": person.family_name, "position": person.position or "",
            "phone": person.phone or "", "language": "en", "time_zone": "America/Lima"}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.time_zone == "America/Lima"
    response = client.post(reverse("accounts:profile"), {**data, "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.time_zone == "America/Lima"


TEMPLATES = Path(__file__).resolve().parent.parent / "pontis"
# Machine-readable values (<time datetime>, input values) and a bare year are not dates shown as text.
ALLOWED_DATE_FILTERS = {"'Y-m-d'", '"Y-m-d"', "'c'", '"c"', '"Y"', "'Y'"}


def test_templates_show_dates_only_through_the_one_format():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\|date:(\"[^\"]*\"|'[^']*')|\|timesince\b|\|naturaltime\b", text):
            if match.group(1) in ALLOWED_DATE_FILTERS:
                continue
            offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert offenders == []
