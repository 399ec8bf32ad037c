"""import_actions: countries, region, thematic areas and status by code or by label in any UI language."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from pontis.actions.models import Action

pytestmark = pytest.mark.django_db
HEADER = "code,title,countries,region,thematic_areas,status,start_date,end_date,partner_institution\n"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; a page read in another language earlier must not leak into them."""
    with translation.override("en"):
        yield


def write(tmp_path, body):
    path = tmp_path / "actions.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_labels_in_spanish_french_and_russian_import(tmp_path):
    body = ('2016-18,Peru III,Perú;  MEXIQUE ,América Latina y el Caribe,'
            '"Migración legal y movilidad;Нерегулярная миграция и торговля людьми",Terminée,2017-03-27,2018-09-28,\n'
            '2016-19,,Кабо-Верде,,legal,Завершено,,,\n')
    call_command("import_actions", write(tmp_path, body), stdout=StringIO())
    peru = Action.objects.get(code="2016-18")
    assert sorted(peru.countries.values_list("code", flat=True)) == ["MX", "PE"]
    assert (peru.region.code, peru.status) == ("lac", "completed")
    assert sorted(peru.themes.values_list("code", flat=True)) == ["irregular_thb", "legal"]
    assert Action.objects.get(code="2016-19").status == "completed"


def test_a_typo_names_the_closest_value_and_the_row(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_actions", write(tmp_path, "2015-01,,PE,,legal,ongoing,,,\n2015-02,,Peru,,legl,finished,,,\n"),
                     stdout=StringIO(), stderr=err)
    assert "row 3: " in err.getvalue()
    assert "unknown thematic area “legl”; did you mean “Legal Migration and Mobility” (legal)?" in err.getvalue()
    assert "unknown status “finished”" in err.getvalue()
    assert Action.objects.count() == 0
