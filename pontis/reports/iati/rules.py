"""The rule layer: an interpreter of IATI's Standard Ruleset (``data/rulesets/standard.json``) for activities.

The ruleset maps a context XPath to rule types and their cases (see IATI-Rulesets' ``schema.json`` and
``SPEC_JS.rst``, the 2021 validator's reading, which this follows):

- a case's ``condition`` (XPath) must be true for the case to apply;
- ``idCondition`` limits a case to identifiers that are not in IATI's registry of publishers. The registry is
  not available offline, so those cases always apply (Pontis's own identifiers must pass them anyway);
- ``startswith`` with the prefix ``ORG-ID-PREFIX`` needs the list of registered agency codes: it runs only when
  ``settings.PONTIS_IATI_ORG_ID_PREFIXES`` gives one;
- in a ``loop``, ``$1`` is replaced by each value of ``foreach`` in every key of the case. (The ruleset's
  ``subs`` leaves ``$1`` in the condition of rule 2.1.2 for sectors outside vocabulary 1, which would make that
  rule never apply; replacing it everywhere is what the rule means.)

Each broken case gives one ``Problem`` with a message from ``messages.RULE_TEXTS``.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import etree

from .messages import Problem, rule_problem

RULESET = Path(__file__).resolve().parent / "data" / "rulesets" / "standard.json"
ACTIVITY = "/iati-activities/iati-activity"
NS = {"xml": "http://www.w3.org/XML/1998/namespace"}


def _relative(context: str) -> str | None:
    """A context of the ruleset as an XPath from the <iati-activity>, or None when it is not inside one."""
    if context == ACTIVITY:
        return "."
    if context.startswith(ACTIVITY + "/"):
        return context[len(ACTIVITY) + 1:]
    if context.startswith("//"):
        return "." + context
    return None


@functools.cache
def activity_cases() -> tuple[tuple[str, str, dict], ...]:
    """(context from the activity, rule type, case) for every case of the ruleset that applies to activities."""
    data = json.loads(RULESET.read_text(encoding="utf-8"))
    cases = []
    for context, rules in data.items():
        for alternative in context.split("|"):
            relative = _relative(alternative.strip())
            if relative is None:
                continue
            for rule_type, body in rules.items():
                cases.extend((relative, rule_type, case) for case in body.get("cases", []))
    return tuple(cases)


# --- XPath helpers --------------------------------------------------------------------------------------------

def _select(node, path: str) -> list:
    found = node.xpath(path, namespaces=NS)
    return found if isinstance(found, list) else ([found] if found not in (None, "", False) else [])


def _true(node, expression: str) -> bool:
    return bool(node.xpath(f"boolean({expression})", namespaces=NS))


def _text(match) -> str:
    if hasattr(match, "itertext"):
        return "".join(match.itertext())
    return str(match)


def _matches(node, case: dict) -> list:
    return [match for path in case.get("paths", []) for match in _select(node, path)]


def _value(match) -> str:
    """What a message shows for a node: an element's percentage, or an attribute's or text's value."""
    if hasattr(match, "tag"):
        return match.get("percentage", "")
    return str(match)


def _date(node, path: str, now: datetime.datetime):
    """(date, node) for the first date a path finds; NOW is today. None when there is no readable date."""
    if path == "NOW":
        return timezone.localdate(now) if timezone.is_aware(now) else now.date(), None
    for match in _select(node, path):
        try:
            return datetime.date.fromisoformat(_text(match).strip()[:10]), match
        except ValueError:
            return None  # the schema layer reports a date it cannot read
    return None


# --- Rule types: each returns None when the case passes, else details for the message --------------------------

def atleast_one(node, case, now):
    # A text of only spaces is no text (``narrative/text()`` for titles and descriptions).
    found = [m for m in _matches(node, case) if not getattr(m, "is_text", False) or str(m).strip()]
    return None if found else {}


def no_more_than_one(node, case, now):
    found = _matches(node, case)
    return None if len(found) <= 1 else {"node": found[1]}


def one_or_all(node, case, now):
    if _select(node, case["one"]):
        return None
    lacking = {
        "lang": lambda: [n for n in node.iterfind(".//narrative") if n.get(_XML_LANG) is None],
        "sector": lambda: [t for t in node.iterfind("transaction") if t.find("sector") is None],
        "currency": lambda: [v for tag in ("value", "forecast", "loan-status")
                             for v in node.iterfind(f".//{tag}") if v.get("currency") is None],
    }.get(case["all"], list)()
    return {"node": lacking[0]} if lacking else None


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def date_order(node, case, now):
    less, more = _date(node, case["less"], now), _date(node, case["more"], now)
    if less is None or more is None or less[0] <= more[0]:
        return None  # equal dates are in order; a missing date is not this rule's business
    return {"less": less[0].isoformat(), "more": more[0].isoformat(), "node": less[1]}


def date_now(node, case, now):
    for match in _select(node, case["date"]):
        try:
            moment = datetime.datetime.fromisoformat(_text(match).strip())
        except ValueError:
            return None
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
        return None if moment <= now else {"date": moment.date().isoformat(), "node": match}
    return None


def _regex(node, case, must_match: bool):
    pattern = re.compile(case["regex"])
    for match in _matches(node, case):
        text = _text(match)
        if text and bool(pattern.search(text)) != must_match:
            return {"node": match, "value": text}
    return None


