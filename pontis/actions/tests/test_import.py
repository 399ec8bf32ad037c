from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pontis.actions.models import Action

pytestmark = pytest.mark.django_db
HEADER = "code,title,countries,region,thematic_areas,status,start_date,end_date,partner_institution\n"
SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "samples" / "actions.csv"


def write(tmp_path, body, name="a.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_sample_file_imports_and_is_idempotent():
    out = StringIO()
    call_command("import_actions", str(SAMPLE), stdout=out)
    assert "5 Action(s) created, 0 updated, 0 row(s) skipped." in out.getvalue()
    call_command("import_actions", str(SAMPLE), stdout=StringIO())
    assert Action.objects.count() == 5
    comesa = Action.objects.get(code="2012-06")
    assert comesa.region.code == "ces_africa"
    peru = Action.objects.get(code="2016-18")
    assert peru.partners.get().institution.acronym == "MININTER"
    assert Action.objects.get(code="2026-05").title["en"] == "Ecuador"


def test_several_regions_make_global(tmp_path):
    call_command("import_actions", write(tmp_path, "2015-01,,PE;CV,,legal,ongoing,,,\n"), stdout=StringIO())
    assert Action.objects.get(code="2015-01").region.code == "global"


def test_bad_row_imports_nothing_and_reports_row_numbers(tmp_path):
    path = write(tmp_path, "2015-01,,PE,,legal,ongoing,,,\n2015-02,,ZZ,,nope,done,2015-13-01,,\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_actions", path, stdout=StringIO(), stderr=err)
    assert "row 3:" in err.getvalue() and "unknown country" in err.getvalue() and "unknown thematic area" in err.getvalue()
    assert Action.objects.count() == 0


def test_partial_imports_good_rows(tmp_path):
    path = write(tmp_path, "2015-01,,PE,,legal,ongoing,,,\n2015-02,,ZZ,,legal,ongoing,,,\n")
    out = StringIO()
    call_command("import_actions", path, "--partial", stdout=out, stderr=StringIO())
    assert "1 Action(s) created, 0 updated, 1 row(s) skipped." in out.getvalue()
    assert list(Action.objects.values_list("code", flat=True)) == ["2015-01"]


def test_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["2014-07", "Kyrgyzstan", "KG", "", "mad", "completed", None, None, ""])
    path = tmp_path / "a.xlsx"
    book.save(path)
    call_command("import_actions", str(path), stdout=StringIO())
    assert Action.objects.get(code="2014-07").title == {"en": "Kyrgyzstan"}


def test_missing_column(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("code,title\n2015-01,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Missing columns"):
        call_command("import_actions", str(path), stdout=StringIO())
