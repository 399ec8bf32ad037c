"""Registrations of the builder part of the feedback app with core.registry (menu, panels, demo loaders, tasks)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.permissions import can
from pontis.core.templatetags.pontis import tr

from ..models import Questionnaire
from ..selectors.action_page import action_panel_rows
from ..selectors.builder import questionnaires_for_target
from ..services.templates import templates_load

# A questionnaire of the panel, as feedback/builder__panel.html wrote it in its loop (a test compares the two in the
# five languages, with hostile text).
_ITEM = ('<li><a href="{url}">{title}</a>\n<span class="small">({purpose} · <span class="status{css}">{status}</span>'
         '{version}{activity})</span></li>')
_STATUS_CSS = {"open": " status--ok", "draft": " status--warn"}
_URL_PK = 2147483647  # a number no other part of the address holds: the address is reversed once per panel


def questionnaire_items(rows, target_name: str) -> SafeString:
    """The list items of the questionnaires panel from plain rows ``(pk, title, purpose, status, latest version
    number or None, activity label or None)``, each label translated once per panel; the activity is shown on an
    Action's panel only."""
    if not rows:
        return SafeString("")
    prefix, suffix = (conditional_escape(part) for part in
                      reverse("feedback:builder_detail", args=[_URL_PK]).split(str(_URL_PK), 1))
    choices = {name: dict(Questionnaire._meta.get_field(name).flatchoices) for name in ("purpose", "status")}
    labels: dict = {}

    def label(name, value):
        """``get_<name>_display()``, escaped, translated once per panel."""
        if (name, value) not in labels:
            labels[(name, value)] = conditional_escape(str(choices[name].get(value, value)))
        return labels[(name, value)]

    version_text = None
    items = []
    for pk, title, purpose, status, latest, activity in rows:
        version = ""
        if latest:
            if version_text is None:
                version_text = gettext("version %(n)s")
            version = " · " + version_text % {"n": conditional_escape(str(localize(latest)))}
        items.append(_ITEM.format(
            url=f"{prefix}{pk}{suffix}", title=conditional_escape(tr(title)), purpose=label("purpose", purpose),
            css=_STATUS_CSS.get(status, ""), status=label("status", status), version=version,
            activity=f" · {conditional_escape(activity)}" if activity and target_name == "action" else ""))
    return SafeString("".join(items))


def activity_questionnaires_panel(request, activity) -> dict | None:
    """On an activity's page, for staff: its questionnaires with their status, and a link to create one."""
    if not can(request.user, "view", Questionnaire):
        return None
    questionnaires = questionnaires_for_target(request.user, activity=activity)
    rows = [(q.pk, q.title, q.purpose, q.status, q.latest_version, None) for q in questionnaires]
    return {"template": "feedback/builder__panel.html", "target_name": "activity", "target": activity,
            "questionnaires": questionnaires, "items": questionnaire_items(rows, "activity"),
            "may_create": can(request.user, "create", Questionnaire)}


def action_questionnaires_panel(request, action) -> dict | None:
    """On an Action's page, for staff: the questionnaires about the Action, its activities and its follow-ups."""
    found = action_panel_rows(request.user, action)
    if found is None:
        return None
    questionnaires, follow_ups = found
    return {"template": "feedback/builder__panel.html", "target_name": "action", "target": action,
            "questionnaires": questionnaires, "items": questionnaire_items(questionnaires, "action"),
            "follow_ups": [{"pk": pk, "months": months} for pk, months in follow_ups],
            "may_create": can(request.user, "create", Questionnaire)}


def load_demo_templates(stdout) -> str:
    created = templates_load()
    return f"{created} questionnaire templates created"


def register() -> None:
    registry.nav(_("Feedback"), "feedback:builder_list", order=62)  # after Meetings (60); the page's gate: staff
    registry.detail_panel("actions.Activity", activity_questionnaires_panel, order=70)
    registry.detail_panel("actions.Action", action_questionnaires_panel, order=70)
    registry.demo_loader("feedback-templates", load_demo_templates, order=55)
