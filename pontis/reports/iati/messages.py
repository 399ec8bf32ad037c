"""What an IATI check found, said so that the person who edits the Action can fix it.

Every check (schema, codelists, rules) ends here: a ``Problem`` with a translated message in plain words and the
Action field to fix. Messages never show XPath or rule numbers alone; ``Problem.xpath`` and ``Problem.rule`` are
kept for support staff and tests.

``Problem.field`` names what a person edits: the Action's own fields (``code``, ``title``, ``status``,
``start_date``, ``end_date``, ``countries``, ``region``, ``themes``, ``sdg_targets``, ``partner_institutions``),
the publication's ``summary``, the Action's ``deliverables`` and ``results`` (deliverables and activities'
participants), ``reporting_org`` (the facility's IATI settings), or ``""`` when nothing in the Action causes it
(a fault in the export itself, for the support team).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pontis.core.templatetags.dates import day

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Problem:
    layer: str  # "schema" | "codelist" | "rule"
    rule: str  # the IATI rule id ("3.1.2"), the codelist ("Country") or the schema error kind
    xpath: str  # where in the XML, for support staff
    field: str  # the Action field a person must fix ("" when it is a fault of the export)
    message: str  # translated, plain words


FIELD_LABELS = {
    "code": gettext_lazy("Action code (IATI identifier)"),
    "reporting_org": gettext_lazy("the facility's IATI settings"),
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Public summary"),
    "status": gettext_lazy("Status"),
    "start_date": gettext_lazy("Start date"),
    "end_date": gettext_lazy("End date"),
    "countries": gettext_lazy("Countries"),
    "region": gettext_lazy("Region"),
    "themes": gettext_lazy("Thematic areas"),
    "sdg_targets": gettext_lazy("SDG targets"),
    "partner_institutions": gettext_lazy("Partner institutions"),
    "deliverables": gettext_lazy("Deliverables"),
    "results": gettext_lazy("Results"),
    "": gettext_lazy("the IATI export (tell the support team)"),
}

# What IATI's element and attribute names mean, in the words the Action pages use.
ELEMENT_LABELS = {
    "iati-activity": gettext_lazy("the Action's IATI record"),
    "iati-identifier": gettext_lazy("the IATI identifier"),
    "reporting-org": gettext_lazy("the reporting organisation"),
    "title": gettext_lazy("the title"),
    "description": gettext_lazy("the description"),
    "participating-org": gettext_lazy("a participating organisation"),
    "activity-status": gettext_lazy("the status"),
    "activity-date": gettext_lazy("a date"),
    "recipient-country": gettext_lazy("a recipient country"),
    "recipient-region": gettext_lazy("the recipient region"),
    "sector": gettext_lazy("a sector or thematic area"),
    "tag": gettext_lazy("an SDG target"),
    "document-link": gettext_lazy("a document link"),
    "result": gettext_lazy("a result"),
    "indicator": gettext_lazy("an indicator"),
    "period": gettext_lazy("a result period"),
    "baseline": gettext_lazy("a baseline"),
    "target": gettext_lazy("a target"),
    "actual": gettext_lazy("an actual value"),
    "dimension": gettext_lazy("a breakdown (such as by sex)"),
    "narrative": gettext_lazy("a text"),
    "category": gettext_lazy("a document category"),
    "language": gettext_lazy("a document language"),
    "period-start": gettext_lazy("a period start"),
    "period-end": gettext_lazy("a period end"),
}
ATTRIBUTE_LABELS = {
    "code": gettext_lazy("code"),
    "percentage": gettext_lazy("percentage"),
    "iso-date": gettext_lazy("date"),
    "type": gettext_lazy("type"),
    "vocabulary": gettext_lazy("vocabulary"),
    "ref": gettext_lazy("identifier"),
    "role": gettext_lazy("role"),
    "format": gettext_lazy("file format"),
    "url": gettext_lazy("web address"),
    "measure": gettext_lazy("measure"),
    "value": gettext_lazy("value"),
    "xml:lang": gettext_lazy("language"),
    "last-updated-datetime": gettext_lazy("time of the last update"),
    "version": gettext_lazy("IATI version"),
}


def element_label(name: str) -> str:
    return str(ELEMENT_LABELS.get(name, name))


def attribute_label(name: str) -> str:
    return str(ATTRIBUTE_LABELS.get(name, name))


def field_label(field: str) -> str:
    """The name of the field to fix, as the Action pages show it."""
    return str(FIELD_LABELS.get(field, field))


def _element(node):
    """The element a node is or belongs to (an attribute or text result knows its parent element)."""
    if hasattr(node, "tag"):
        return node
    return node.getparent() if hasattr(node, "getparent") else None


def where(node) -> str:
    """The node's XPath in its own tree, for support staff ("/iati-activities/iati-activity[2]/sector[3]/@code")."""
    element = _element(node)
    if element is None:
        return ""
    path = element.getroottree().getpath(element)
    if getattr(node, "is_attribute", False):
        name = node.attrname
        path += "/@" + ("xml:lang" if name == XML_LANG else name)
    return path


