"""The questionnaire templates shipped with Pontis (``pontis/feedback/data/templates.yaml``).

``templates_load()`` is idempotent: it creates the templates that are missing (by ``template_code``) and leaves
existing ones as they are, so that staff's own edits to a template survive; ``refresh=True`` rewrites the shipped
templates' questions from the file (a template has no responses, so nothing is lost but those edits). Called by
``manage.py load_questionnaire_templates``, the demo loader and, when none exists, the builder's template list.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from pontis.core import audit
from pontis.core.models import EvaluationCriterion

from ..models import Choice, Question, Questionnaire

TEMPLATES_FILE = Path(__file__).resolve().parent.parent / "data" / "templates.yaml"


def templates_data() -> list[dict]:
    with TEMPLATES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["templates"]


def _fill(template: Questionnaire, spec: dict, criteria: dict) -> None:
    for order, q in enumerate(spec["questions"], start=1):
        question = Question.objects.create(
            questionnaire=template, key=q["key"], order=order, type=q["type"], text=q["text"], help=q.get("help") or {},
            required=q.get("required", True), criterion=criteria.get(q.get("criterion") or ""),
            level=q.get("level") or "", pair=q.get("pair") or "", phase=q.get("phase") or "")
        Choice.objects.bulk_create([
            Choice(question=question, value=str(c["value"]), order=n, label=c["label"])
            for n, c in enumerate(q.get("choices") or [], start=1)])


@transaction.atomic
def templates_load(*, refresh: bool = False) -> int:
    """Create the shipped templates that do not exist yet (``refresh``: rewrite the existing ones too).
    Answers how many were created or rewritten. Safe to run any number of times."""
    criteria = {c.code: c for c in EvaluationCriterion.objects.all()}
    languages = [code for code, _name in settings.LANGUAGES]
    existing = {q.template_code: q for q in Questionnaire.objects.filter(is_template=True).exclude(template_code="")}
    done = 0
    for spec in templates_data():
        template = existing.get(spec["code"])
        fields = {"title": spec["title"], "intro": spec.get("intro") or {}, "purpose": spec["purpose"],
                  "anonymity": spec["anonymity"], "languages": languages}
        if template is None:
            template = Questionnaire.objects.create(is_template=True, template_code=spec["code"], **fields)
            audit.record_create(template, note="shipped template")
        elif refresh:
            for name, value in fields.items():
                setattr(template, name, value)
            template.save()
            template.questions.all().delete()
            audit.record(template, action="update", note="shipped template refreshed")
        else:
            continue
        _fill(template, spec, criteria)
        done += 1
    return done


def templates_ensure() -> None:
    """Load the templates when none exists (the builder's template list opens with them)."""
    if not Questionnaire.objects.filter(is_template=True).exists():
        templates_load()
