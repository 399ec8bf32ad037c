"""The three layers of IATI checks (schema, codelists, Standard Ruleset) on one known activity, valid as given
(``MINIMAL``), and broken one way at a time: each break gives its Problem, with the field to fix and a message in
plain words (never a rule id or XPath alone)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from lxml import etree

from pontis.reports.iati import codelists, rules
from pontis.reports.iati.messages import field_label
from pontis.reports.iati.validate import Problem, schema, validate_activity, validate_file

MINIMAL = b"""
<iati-activity last-updated-datetime="2026-01-10T09:00:00+00:00" xml:lang="en">
  <iati-identifier>XM-PONTIS-2024-01</iati-identifier>
  <reporting-org ref="XM-PONTIS" type="40"><narrative>Pontis facility</narrative></reporting-org>
  <title><narrative>Migration strategy support</narrative><narrative xml:lang="fr">Appui</narrative></title>
  <description type="1"><narrative>Peer-to-peer support for a national migration strategy.</narrative></description>
  <participating-org role="1" type="15"><narrative>European Union</narrative></participating-org>
  <participating-org role="4" ref="XM-PONTIS" type="40"><narrative>Pontis facility</narrative></participating-org>
  <activity-status code="3"/>
  <activity-date type="1" iso-date="2024-02-01"/><activity-date type="2" iso-date="2024-03-01"/>
  <activity-date type="3" iso-date="2024-12-31"/><activity-date type="4" iso-date="2025-01-15"/>
  <recipient-country code="GH" percentage="60"/><recipient-country code="SN" percentage="40"/>
  <sector vocabulary="1" code="15190" percentage="100"/>
  <sector vocabulary="99" vocabulary-uri="https://pontis.example.org/docs/themes" code="LAB" percentage="50"
    ><narrative>Labour migration</narrative></sector>
  <sector vocabulary="99" vocabulary-uri="https://pontis.example.org/docs/themes" code="DIA" percentage="50"
    ><narrative>Diaspora</narrative></sector>
  <tag vocabulary="3" code="10.7"><narrative>Well-managed migration policies</narrative></tag>
  <document-link format="application/pdf" url="https://pontis.example.org/library/strategy.pdf">
    <title><narrative>National migration strategy</narrative></title><category code="A07"/><language code="en"/>
  </document-link>
  <result type="1">
    <title><narrative>Policies and strategies adopted</narrative></title>
    <indicator measure="5"><title><narrative>Strategy adopted</narrative></title>
      <period><period-start iso-date="2024-03-01"/><period-end iso-date="2025-01-15"/>
        <actual><comment><narrative>Adopted by decree</narrative></comment></actual>
      </period>
    </indicator>
    <indicator measure="1"><title><narrative>Participants</narrative></title>
      <period><period-start iso-date="2024-03-01"/><period-end iso-date="2025-01-15"/>
        <actual value="42"><dimension name="sex" value="female"/></actual>
      </period>
    </indicator>
  </result>