TOP_FIELDS = {
    "iati-identifier": "code",
    "reporting-org": "reporting_org",
    "title": "title",
    "description": "summary",
    "participating-org": "partner_institutions",
    "activity-status": "status",
    "recipient-country": "countries",
    "recipient-region": "region",
    "tag": "sdg_targets",
    "document-link": "deliverables",
    "result": "results",
}


def field_for_tag(tag: str, element=None) -> str:
    """The Action field behind a child of <iati-activity> (the element, when there is one, refines it)."""
    if tag == "activity-date":
        return "end_date" if element is not None and element.get("type") in ("3", "4") else "start_date"
    if tag == "sector":
        return "themes" if element is None or element.get("vocabulary") in ("98", "99") else ""
    return TOP_FIELDS.get(tag, "")


def field_for(node) -> str:
    """The Action field behind a node: the child of <iati-activity> it sits in decides."""
    element = _element(node)
    top = None
    while element is not None and element.tag != "iati-activity":
        top, element = element, element.getparent()
    return "" if top is None else field_for_tag(top.tag, top)


def show_date(text: str) -> str:
    """An ISO date or date and time from the XML, in the reader's language ("29 November 2026")."""
    try:
        return day(datetime.date.fromisoformat(str(text)[:10]))
    except ValueError:
        return str(text)


def show_number(value) -> str:
    text = format(value, "f") if not isinstance(value, str) else value
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Schema ---------------------------------------------------------------------------------------------------

_NAME = r"'(?:\{[^}]*\})?([\w:.-]+)'"
_EXPECTED = re.compile(r"Expected is(?: one of)? \( ([^)]*) \)")
DATE_LABELS = {
    "1": gettext_lazy("the planned start date"),
    "2": gettext_lazy("the actual start date"),
    "3": gettext_lazy("the planned end date"),
    "4": gettext_lazy("the actual end date"),
}


def expected_elements(text: str) -> list[str]:
    """The element names a schema error says were expected ("Expected is ( title )" -> ["title"])."""
    match = _EXPECTED.search(text)
    if not match:
        return []
    names = [name.strip().split("}")[-1] for name in match.group(1).split(",")]
    return [name for name in names if name and not name.startswith("##")]


def missing_element(text: str, node) -> str | None:
    """The element a schema error is really about when the record lacks it: an "expected" element that is
    nowhere in the parent (so a later element was "not expected", or the parent is "missing" a child)."""
    expected = expected_elements(text)
    if len(expected) != 1 or node is None:
        return None
    parent = node if "Missing child" in text else node.getparent()
    if parent is None or parent.find(expected[0]) is not None:
        return None
    return expected[0]


def _label(node, name: str) -> str:
    if node is not None and node.tag == "activity-date" and node.get("type") in DATE_LABELS:
        return str(DATE_LABELS[node.get("type")])
    return element_label(name)


def schema_message(text: str, node=None) -> str:
    """A sentence for one libxml2 schema error (always English, in a few fixed shapes); ``node`` is the element
    the error is about, when known."""
    sentence = _schema_sentence(text, node)
    return sentence[:1].upper() + sentence[1:]


