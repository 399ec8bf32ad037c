"""Checks an IATI 2.03 activity in three layers before anything is published.

1. **schema**: the 2.03 XSD (``data/iati-activities-schema.xsd``), read once per process. One activity is checked
   inside an ``<iati-activities version="2.03">`` wrapper, as it will be published.
2. **codelist**: every code attribute against IATI's codelists (``codelists.py``).
3. **rule**: IATI's Standard Ruleset (``rules.py``): percentages summing to 100, dates in order, no actual start
   in the future, narratives where vocabularies need them, identifier characters...

``validate_activity(element)`` and ``validate_file(root)`` return ``Problem``\\ s (``messages.Problem``): the
layer, the rule, where in the XML, the Action field to fix and a message in the active language. An empty list
means the activity can be published.
"""

from __future__ import annotations

import copy
import functools
import threading
from pathlib import Path

from django.utils import timezone
from lxml import etree

from . import codelists, rules
from .messages import Problem, field_for, field_for_tag, missing_element, schema_kind, schema_message

__all__ = ["Problem", "validate_activity", "validate_file", "schema"]

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "iati-activities-schema.xsd"
VERSION = "2.03"
_lock = threading.Lock()


@functools.cache
def schema() -> etree.XMLSchema:
    """The 2.03 activity schema, parsed once per process (it imports ``xml.xsd`` from the same folder)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def _schema_problems(document, locate) -> list[Problem]:
    """Problems for the schema errors of a document; ``locate(path)`` gives (XPath to show, node or None)."""
    checker = schema()
    with _lock:  # an XMLSchema's error log belongs to the object: one validation at a time
        checker.validate(document)
        errors = list(checker.error_log)
    problems = []
    for error in errors:
        shown, node = locate(error.path or "")
        field = field_for(node) if node is not None else ""
        missing = missing_element(error.message, node)
        if missing:  # "title is not expected" when the record has no title: the title is the field to fix
            holder = node if "Missing child" in error.message else node.getparent()
            field = field_for_tag(missing) if holder.tag == "iati-activity" else field
        elif "This element is not expected" in error.message:
            field = ""  # an element out of order: a fault of the export, not of the Action
        problem = Problem(
            layer="schema", rule=schema_kind(error.type_name), xpath=shown, field=field,
            message=schema_message(error.message, node),
        )
        if problem not in problems:
            problems.append(problem)
    return problems


def _find(document, path: str):
    if not path:
        return None
    try:
        found = document.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if isinstance(found, list) and found else None


def schema_problems_of_activity(activity) -> list[Problem]:
    """The XSD's verdict on one activity, wrapped in an ``<iati-activities>`` root as it will be published."""
    root = etree.Element("iati-activities", version=VERSION,
                         **{"generated-datetime": timezone.now().replace(microsecond=0).isoformat()})
    root.append(copy.deepcopy(activity))
    wrapper = etree.ElementTree(root)
    own = activity.getroottree().getpath(activity)

    def locate(path):
        prefix = "/iati-activities/iati-activity"
        if not path.startswith(prefix):
            return own, activity
        inside = path[len(prefix):]
        return own + inside, (_find(activity, "." + inside) if inside else activity)

    return _schema_problems(wrapper, locate)


def validate_activity(element) -> list[Problem]:
    """All three layers for one ``<iati-activity>``: schema, then codelists, then rules."""
    return (
        schema_problems_of_activity(element)
        + codelists.check_activity(element)
        + rules.check_activity(element)
    )


def validate_file(root) -> list[Problem]:
    """All three layers for a whole ``<iati-activities>`` file (each Problem's xpath names its activity)."""
    tree = root.getroottree()
    problems = _schema_problems(tree, lambda path: (path, _find(tree, path)))
    problems += codelists.check_file(root)
    for activity in root.iterfind("iati-activity"):
        problems += rules.check_activity(activity)
    return problems
