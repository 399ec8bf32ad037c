"""Real spreadsheets import: every coded column takes the code or the label in any UI language."""

import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from pontis.experts.models import Deployment, ExpertProfile
from pontis.experts.services.imports import import_deployments, import_roster, read_rows

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db

HEADER = ("email,given_name,family_name,gender,nationality,background,institution,languages,thematic_areas,topics,"
          "countries_of_experience,status,registered_on\n")


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; a page read in another language earlier must not leak into them."""
    with translation.override("en"):
        yield


def rows(*lines, header=HEADER):
    return read_rows(io.BytesIO((header + "\n".join(lines) + "\n").encode()), name="r.csv")


def _lists(profile):
    return {
        "languages": sorted((el.language.code, el.level) for el in profile.languages.select_related("language")),
        "themes": sorted(profile.themes.values_list("code", flat=True)),
        "topics": sorted(profile.topics.values_list("code", flat=True)),
        "countries": sorted(profile.countries_experience.values_list("code", flat=True)),
    }


def test_the_real_file_with_topic_labels_imports():
    # The file that was refused: its topics column holds "Smuggling of migrants"
    report = import_roster(rows('ana@example.org,Ana,Silva,female,PT,government,SEF,pt:native,irregular_thb,'
                                'Smuggling of migrants,PE,active,2015-03-01'))
    assert (report["errors"], report["created"]) == ([], 1)
    assert _lists(ExpertProfile.objects.get(email="ana@example.org"))["topics"] == ["smuggling_of_migrants"]


def test_labels_in_french_russian_and_spanish_resolve_ignoring_case_accents_and_spaces():
    line = ("marie@example.org,Marie,Dupont,Femme,Pérou,Administration publique,Ministère,"
            "Français:Langue maternelle;  ANGLAIS : c1 ;Испанский:B2,"
            "migration irreguliere et traite des etres humains;Легальная миграция и мобильность,"
            "Незаконный ввоз мигрантов;  tráfico ilícito de MIGRANTES ,Мексика;Colombia;colombie,Activo,2016-05-02")
    report = import_roster(rows(line))
    assert report["errors"] == []
    marie = ExpertProfile.objects.get(email="marie@example.org")
    assert (marie.gender, marie.nationality.code, marie.background, marie.status) == ("female", "PE", "government", "active")
    assert _lists(marie) == {"languages": [("en", "C1"), ("es", "B2"), ("fr", "native")],
                             "themes": ["irregular_thb", "legal"], "topics": ["smuggling_of_migrants"],
                             "countries": ["CO", "MX"]}
    # The same file again changes nothing: labels resolve to the same codes every time
    assert import_roster(rows(line))["unchanged"] == 1


def test_a_typo_names_the_closest_known_value_and_the_row():
    report = import_roster(rows(
        "ana@example.org,Ana,Silva,female,PT,government,SEF,pt:native,,Smuggling of migrants,,active,",
        "jan@example.org,Jan,Novak,male,CZ,goverment,,cs:native,,Smugling of migrant,Colmbia,activ,"))
    assert report["imported"] is False and ExpertProfile.objects.count() == 0
    assert [e["row"] for e in report["errors"]] == [3]
    messages = " | ".join(report["errors"][0]["messages"])
    assert "unknown topic “Smugling of migrant”; did you mean “Smuggling of migrants” (smuggling_of_migrants)" in messages
    assert "did you mean “Government” (government)" in messages
    assert "“Colombia” (CO)" in messages
    assert "“Active” (active)" in messages


def test_the_suggestion_is_in_the_readers_language():
    with translation.override("fr"):
        report = import_roster(rows("jan@example.org,Jan,Novak,male,CZ,government,,,,Smugling of migrant,,,"))
    assert "“Trafic illicite de migrants” (smuggling_of_migrants)" in report["errors"][0]["messages"][0]


def test_import_roster_command_prints_row_and_suggestion(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "jan@example.org,Jan,Novak,male,CZ,government,,,,Smugling of migrant,,,\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith("row 2: error: unknown topic “Smugling of migrant”; did you mean “Smuggling of migrants”")


def test_deployments_take_activity_type_and_role_labels():
    activity = make_activity(code="2012-01")
    profile = make_profile(email="ana@example.org")
    header = "expert_email,action_code,activity,start_date,end_date,role\n"
    report = import_deployments(rows(
        f"ana@example.org,2012-01,{activity.type.name['fr']},2012-05-02,2012-05-04,Expert principal",
        "ana@example.org,2012-01,Workshp,2012-06-02,2012-06-04,lead", header=header))
    assert [e["row"] for e in report["errors"]] == [3]
    assert "did you mean “Workshop” (workshop)" in report["errors"][0]["messages"][0]
    report = import_deployments(rows(
        f"ana@example.org,2012-01,{activity.type.name['ru']},2012-05-02,2012-05-04,Ведущий эксперт", header=header))
    assert report["errors"] == [] and report["created"] == 1
    deployment = Deployment.objects.get(profile=profile)
    assert (deployment.role, deployment.activity.type.code) == ("lead", "workshop")


def test_the_labels_sample_of_the_documentation_imports():
    from pathlib import Path

    sample = Path(__file__).resolve().parents[3] / "docs" / "samples" / "roster-labels.csv"
    report = import_roster(read_rows(sample))
    assert (report["errors"], report["created"]) == ([], 4)
    olga = ExpertProfile.objects.get(email="olga.ivanova@example.org")
    assert (olga.gender, olga.nationality.code, olga.background, olga.status) == ("female", "MD", "government", "active")
    assert _lists(olga) == {"languages": [("en", "B2"), ("ru", "native")], "themes": ["irregular_thb"],
                            "topics": ["smuggling_of_migrants"], "countries": ["GE", "UA"]}
    assert _lists(ExpertProfile.objects.get(email="lucia.mendez@example.org"))["countries"] == ["CO", "MX", "PE"]