def _schema_sentence(text: str, node) -> str:
    element = re.match(r"Element " + _NAME, text)
    label = _label(node, element.group(1)) if element else _("the record")
    attribute = re.search(r"attribute " + _NAME, text)
    attr = attribute_label(attribute.group(1)) if attribute else ""
    value = re.search(r": '([^']*)' is ", text)
    shown = {"what": label, "attribute": attr, "value": value.group(1) if value else ""}
    missing = missing_element(text, node)
    if missing:
        holder = node if "Missing child" in text else node.getparent()
        return _("%(missing)s is missing from %(what)s, and IATI needs it.") % {
            "what": _label(holder, holder.tag), "missing": element_label(missing)}
    if "This element is not expected" in text:
        return _("%(what)s is in the wrong place in the record, or not allowed there.") % shown
    if "Missing child element" in text:
        names = ", ".join(element_label(name) for name in expected_elements(text))
        return _("%(what)s is incomplete: it needs %(expected)s.") % {**shown, "expected": names}
    if "is required but missing" in text:
        return _("%(what)s has no %(attribute)s, and IATI needs one.") % shown
    if "is not allowed" in text and attribute:
        return _("%(what)s has a %(attribute)s that IATI does not allow there.") % shown
    maximum = re.search(r"maximum value allowed \('([^']*)'\)", text)
    if maximum:
        return _("%(what)s has %(attribute)s %(value)s, more than the largest allowed (%(limit)s).") % {
            **shown, "limit": maximum.group(1)}
    minimum = re.search(r"minimum value allowed \('([^']*)'\)", text)
    if minimum:
        return _("%(what)s has %(attribute)s %(value)s, less than the smallest allowed (%(limit)s).") % {
            **shown, "limit": minimum.group(1)}
    if "xs:date" in text:
        return _("%(what)s (“%(value)s”) is not a real date.") % shown
    if "xs:decimal" in text or "xs:int" in text or "xs:nonNegativeInteger" in text:
        return _("%(what)s has a %(attribute)s that is not a number: “%(value)s”.") % shown
    if "xs:anyURI" in text:
        return _("%(what)s has a web address that is not valid: “%(value)s”.") % shown
    if value:
        return _("%(what)s has a %(attribute)s that is not valid: “%(value)s”.") % shown
    # An unusual error: say where, and keep libxml2's own words as the detail.
    return _("%(what)s does not follow the IATI format (%(detail)s).") % {**shown, "detail": text}


def schema_kind(type_name: str) -> str:
    """A short, stable id for the schema error kind ("SCHEMAV_ELEMENT_CONTENT" -> "element-content")."""
    return type_name.removeprefix("SCHEMAV_").lower().replace("_", "-") or "schema"


