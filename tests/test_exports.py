"""Exports never run formulas: hostile text comes out as text, numbers and dates stay typed."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pontis.core.exports import csv_bytes, export_response, neutralise, safe_filename, xlsx_bytes

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tTab",
           "\rReturn"]


def test_every_formula_start_is_neutralised_and_plain_text_is_not():
    assert [neutralise(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert neutralise("Ana = Silva") == "Ana = Silva" and neutralise(None) == ""
    assert neutralise(-5) == -5 and neutralise(Decimal("2.50")) == Decimal("2.50") and neutralise(True) is True


def test_csv_has_a_bom_and_neutralised_cells():
    body = csv_bytes(["name", "count", "on"], [[v, -3, datetime.date(2027, 1, 18)] for v in HOSTILE])
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["name", "count", "on"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE]
    assert {(r[1], r[2]) for r in rows[1:]} == {("-3", "2027-01-18")}


def test_xlsx_has_no_formula_and_typed_numbers_and_dates():
    moment = datetime.datetime(2027, 1, 18, 9, 30, tzinfo=datetime.UTC)
    body = xlsx_bytes(["name", "count", "share", "on", "at"],
                      [[v, 12, 0.5, datetime.date(2027, 1, 18), moment] for v in HOSTILE] + [["bell\x07", 1, 1, None, None]])
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    names = [sheet.cell(row=r, column=1) for r in range(2, len(HOSTILE) + 2)]
    assert [c.value for c in names] == ["'" + v for v in HOSTILE]
    assert {c.data_type for c in names} == {"s"}  # text cells, not formulas ("f")
    count, share, on = sheet.cell(row=2, column=2), sheet.cell(row=2, column=3), sheet.cell(row=2, column=4)
    assert (count.value, count.data_type, share.value) == (12, "n", 0.5)
    assert on.is_date and on.value == datetime.datetime(2027, 1, 18)
    assert sheet.cell(row=2, column=5).is_date
    assert sheet.cell(row=len(HOSTILE) + 2, column=1).value == "bell"  # a control character would break the file


def test_export_response_names_the_file_safely():
    response = export_response("csv", ["a"], [[1]], filename='../roster "é".csv')
    assert response["Content-Disposition"] == 'attachment; filename="roster.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert safe_filename("", "xlsx") == "export.xlsx"
    with pytest.raises(ValueError):
        export_response("html", ["a"], [], filename="x")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_roster_export_neutralises_a_hostile_registrant(client, officer, fmt):
    from pontis.experts.tests.factories import make_profile

    profile = make_profile(email="evil@example.org", given_name=HOSTILE[0], family_name="@SUM(1+1)",
                           institution_name="-Ministry")
    client.force_login(officer)
    response = client.get(reverse("experts:export", args=[fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="roster.{fmt}"'
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
        row = next(r for r in rows if r["email"] == "evil@example.org")
        registered = row["registered_on"]
        assert registered == profile.registered_on.isoformat()
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        header = [c.value for c in sheet[1]]
        row = next(dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=2)
                   if r[0].value == "evil@example.org")
        assert {row[k].data_type for k in ("given_name", "family_name", "institution")} == {"s"}
        assert row["registered_on"].is_date  # a date cell, not text
        row = {k: c.value for k, c in row.items()}
    assert (row["given_name"], row["family_name"], row["institution"]) == (
        "'" + HOSTILE[0], "'@SUM(1+1)", "'-Ministry")