def regex_matches(node, case, now):
    return _regex(node, case, True)


def regex_no_matches(node, case, now):
    return _regex(node, case, False)


def no_spaces(node, case, now):
    for match in _matches(node, case):
        text = _text(match)
        if text != text.strip():
            return {"node": match, "value": text.strip()}
    return None


def startswith(node, case, now):
    separator = case.get("separator", "")
    if case.get("prefix") == ["ORG-ID-PREFIX"]:
        known = getattr(settings, "PONTIS_IATI_ORG_ID_PREFIXES", None)
        if not known:
            return None  # no list of registered agency codes offline: see the module's docstring
        for match in _matches(node, case):
            text = _text(match)
            if "-".join(text.split("-")[:2]) not in known:
                return {"node": match, "value": text}
        return None
    prefixes = [_text(m) + separator for path in case.get("prefix", []) for m in _select(node, path)]
    for match in _matches(node, case):
        text = _text(match)
        if not any(text.startswith(prefix) for prefix in prefixes):
            return {"node": match, "value": text}
    return None


def unique(node, case, now):
    seen = set()
    for match in _matches(node, case):
        text = _text(match)
        if text in seen:
            return {"node": match, "value": text}
        seen.add(text)
    return None


def strict_sum(node, case, now):
    found = _matches(node, case)
    try:
        total = sum((Decimal(_text(m).strip()) for m in found), Decimal(0))
    except InvalidOperation:
        return None  # a percentage that is not a number: the schema layer says so
    if total == Decimal(str(case["sum"])):
        return None
    return {"sum": total, "node": found[0] if found else None}


def sum_(node, case, now):
    return strict_sum(node, case, now) if _matches(node, case) else None


def range_(node, case, now):
    for match in _matches(node, case):
        try:
            value = Decimal(_text(match).strip())
        except InvalidOperation:
            continue
        low = Decimal(str(case["min"])) if "min" in case else value
        high = Decimal(str(case["max"])) if "max" in case else value
        if not low <= value <= high:
            return {"node": match, "value": value}
    return None


def if_then(node, case, now):
    if not _true(node, case["if"]) or _true(node, case["then"]):
        return None
    found = _matches(node, case)
    return {"node": found[0], "value": _value(found[0])} if found else {}


def time_limit(node, case, now):
    start, end = _date(node, case["start"], now), _date(node, case["end"], now)
    if start is None or end is None or (end[0] - start[0]).days <= 365:
        return None
    return {"less": start[0].isoformat(), "more": end[0].isoformat(), "node": end[1]}


def between_dates(node, case, now):
    moment = _date(node, case["date"], now)
    start, end = _date(node, case["start"], now), _date(node, case["end"], now)
    if moment is None or start is None or end is None or start[0] <= moment[0] <= end[0]:
        return None
    return {"date": moment[0].isoformat(), "node": moment[1]}


RULE_TYPES = {
    "atleast_one": atleast_one, "no_more_than_one": no_more_than_one, "one_or_all": one_or_all,
    "date_order": date_order, "date_now": date_now, "regex_matches": regex_matches,
    "regex_no_matches": regex_no_matches, "no_spaces": no_spaces, "startswith": startswith, "unique": unique,
    "strict_sum": strict_sum, "sum": sum_, "range": range_, "if_then": if_then, "time_limit": time_limit,
    "between_dates": between_dates,
}


def _substitute(value, replacement: str):
    if isinstance(value, str):
        return value.replace("$1", replacement)
    if isinstance(value, list):
        return [_substitute(item, replacement) for item in value]
    return value


def _loop(node, case):
    """The (rule type, case, value) a loop stands for: one per distinct value of ``foreach``."""
    values = list(dict.fromkeys(_text(v) for v in _select(node, case["foreach"])))
    for rule_type, body in case.get("do", {}).items():
        for sub_case in body.get("cases", []):
            for value in values:
                if "'" in value:
                    continue  # cannot be quoted in XPath; the codelist layer refuses such a vocabulary
                yield rule_type, {k: _substitute(v, value) for k, v in sub_case.items() if k != "ruleInfo"} | {
                    "ruleInfo": sub_case["ruleInfo"]}, value


def _run(node, rule_type: str, case: dict, now, vocabulary: str | None) -> Problem | None:
    check = RULE_TYPES.get(rule_type)
    if check is None or "ruleInfo" not in case:
        return None
    try:
        if "condition" in case and not _true(node, case["condition"]):
            return None
        details = check(node, case, now)
    except etree.XPathError:
        return None  # an expression this document cannot answer; the other layers report the cause
    if details is None:
        return None
    details.setdefault("vocabulary", vocabulary or "1")
    info = case["ruleInfo"]
    return rule_problem(info["id"], info, details, node)


def check_activity(activity, now: datetime.datetime | None = None) -> list[Problem]:
    """Every case of the Standard Ruleset that one <iati-activity> breaks, in the ruleset's order."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = now.replace(tzinfo=datetime.UTC)
    problems = []
    for relative, rule_type, case in activity_cases():
        contexts = [activity] if relative == "." else _select(activity, relative)
        for context in contexts:
            if rule_type == "loop":
                runs = list(_loop(context, case))
            else:
                runs = [(rule_type, case, None)]
            for sub_type, sub_case, value in runs:
                problem = _run(context, sub_type, sub_case, now, value)
                if problem is not None and problem not in problems:
                    problems.append(problem)
    return problems