# --- Rules ----------------------------------------------------------------------------------------------------
# One sentence per rule of IATI's Standard Ruleset that can apply to an activity, and the field to fix (None:
# the field of the node that broke the rule). Placeholders: value, sum, less, more, date, vocabulary.
RULE_TEXTS = {
    "1.1.3": ("code", gettext_lazy("The IATI identifier is the same as the reporting organisation's identifier.")),
    "1.1.21": ("code", gettext_lazy("The IATI identifier “%(value)s” does not begin with the reporting organisation's "
                         "identifier followed by a hyphen.")),
    "1.14.8": ("reporting_org", gettext_lazy("The reporting organisation's identifier “%(value)s” does not begin with a "
                                  "registered agency code.")),
    "6.11.1": ("start_date", gettext_lazy("The Action has neither a planned nor an actual start date.")),
    "6.2.2": ("themes", gettext_lazy("The Action has no sector.")),
    "4.1.1": (None, gettext_lazy("A text has no language, and the record has no default language.")),
    "6.7.2": ("", gettext_lazy("Some transactions have a sector and others do not.")),
    "7.8.1": ("", gettext_lazy("An amount has no currency, and the record has no default currency.")),
    "11.1.1": ("", gettext_lazy("The time of the last update (%(date)s) is in the future.")),
    "11.1.2": ("start_date", gettext_lazy("Dates out of order: the planned start date (%(less)s) is after the planned end "
                               "date (%(more)s).")),
    "11.1.3": ("start_date", gettext_lazy("Dates out of order: the actual start date (%(less)s) is after the actual end "
                               "date (%(more)s).")),
    "11.1.4": ("start_date", gettext_lazy("The actual start date (%(less)s) is in the future.")),
    "11.1.5": ("end_date", gettext_lazy("The actual end date (%(less)s) is in the future.")),
    "11.2.1": ("", gettext_lazy("A transaction date (%(less)s) is in the future.")),
    "11.2.2": ("", gettext_lazy("A transaction value date (%(less)s) is in the future.")),
    "1.3.13": ("code", gettext_lazy("The identifier “%(value)s” contains characters IATI does not allow (/, &, | or ?).")),
    "1.14.13": ("reporting_org", gettext_lazy("The reporting organisation's identifier “%(value)s” contains characters IATI "
                                   "does not allow (/, &, | or ?).")),
    "1.3.1": ("code", gettext_lazy("The IATI identifier “%(value)s” starts or ends with a space or a line break.")),
    "1.14.1": ("reporting_org", gettext_lazy("The reporting organisation's identifier “%(value)s” starts or ends with a space "
                                  "or a line break.")),
    "2.1.2": ("themes", gettext_lazy("The percentages of the sectors in list %(vocabulary)s add up to %(sum)s, not 100.")),
    "2.1.2/themes": ("themes", gettext_lazy("The percentages of the thematic areas add up to %(sum)s, not 100.")),
    "2.1.2/dac": ("", gettext_lazy("The percentages of the OECD DAC sectors add up to %(sum)s, not 100.")),
    "2.1.1/dac": ("", gettext_lazy("There are several OECD DAC sectors and not every one has a percentage.")),
    "2.1.4/dac": ("", gettext_lazy("The only OECD DAC sector has a percentage of %(value)s; it must be 100 or left out.")),
    "2.1.1": ("themes", gettext_lazy("There are several sectors in list %(vocabulary)s and not every one has a percentage.")),
    "2.1.1/themes": ("themes", gettext_lazy("There are several thematic areas and not every one has a percentage.")),
    "2.1.4": ("themes", gettext_lazy("The only sector in list %(vocabulary)s has a percentage of %(value)s; it must be 100 "
                          "or left out.")),
    "2.1.4/themes": ("themes", gettext_lazy("The only thematic area has a percentage of %(value)s; it must be 100 or left "
                                 "out.")),
    "2.2.1": ("themes", gettext_lazy("A thematic area is published without its name: every thematic area needs one.")),
    "102.1.1": ("themes", gettext_lazy("The Action has thematic areas but no sector from the OECD DAC list.")),
    "3.4.1": ("region", gettext_lazy("There are several recipient regions and not every one has a percentage.")),
    "3.4.4": ("region", gettext_lazy("The only recipient region has a percentage of %(value)s; it must be 100 or left out.")),
    "3.4.2": ("countries", gettext_lazy("The percentages of the recipient countries and regions add up to %(sum)s, not "
                             "100.")),
    "3.1.1": ("countries", gettext_lazy("There are several recipient countries and not every one has a percentage.")),
    "3.1.2": ("countries", gettext_lazy("The percentages of the recipient countries add up to %(sum)s, not 100.")),
    "3.1.4": ("countries", gettext_lazy("The only recipient country has a percentage of %(value)s; it must be 100 or left "
                             "out.")),
    "3.6.2": ("countries", gettext_lazy("Countries or regions are given both for the Action and for its transactions.")),
    "3.7.1": ("countries", gettext_lazy("The Action has no recipient country or region.")),
    "3.7.2": ("countries", gettext_lazy("The Action has no recipient country or region.")),
    "6.6.2": ("", gettext_lazy("Sectors are given both for the Action and for its transactions.")),
    "12.1.1": (None, gettext_lazy("A percentage (%(value)s) is not between 0 and 100.")),
    "12.3.1": ("themes", gettext_lazy("A sector or thematic area percentage (%(value)s) is not between 0 and 100.")),
    "12.2.1": ("", gettext_lazy("A budget percentage (%(value)s) is not between 0 and 100.")),
    "6.10.1": ("partner_institutions", gettext_lazy("A participating organisation has neither an identifier nor a name.")),
    "1.8.13": ("partner_institutions", gettext_lazy("The identifier “%(value)s” of a participating organisation contains "
                                         "characters IATI does not allow (/, &, | or ?).")),
    "1.8.1": ("partner_institutions", gettext_lazy("The identifier “%(value)s” of a participating organisation starts or "
                                        "ends with a space or a line break.")),
    "8.6.1": ("results", gettext_lazy("Dates out of order: a result period starts (%(less)s) after it ends (%(more)s).")),
    "8.8.1": ("results", gettext_lazy("A quantitative indicator's baseline has no value.")),
    "8.9.1": ("results", gettext_lazy("A quantitative indicator's target has no value.")),
    "8.10.1": ("results", gettext_lazy("A quantitative indicator's actual result has no value.")),
    "8.8.2": ("results", gettext_lazy("A baseline value (%(value)s) is not a number.")),
    "8.9.2": ("results", gettext_lazy("A target value (%(value)s) is not a number.")),
    "8.10.2": ("results", gettext_lazy("An actual value (%(value)s) is not a number.")),
    "8.8.3": ("results", gettext_lazy("A qualitative indicator's baseline has a number: describe it in words instead.")),
    "8.9.3": ("results", gettext_lazy("A qualitative indicator's target has a number: describe it in words instead.")),
    "8.10.3": ("results", gettext_lazy("A qualitative indicator's actual result has a number: describe it in words "
                            "instead.")),
    "8.11.1": ("results", gettext_lazy("An indicator has its own reference and its result's reference: keep only one.")),
    "4.3.1": (None, gettext_lazy("%(what)s has a title without text.")),
    "4.3.1/activity": ("title", gettext_lazy("The title has no text.")),
    "4.4.1/activity": ("summary", gettext_lazy("The description has no text.")),
    "4.4.1": (None, gettext_lazy("%(what)s has a description without text.")),
}
# Rules about parts Pontis does not publish (transactions, budgets, other identifiers, policy markers, aid types).
for _ids, _text in (
    ("1.4.1 1.5.1 1.6.1 1.7.1 1.9.1 1.10.1 1.11.1 1.15.1 1.16.1",
     gettext_lazy("An identifier (“%(value)s”) starts or ends with a space or a line break.")),
    ("1.10.13 1.11.13 1.15.13", gettext_lazy("An organisation identifier (“%(value)s”) contains characters IATI does "
                                             "not allow (/, &, | or ?).")),
    ("6.8.1 6.9.1 6.9.2", gettext_lazy("An organisation in the record has neither an identifier nor a name.")),
    ("6.13.1 6.14.1", gettext_lazy("A policy marker has no name or no significance.")),
    ("107.1.1 107.1.2 107.2.1 107.2.2", gettext_lazy("An aid type is given twice, or not from the OECD DAC list.")),
    ("7.5.3", gettext_lazy("A budget period is longer than a year.")),
    ("7.9.1 7.9.2 7.9.4", gettext_lazy("The percentages of the budget items do not add up to 100.")),
    ("8.6.3", gettext_lazy("Dates out of order: a budget period starts (%(less)s) after it ends (%(more)s).")),
):
    RULE_TEXTS.update({rule_id: (None, _text) for rule_id in _ids.split()})