</iati-activity>
"""


def activity():
    return etree.fromstring(MINIMAL)


def only(problems: list[Problem], layer: str) -> list[Problem]:
    return [p for p in problems if p.layer == layer]


def plain(problems: list[Problem]) -> None:
    """No message cites a rule id, an XPath or an internal element name alone."""
    for problem in problems:
        assert problem.message
        assert problem.rule not in problem.message
        assert "iati-activity" not in problem.message and "/@" not in problem.message


def test_the_minimal_activity_passes_all_three_layers():
    assert validate_activity(activity()) == []
    root = etree.Element("iati-activities", version="2.03", **{"generated-datetime": "2026-01-10T09:00:00Z"})
    root.append(activity())
    assert validate_file(root) == []
    assert schema() is schema()  # parsed once per process


# --- Schema layer ---------------------------------------------------------------------------------------------

def test_a_missing_title_is_reported_as_the_title_to_fix():
    element = activity()
    element.remove(element.find("title"))
    problems = validate_activity(element)
    assert only(problems, "schema") == [Problem(
        layer="schema", rule="element-content", xpath="/iati-activity/description", field="title",
        message="The title is missing from the Action's IATI record, and IATI needs it.",
    )]
    plain(problems)


def test_an_impossible_date_names_the_date():
    element = activity()
    element.find("activity-date[@type='1']").set("iso-date", "2024-02-31")
    [problem] = only(validate_activity(element), "schema")
    assert (problem.field, problem.xpath) == ("start_date", "/iati-activity/activity-date[1]")
    assert problem.message == "The planned start date (“2024-02-31”) is not a real date."


def test_a_percentage_that_is_not_a_number():
    element = activity()
    element.find("recipient-country").set("percentage", "sixty")
    [problem] = only(validate_activity(element), "schema")
    assert problem.field == "countries"
    assert problem.message == "A recipient country has a percentage that is not a number: “sixty”."


def test_a_missing_role():
    element = activity()
    del element.find("participating-org").attrib["role"]
    [problem] = only(validate_activity(element), "schema")
    assert (problem.field, problem.message) == (
        "partner_institutions", "A participating organisation has no role, and IATI needs one.")


def test_an_element_out_of_order_is_the_exports_fault():
    element = activity()
    tag = element.find("tag")
    element.remove(tag)
    element.insert(1, tag)  # before reporting-org, which the record has: not a field of the Action
    [problem] = only(validate_activity(element), "schema")
    assert (problem.field, problem.message) == (
        "", "An SDG target is in the wrong place in the record, or not allowed there.")


# --- Codelist layer -------------------------------------------------------------------------------------------

def test_an_unknown_country_code():
    element = activity()
    element.find("recipient-country").set("code", "XX")
    problems = validate_activity(element)
    assert problems == [Problem(
        layer="codelist", rule="Country", xpath="/iati-activity/recipient-country[1]/@code", field="countries",
        message="“XX” is not on IATI's list of countries.",
    )]


def test_an_unknown_sdg_target_and_a_withdrawn_country():
    element = activity()
    element.find("tag").set("code", "10.99")
    element.find("recipient-country").set("code", "AN")  # Netherlands Antilles: withdrawn from the list
    problems = validate_activity(element)
    assert [(p.rule, p.field, p.message) for p in problems] == [
        ("Country", "countries", "“AN” has been withdrawn from IATI's list of countries: choose a current one."),
        ("UNSDG-Targets", "sdg_targets", "“10.99” is not on IATI's list of SDG targets."),
    ]


@pytest.mark.parametrize(("path", "attribute", "value", "codelist", "field"), [
    ("activity-status", "code", "9", "ActivityStatus", "status"),
    ("activity-date", "type", "7", "ActivityDateType", "start_date"),
    ("sector[@vocabulary='1']", "code", "15191", "Sector", ""),
    ("sector[@vocabulary='99']", "vocabulary", "77", "SectorVocabulary", ""),
    ("tag", "vocabulary", "8", "TagVocabulary", "sdg_targets"),
    ("participating-org", "role", "9", "OrganisationRole", "partner_institutions"),
    ("reporting-org", "type", "99", "OrganisationType", "reporting_org"),
    ("title/narrative[2]", "{http://www.w3.org/XML/1998/namespace}lang", "xx", "Language", "title"),
    ("document-link", "format", "application/x-pontis", "FileFormat", "deliverables"),
    ("document-link/category", "code", "Z99", "DocumentCategory", "deliverables"),
    ("result", "type", "8", "ResultType", "results"),
    ("result/indicator", "measure", "6", "IndicatorMeasure", "results"),
    ("description", "type", "9", "DescriptionType", "summary"),
])
def test_every_code_the_builder_writes_is_checked(path, attribute, value, codelist, field):
    element = activity()
    element.find(path).set(attribute, value)
    problems = only(validate_activity(element), "codelist")
    assert [(p.rule, p.field) for p in problems] == [(codelist, field)]
    assert f"“{value}”" in problems[0].message


def test_a_codelist_is_read_once_with_its_statuses():
    assert codelists.codes("Country") is codelists.codes("Country")
    assert codelists.codes("Country")["GH"] == "active" and codelists.codes("Country")["AN"] == "withdrawn"
    assert codelists.codes("Sector")["15190"] == "active"


# --- Rule layer -----------------------------------------------------------------------------------------------

def rule_problems(element) -> list[Problem]:
    problems = validate_activity(element)
    plain(problems)
    assert only(problems, "schema") == [] and only(problems, "codelist") == []
    return problems


def test_recipient_country_percentages_must_add_up_to_100():
    element = activity()
    element.find("recipient-country").set("percentage", "50")
    assert rule_problems(element) == [Problem(
        layer="rule", rule="3.1.2", xpath="/iati-activity/recipient-country[1]/@percentage", field="countries",
        message="The percentages of the recipient countries add up to 90, not 100.",
    )]


def test_theme_percentages_are_summed_within_vocabulary_99():
    element = activity()
    element.find("sector[@vocabulary='99']").set("percentage", "30.5")
    [problem] = rule_problems(element)
    assert (problem.rule, problem.field) == ("2.1.2", "themes")
    assert problem.message == "The percentages of the thematic areas add up to 80.5, not 100."


def test_a_single_country_must_be_at_100_or_without_percentage():
    element = activity()
    element.remove(element.findall("recipient-country")[1])
    element.find("recipient-country").set("percentage", "80")
    [problem] = rule_problems(element)  # the sum rule's condition (more than one country) does not apply
    assert (problem.rule, problem.field) == ("3.1.4", "countries")
    assert problem.message == "The only recipient country has a percentage of 80; it must be 100 or left out."
    del element.find("recipient-country").attrib["percentage"]
    assert validate_activity(element) == []


def test_a_country_and_a_region_share_the_hundred():
    element = activity()
    element.remove(element.findall("recipient-country")[1])
    region = etree.Element("recipient-region", code="289", vocabulary="1", percentage="30")
    element.find("recipient-country").addnext(region)
    [problem] = rule_problems(element)
    assert (problem.rule, problem.field) == ("3.4.2", "countries")
    assert problem.message == "The percentages of the recipient countries and regions add up to 90, not 100."


def test_an_action_without_country_or_region():
    element = activity()
    for country in element.findall("recipient-country"):
        element.remove(country)
    problems = rule_problems(element)
    assert {(p.rule, p.field) for p in problems} == {("3.7.1", "countries")}
    assert problems[0].message == "The Action has no recipient country or region."


def test_a_percentage_above_100_and_an_identifier_with_spaces():
    element = activity()
    element.find("recipient-country").set("percentage", "120")
    element.findall("recipient-country")[1].set("percentage", "-20")
    element.find("iati-identifier").text = "XM-PONTIS-2024-01 "
    problems = rule_problems(element)
    assert [(p.rule, p.field, p.message) for p in problems] == [
        ("1.3.1", "code", "The IATI identifier “XM-PONTIS-2024-01” starts or ends with a space or a line break."),
        ("12.1.1", "countries", "A percentage (120) is not between 0 and 100."),
    ]


def test_dates_out_of_order():
    element = activity()
    element.find("activity-date[@type='3']").set("iso-date", "2023-06-30")
    assert rule_problems(element) == [Problem(
        layer="rule", rule="11.1.2", xpath="/iati-activity/activity-date[1]/@iso-date", field="start_date",
        message="Dates out of order: the planned start date (1 February 2024) is after the planned end date "
                "(30 June 2023).",
    )]


def test_a_start_and_end_on_the_same_day_are_in_order():
    element = activity()
    element.find("activity-date[@type='4']").set("iso-date", "2024-03-01")
    assert validate_activity(element) == []


def test_an_actual_start_in_the_future():
    element = activity()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    element.find("activity-date[@type='2']").set("iso-date", tomorrow.isoformat())
    element.remove(element.find("activity-date[@type='4']"))
    [problem] = rule_problems(element)
    assert (problem.rule, problem.field) == ("11.1.4", "start_date")
    assert problem.message.startswith("The actual start date (") and problem.message.endswith(") is in the future.")


def test_an_actual_start_today_is_not_in_the_future():
    element = activity()
    element.find("activity-date[@type='2']").set("iso-date", timezone.localdate().isoformat())
    element.remove(element.find("activity-date[@type='4']"))
    assert validate_activity(element) == []


def test_a_theme_needs_its_name():
    element = activity()
    theme = element.find("sector[@vocabulary='99']")
    theme.remove(theme.find("narrative"))
    [problem] = rule_problems(element)
    assert (problem.rule, problem.field, problem.xpath) == ("2.2.1", "themes", "/iati-activity/sector[2]")
    assert problem.message == "A thematic area is published without its name: every thematic area needs one."


def test_identifier_characters():
    element = activity()
    element.find("iati-identifier").text = "XM-PONTIS-2024/01?"
    [problem] = rule_problems(element)
    assert (problem.rule, problem.field) == ("1.3.13", "code")
    assert problem.message == "The identifier “XM-PONTIS-2024/01?” contains characters IATI does not allow (/, &, | or ?)."


def test_the_identifier_begins_with_the_reporting_organisation():
    element = activity()
    element.find("iati-identifier").text = "XX-OTHER-2024-01"
    [problem] = rule_problems(element)
    assert (problem.rule, problem.field) == ("1.1.21", "code")
    element.find("iati-identifier").text = "XM-PONTIS"
    assert {p.rule for p in rule_problems(element)} == {"1.1.3", "1.1.21"}  # same as the organisation's


def test_an_empty_title_and_a_missing_value():
    element = activity()
    for narrative in element.find("title"):
        narrative.text = " "
    del element.find("result/indicator[@measure='1']/period/actual").attrib["value"]
    problems = rule_problems(element)
    assert [(p.rule, p.field, p.message) for p in problems] == [
        ("8.10.1", "results", "A quantitative indicator's actual result has no value."),
        ("4.3.1", "title", "The title has no text."),
    ]


def test_result_periods_in_order_and_last_update_not_in_the_future():
    element = activity()
    element.find("result/indicator/period/period-end").set("iso-date", "2024-01-01")
    element.set("last-updated-datetime", "2999-01-01T00:00:00Z")
    problems = rule_problems(element)
    assert [(p.rule, p.field) for p in problems] == [("11.1.1", ""), ("8.6.1", "results")]
    assert problems[0].message == "The time of the last update (1 January 2999) is in the future."


def test_narratives_need_a_language_when_the_record_has_none():
    element = activity()
    del element.attrib["{http://www.w3.org/XML/1998/namespace}lang"]
    [problem] = rule_problems(element)
    assert (problem.rule, problem.xpath) == ("4.1.1", "/iati-activity/reporting-org/narrative")


FINANCIAL = b"""
<iati-activity>
  <other-identifier ref="X" type="B1"><owner-org/></other-identifier>
  <budget type="1" status="1"><period-start iso-date="2024-01-01"/><period-end iso-date="2025-06-01"/></budget>
  <policy-marker vocabulary="1" code="1"/>
  <transaction><transaction-date iso-date="2999-01-01"/><value>5</value><provider-org/></transaction>
