"""The respondents' form: its fields come from the frozen version, so it is read by hand rather than by a
Django ``Form`` class (one field per question key, checkboxes as lists)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RATING_LABELS = {
    1: _("1 – Very poor"), 2: _("2 – Poor"), 3: _("3 – Fair"), 4: _("4 – Good"), 5: _("5 – Very good"),
}
KNOWLEDGE_LABELS = {
    1: _("1 – None"), 2: _("2 – Basic"), 3: _("3 – Moderate"), 4: _("4 – Good"), 5: _("5 – Expert"),
}
FIELD_PREFIX = "q-"


def field_name(key: str) -> str:
    return FIELD_PREFIX + key


def answers_from_post(questions: list[dict], data) -> dict:
    """``{key: value}`` from the posted form: checkboxes as a list, everything else as the text posted (the
    service validates; an empty field is left out)."""
    answers = {}
    for question in questions:
        name = field_name(question["key"])
        if question["type"] == "multiple":
            values = [v for v in data.getlist(name) if v]
            if values:
                answers[question["key"]] = values
        else:
            value = data.get(name, "")
            if value.strip():
                answers[question["key"]] = value if question["type"] == "text" else value.strip()
    return answers


def form_rows(questions: list[dict], answers: dict, errors: dict) -> list[dict]:
    """What the template shows for each question: its field name, options (with labels), the current value and its
    error."""
    rows = []
    for number, question in enumerate(questions, start=1):
        kind = question["type"]
        value = answers.get(question["key"])
        if kind in ("rating", "knowledge"):
            labels = RATING_LABELS if kind == "rating" else KNOWLEDGE_LABELS
            options = [{"value": str(n), "label": labels[n], "checked": str(value) == str(n)} for n in range(1, 6)]
        elif kind in ("single", "multiple"):
            chosen = value if isinstance(value, list) else [value]
            options = [{"value": c["value"], "label": c["label"], "checked": c["value"] in chosen}
                       for c in question["choices"]]
        else:
            options = []
        rows.append({**question, "number": number, "name": field_name(question["key"]), "options": options,
                     "value": value if isinstance(value, str) else "", "error": errors.get(question["key"]),
                     "id": f"question-{question['key']}"})
    return rows
