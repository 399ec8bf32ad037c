"""Registrations of the library part of the knowledge app (navigation, panels), called from apps.ready()."""

from __future__ import annotations

from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.once import new_key
from pontis.core.permissions import can

from ..action_page import library_items_of_action
from ..forms import CaseStudyFromActionForm
from ..models import LibraryItem

# The one-time key the form is first rendered with, replaced by a fresh key on each page (a key ``new_key`` never
# gives: a random UUID's hex has its version digit, 4, in it).
_KEY_MARK = "0" * 32
_form_html: dict[str, str] = {}  # language -> the empty publish form as ``{{ form }}`` renders it


def case_study_form_html() -> str:
    """The empty publish form, exactly as ``{{ form }}`` renders ``CaseStudyFromActionForm``, with a fresh one-time
    key. Its labels and choices change with the language only, so it is rendered once per language and process
    (three fields and six widget templates were a tenth of a completed Action's page)."""
    language = translation.get_language()
    html = _form_html.get(language)
    if html is None:
        html = _form_html[language] = str(CaseStudyFromActionForm(auto_id="case-study-%s",
                                                                   initial={"idempotency_key": _KEY_MARK}))
    return mark_safe(html.replace(f'value="{_KEY_MARK}"', f'value="{new_key()}"'))


def action_library_panel(request, action) -> dict | None:
    """On an Action's page: the library items that came from it (those the reader may see) and, for staff on a
    completed Action, the one-step form that publishes a case study from it."""
    items = library_items_of_action(request.user, action)
    may_publish = action.status == "completed" and can(request.user, "create", LibraryItem)
    if not items and not may_publish:
        return None
    return {"template": "knowledge/library/_action_panel.html", "items": items, "action": action,
            "form_html": case_study_form_html() if may_publish else None}


def register():
    registry.nav(_("Library"), "library:list", public=True, order=60)
    registry.detail_panel("actions.Action", action_library_panel, order=50)
