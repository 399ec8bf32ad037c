"""Labels, not codes: the roster shows "Arabic (native)"; its exports hold labels with code columns beside them."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pontis.core.i18n import translate
from pontis.core.models import Country, Language, ThematicArea

from .factories import make_profile

pytestmark = pytest.mark.django_db


def _name(model, code, lang):
    from django.utils import translation

    with translation.override(lang):
        return str(translate(model.objects.get(code=code).name))


@pytest.fixture
def arabic_speaker(db):
    return make_profile(email="leila@example.org", given_name="Leila", family_name="Haddad", nationality="MA",
                        themes=("irregular_thb", "mad"), languages=(("ar", "native"), ("fr", "C1")), countries=("SN",))


def test_the_roster_shows_language_names_and_levels(client, officer, arabic_speaker):
    client.force_login(officer)

    html = client.get(reverse("experts:roster")).content.decode()

    assert "Arabic (native), French (C1)" in html
    assert "ar native" not in html and "fr C1" not in html


def test_the_roster_shows_language_names_in_the_readers_language(client, officer, arabic_speaker):
    client.force_login(officer)
    client.cookies["django_language"] = "fr"

    html = client.get(reverse("experts:roster"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert _name(Language, "ar", "fr") in html and _name(Language, "fr", "fr") in html


def test_the_profile_page_shows_the_same_labels(client, officer, arabic_speaker):
    client.force_login(officer)

    html = client.get(reverse("experts:profile", args=[arabic_speaker.pk])).content.decode()

    assert "Arabic (native)" in html and "French (C1)" in html


def test_the_csv_export_holds_labels_and_codes_beside_them(client, officer, arabic_speaker):
    client.force_login(officer)

    response = client.get(reverse("experts:export", args=["csv"]))

    row = next(r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
               if r["email"] == "leila@example.org")
    assert (row["gender"], row["background"], row["status"]) == ("Female", "Government", "Active")
    assert (row["nationality"], row["nationality_code"]) == ("Morocco", "MA")
    assert (row["languages"], row["language_codes"]) == ("Arabic (native); French (C1)", "ar:native;fr:C1")
    themes = [_name(ThematicArea, code, "en") for code in ("irregular_thb", "mad")]
    assert row["thematic_areas"] == "; ".join(themes) and row["thematic_area_codes"] == "irregular_thb;mad"
    assert (row["countries_of_experience"], row["country_codes"]) == (_name(Country, "SN", "en"), "SN")


def test_the_xlsx_export_holds_labels_in_the_readers_language(client, officer, arabic_speaker):
    client.force_login(officer)
    client.cookies["django_language"] = "es"

    response = client.get(reverse("experts:export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="es")

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = next(dict(zip(header, (c.value for c in r), strict=False)) for r in sheet.iter_rows(min_row=2)
               if r[0].value == "leila@example.org")
    assert row["nationality"] == _name(Country, "MA", "es") and row["nationality_code"] == "MA"
    assert row["thematic_areas"].split("; ")[0] == _name(ThematicArea, "irregular_thb", "es")
    assert row["language_codes"] == "ar:native;fr:C1" and _name(Language, "ar", "es") in row["languages"]
    assert "irregular_thb" not in row["thematic_areas"]