</iati-activity>
"""


def test_the_other_contexts_of_the_ruleset_are_read():
    problems = rules.check_activity(etree.fromstring(FINANCIAL))
    found = {p.rule for p in problems}
    assert {"7.5.3", "6.8.1", "6.14.1", "6.9.1", "11.2.1", "7.8.1", "6.11.1", "6.2.2"} <= found
    plain(problems)
    assert not [p for p in problems if p.message.startswith("The record breaks an IATI rule")]  # each has its sentence
    [budget] = [p for p in problems if p.rule == "7.5.3"]
    assert (budget.field, budget.message) == ("", "A budget period is longer than a year.")


def test_the_interpreter_knows_every_rule_type_used_for_activities():
    used = {t for _c, rule_type, case in rules.activity_cases() for t in (case["do"] if rule_type == "loop" else [rule_type])}
    assert used <= set(rules.RULE_TYPES)
    assert {"atleast_one", "one_or_all", "date_order", "date_now", "strict_sum", "if_then", "time_limit"} <= used


def test_between_dates_and_org_id_prefixes(settings):
    budget = etree.fromstring(b'<b><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>'
                              b'<budget-line><value value-date="2025-02-01">1</value></budget-line></b>')
    case = {"date": "budget-line/value/@value-date", "start": "period-start/@iso-date", "end": "period-end/@iso-date"}
    assert rules.between_dates(budget, case, timezone.now())["date"] == "2025-02-01"
    element = activity()
    settings.PONTIS_IATI_ORG_ID_PREFIXES = ["XI-IATI"]
    assert [p.rule for p in validate_activity(element)] == ["1.14.8"]
    settings.PONTIS_IATI_ORG_ID_PREFIXES = ["XM-PONTIS"]
    assert validate_activity(element) == []


def test_a_file_names_the_activity_of_each_problem():
    root = etree.Element("iati-activities", version="2.03", **{"generated-datetime": "2026-01-10T09:00:00Z"})
    root.append(activity())
    second = activity()
    second.find("iati-identifier").text = "XM-PONTIS-2024-02"
    second.find("recipient-country").set("code", "XX")
    root.append(second)
    assert [(p.xpath, p.field) for p in validate_file(root)] == [
        ("/iati-activities/iati-activity[2]/recipient-country[1]/@code", "countries")]


def test_messages_and_field_names_come_in_the_readers_language():
    element = activity()
    element.find("recipient-country").set("percentage", "50")
    element.find("tag").set("code", "10.99")
    element.remove(element.find("title"))
    with translation.override("fr"):
        problems = validate_activity(element)
        label = field_label("countries")
    with translation.override("en"):
        english = [p.message for p in validate_activity(element)]

    assert len(problems) == 3 and all(p.message not in english for p in problems)
    assert "La somme des pourcentages des pays bénéficiaires est de 90, et non de 100." in [p.message for p in problems]
    assert "The percentages of the recipient countries add up to 90, not 100." in english
    assert label == "Pays"
