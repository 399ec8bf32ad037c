"""The codelist layer: every code the export can write is checked against IATI's codelist files.

The files are in ``data/codelists`` (copied from IATI, see ``data/README.md``) and read once per process. A code
marked ``withdrawn`` in its list is refused with its own message: IATI no longer accepts it in new data.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from .messages import Problem, field_for, where

CODELIST_DIR = Path(__file__).resolve().parent / "data" / "codelists"
NS = {"xml": "http://www.w3.org/XML/1998/namespace"}

DAC = "not(@vocabulary) or @vocabulary = '' or @vocabulary = '1'"

# (XPath from the <iati-activity>, selecting attributes, the codelist they must be on). Element names follow the
# 2.03 schema; the checks cover what the builder writes and the other coded attributes of an activity.
ACTIVITY_CHECKS = (
    ("@xml:lang", "Language"),
    (".//narrative/@xml:lang", "Language"),
    ("@default-currency", "Currency"),
    ("activity-status/@code", "ActivityStatus"),
    ("activity-date/@type", "ActivityDateType"),
    ("reporting-org/@type", "OrganisationType"),
    ("participating-org/@role", "OrganisationRole"),
    ("participating-org/@type", "OrganisationType"),
    ("recipient-country/@code", "Country"),
    (f"recipient-region[{DAC}]/@code", "Region"),
    ("recipient-region/@vocabulary", "RegionVocabulary"),
    (f"sector[{DAC}]/@code", "Sector"),
    ("sector[@vocabulary = '2']/@code", "SectorCategory"),
    ("sector/@vocabulary", "SectorVocabulary"),
    ("tag/@vocabulary", "TagVocabulary"),
    ("tag[@vocabulary = '2']/@code", "UNSDG-Goals"),
    ("tag[@vocabulary = '3']/@code", "UNSDG-Targets"),
    ("description/@type", "DescriptionType"),
    (".//document-link/@format", "FileFormat"),
    (".//document-link/category/@code", "DocumentCategory"),
    (".//document-link/language/@code", "Language"),
    ("result/@type", "ResultType"),
    ("result/indicator/@measure", "IndicatorMeasure"),
    ("result/indicator/reference/@vocabulary", "IndicatorVocabulary"),
    ("collaboration-type/@code", "CollaborationType"),
    ("default-flow-type/@code", "FlowType"),
    ("default-finance-type/@code", "FinanceType"),
    (f"default-aid-type[{DAC}]/@code", "AidType"),
    ("default-aid-type/@vocabulary", "AidTypeVocabulary"),
    (".//value/@currency", "Currency"),
)
FILE_CHECKS = (("@version", "Version"),)

# What each codelist lists, for the message ("… is not on IATI's list of countries").
CODELIST_WHAT = {
    "ActivityStatus": gettext_lazy("statuses"),
    "ActivityDateType": gettext_lazy("date types"),
    "Country": gettext_lazy("countries"),
    "Region": gettext_lazy("regions"),
    "RegionVocabulary": gettext_lazy("region lists"),
    "Sector": gettext_lazy("OECD DAC sectors"),
    "SectorCategory": gettext_lazy("OECD DAC sector categories"),
    "SectorVocabulary": gettext_lazy("sector lists"),
    "TagVocabulary": gettext_lazy("tag lists"),
    "UNSDG-Goals": gettext_lazy("Sustainable Development Goals"),
    "UNSDG-Targets": gettext_lazy("SDG targets"),
    "OrganisationRole": gettext_lazy("organisation roles"),
    "OrganisationType": gettext_lazy("organisation types"),
    "Language": gettext_lazy("languages"),
    "FileFormat": gettext_lazy("file formats"),
    "DocumentCategory": gettext_lazy("document categories"),
    "ResultType": gettext_lazy("result types"),
    "IndicatorMeasure": gettext_lazy("indicator measures"),
    "IndicatorVocabulary": gettext_lazy("indicator lists"),
    "DescriptionType": gettext_lazy("description types"),
    "Currency": gettext_lazy("currencies"),
    "CollaborationType": gettext_lazy("collaboration types"),
    "FlowType": gettext_lazy("flow types"),
    "FinanceType": gettext_lazy("finance types"),
    "AidType": gettext_lazy("aid types"),
    "AidTypeVocabulary": gettext_lazy("aid type lists"),
    "Version": gettext_lazy("IATI versions"),
}


def codelist_message(codelist: str, code: str, withdrawn: bool) -> str:
    what = str(CODELIST_WHAT.get(codelist, codelist))
    if withdrawn:
        return _("“%(code)s” has been withdrawn from IATI's list of %(what)s: choose a current one.") % {
            "code": code, "what": what}
    return _("“%(code)s” is not on IATI's list of %(what)s.") % {"code": code, "what": what}


@functools.cache
def codes(name: str) -> dict[str, str]:
    """The codes of one codelist, each with its status ("active" or "withdrawn")."""
    tree = etree.parse(str(CODELIST_DIR / f"{name}.xml"))
    found = {}
    for item in tree.iterfind(".//codelist-item"):
        code = item.findtext("code")
        if code is not None:
            found[code.strip()] = item.get("status", "active")
    return found


def _check(node, checks) -> list[Problem]:
    problems = []
    for path, name in checks:
        known = codes(name)
        for value in node.xpath(path, namespaces=NS):
            status = known.get(str(value))
            if status == "active":
                continue
            problems.append(Problem(
                layer="codelist", rule=name, xpath=where(value), field=_field(value, name),
                message=codelist_message(name, str(value), withdrawn=status is not None),
            ))
    return problems


def _field(value, name: str) -> str:
    if name == "Language" and value.getparent().tag == "iati-activity":
        return ""  # the record's default language is the export's own choice
    return field_for(value)


def check_activity(activity) -> list[Problem]:
    """Codes of one <iati-activity> that are not on their (current) IATI codelist."""
    return _check(activity, ACTIVITY_CHECKS)


def check_file(root) -> list[Problem]:
    """The file's own codes (the standard's version), then each activity's."""
    problems = _check(root, FILE_CHECKS)
    for activity in root.iterfind("iati-activity"):
        problems += check_activity(activity)
    return problems
