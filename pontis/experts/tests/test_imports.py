import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from pontis.actions.models import Activity
from pontis.experts.models import Deployment, ExpertProfile
from pontis.experts.services.imports import ImportFileError, import_deployments, import_roster, read_rows

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db

HEADER = "email,given_name,family_name,gender,nationality,background,institution,languages,thematic_areas,topics,countries_of_experience,status,registered_on\n"
GOOD = [
    "ana@example.org,Ana,Silva,female,PT,government,SEF,pt:native;en:C1,legal;protection,,MA;SN,active,2015-03-01",
    "jan@example.org,Jan,Novák,male,CZ,academia,Charles University,cs:native;en:C2,irregular_thb,border_management_policy,,vetted,2016-01-10",
]


def rows(*lines):
    return read_rows(io.BytesIO((HEADER + "\n".join(lines) + "\n").encode()), name="r.csv")


def test_roster_import_creates_profiles_with_lists():
    report = import_roster(rows(*GOOD))
    assert (report["created"], report["errors"], report["imported"]) == (2, [], True)
    ana = ExpertProfile.objects.get(email="ana@example.org")
    assert {(el.language.code, el.level) for el in ana.languages.all()} == {("pt", "native"), ("en", "C1")}
    assert sorted(ana.themes.values_list("code", flat=True)) == ["legal", "protection"]
    assert sorted(ana.countries_experience.values_list("code", flat=True)) == ["MA", "SN"]
    assert ana.registered_on == datetime.date(2015, 3, 1)
    assert "novak" in ExpertProfile.objects.get(email="jan@example.org").search_text


def test_roster_import_is_idempotent():
    import_roster(rows(*GOOD))
    again = import_roster(rows(*GOOD))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert ExpertProfile.objects.count() == 2


def test_roster_import_updates_by_email():
    import_roster(rows(*GOOD))
    report = import_roster(rows(GOOD[0].replace("government", "independent").replace("ana@", "ANA@")))
    assert (report["updated"], report["created"]) == (1, 0)
    assert ExpertProfile.objects.get(email="ana@example.org").background == "independent"


BAD = "bad-email,,Doe,robot,XX,wizard,,en:Z9,nope,nope,QQ,asleep,2020-13-01"


def test_one_bad_row_imports_nothing_and_reports_every_problem_with_row_numbers():
    report = import_roster(rows(GOOD[0], BAD))
    assert report["imported"] is False and ExpertProfile.objects.count() == 0
    assert [e["row"] for e in report["errors"]] == [3]
    assert len(report["errors"][0]["messages"]) == 11


def test_partial_imports_the_good_rows():
    report = import_roster(rows(GOOD[0], BAD, GOOD[1]), partial=True)
    assert (report["created"], report["skipped"]) == (2, 1)
    assert ExpertProfile.objects.count() == 2


def test_repeated_email_in_file_is_an_error():
    report = import_roster(rows(GOOD[0], GOOD[0]))
    assert report["errors"][0]["row"] == 3 and ExpertProfile.objects.count() == 0


def test_missing_column_is_refused():
    with pytest.raises(ImportFileError):
        import_roster([{"email": "a@b.org"}])


def test_xlsx_roster(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(GOOD[0].split(","))
    path = tmp_path / "roster.xlsx"
    book.save(path)
    assert import_roster(read_rows(path))["created"] == 1


def test_command_refuses_bad_file_and_reports_rows(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + GOOD[0] + "\n" + BAD + "\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert ExpertProfile.objects.count() == 0
    out = io.StringIO()
    call_command("import_roster", str(path), "--partial", stdout=out, stderr=io.StringIO())
    assert "1 created" in out.getvalue()


# ---------------------------------------------------------------- deployments

DHEADER = "expert_email,action_code,activity,start_date,end_date,role\n"


def drows(*lines):
    return read_rows(io.BytesIO((DHEADER + "\n".join(lines) + "\n").encode()), name="d.csv")


def test_deployments_import_is_idempotent_and_warns_on_overlap():
    make_profile(email="ana@example.org")
    action = make_activity(code="2012-01").action
    lines = ["ana@example.org,2012-01,workshop,2012-05-02,2012-05-04,lead",
             "ana@example.org,2012-01,training,2012-05-04,2012-05-05,expert"]
    report = import_deployments(drows(*lines))
    assert (report["created"], report["imported"]) == (2, True)
    assert [w["row"] for w in report["warnings"]] == [3]
    # the actions app's own service created the two past activities, already reported
    past = Activity.objects.filter(action=action, start_date__year=2012)
    assert sorted(past.values_list("type__code", "status")) == [("training", "reported"), ("workshop", "reported")]
    again = import_deployments(drows(*lines))
    assert (again["created"], again["unchanged"]) == (0, 2)
    assert Deployment.objects.count() == 2 and past.count() == 2
    assert ExpertProfile.objects.get().last_deployed_on == datetime.date(2012, 5, 4)
    assert set(Deployment.objects.values_list("status", flat=True)) == {"completed"}


def test_deployments_bad_rows_import_nothing():
    make_profile(email="ana@example.org")
    make_activity(code="2012-01")
    report = import_deployments(drows("ana@example.org,2012-01,workshop,2012-05-02,2012-05-04,lead",
                                      "nobody@example.org,1999-99,dance,2012-05-09,2012-05-01,boss"))
    assert report["imported"] is False and Deployment.objects.count() == 0
    assert report["errors"][0]["row"] == 3 and len(report["errors"][0]["messages"]) == 5


def test_deployments_partial():
    make_profile(email="ana@example.org")
    make_activity(code="2012-01")
    report = import_deployments(drows("ana@example.org,2012-01,workshop,2012-05-02,2012-05-04,lead",
                                      "nobody@example.org,2012-01,workshop,2012-05-02,2012-05-04,lead"), partial=True)
    assert (report["created"], report["skipped"]) == (1, 1)