# A rule added to the ruleset later, before it has its own sentence.
_OTHER = gettext_lazy("The record breaks an IATI rule: %(detail)s")


class _Blank(dict):
    def __missing__(self, key):
        return ""


def rule_problem(rule_id: str, ruleinfo: dict, details: dict, context) -> Problem:
    """The Problem for a broken rule: its sentence, the field to fix and where it happened."""
    node = details.get("node")
    node = node if node is not None else context
    element = _element(context)
    holder = element.getparent() if element is not None and element.tag in ("title", "description") else element
    variant = {"98": "themes", "99": "themes", "1": "dac"}.get(details.get("vocabulary"), "")
    if holder is not None and holder.tag == "iati-activity" and element is not holder:
        variant = "activity"
    key = f"{rule_id}/{variant}" if f"{rule_id}/{variant}" in RULE_TEXTS else rule_id
    field, text = RULE_TEXTS.get(key, (None, None))
    values = _Blank(details)
    what = element_label(holder.tag) if holder is not None else ""
    values["what"] = what[:1].upper() + what[1:]
    for name in ("less", "more", "date"):
        if values.get(name):
            values[name] = show_date(values[name])
    for name in ("sum", "value"):
        if values.get(name) not in (None, ""):
            values[name] = show_number(values[name])
    if text is None:
        message = _OTHER % {"detail": ruleinfo.get("message", rule_id)}
    else:
        message = str(text) % values
    if field is None:
        field = field_for(node)
    return Problem(layer="rule", rule=rule_id, xpath=where(node), field=field, message=message)
