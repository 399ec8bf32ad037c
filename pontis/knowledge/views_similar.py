"""Similar elsewhere: the panel as an htmx partial, and the staff's pin, "not relevant" and reset buttons.

Thin: the source is fetched through ``similar.source_object`` (404 for one the reader may not see), the writes go
through ``similar.similar_mark_set`` / ``similar_mark_clear``. Each button answers the refreshed panel to htmx, and a
redirect back to the source's page to a browser without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.http import require_POST
from pontis.core.permissions import permission_required, public

from . import similar
from .models import SimilarMark
from .wiring.similar import PANEL_TEMPLATE, panel_context


def _source_url(kind: str, obj) -> str:
    if kind == "request":
        return reverse("intake:detail", args=[obj.pk])
    if kind == "action":
        return reverse("actions:detail", args=[obj.code])
    return reverse("library:detail", args=[obj.slug])


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _panel_response(request, kind: str, obj, *, error: str = ""):
    panel = panel_context(request, kind, obj)
    if error:
        panel["error"] = error
    return render(request, PANEL_TEMPLATE, {"panel": panel})


def _answer(request, kind, obj, exc: DomainError | None, done: str):
    if _is_htmx(request):
        return _panel_response(request, kind, obj, error=str(exc.message) if exc else "")
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(_source_url(kind, obj) + "?similar=1#similar-elsewhere")


@public
def panel(request, kind, pk):
    """The panel alone (htmx refreshes it in place); a source the reader may not see answers 404."""
    obj = similar.source_object(request.user, kind, pk)
    return _panel_response(request, kind, obj)


def _mark(request, kind, pk, mark: str, done: str):
    obj = similar.source_object(request.user, kind, pk)
    try:
        similar.similar_mark_set(by=request.user, source_kind=kind, source_id=obj.pk, mark=mark,
                                 target_kind=request.POST.get("target_kind", ""),
                                 target_id=request.POST.get("target_id", ""))
    except DomainError as exc:
        return _answer(request, kind, obj, exc, done)
    return _answer(request, kind, obj, None, done)


@permission_required(SimilarMark, "create")
@require_POST
def pin(request, kind, pk):
    return _mark(request, kind, pk, SimilarMark.Mark.PINNED, _("The suggestion is pinned: it comes first."))


@permission_required(SimilarMark, "create")
@require_POST
def dismiss(request, kind, pk):
    return _mark(request, kind, pk, SimilarMark.Mark.DISMISSED,
                 _("The suggestion is marked as not relevant and no longer shown here."))


@permission_required(SimilarMark, "delete")
@require_POST
def reset(request, kind, pk):
    """Un-pin one suggestion (``target_kind`` and ``target_id`` given), or forget every pin and dismissal of the
    source, after a confirmation (the staff's judgement is lost)."""
    obj = similar.source_object(request.user, kind, pk)
    target_kind, target_id = request.POST.get("target_kind", ""), request.POST.get("target_id", "")
    whole = not target_kind and not target_id
    if whole and not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Show every suggestion again?"),
            consequences=[_("Every pin on this page is removed."),
                          _("Suggestions marked as not relevant can be suggested again.")],
            button=_("Forget the pins and dismissals"),
            cancel_url=_source_url(kind, obj) + "#similar-elsewhere",
        )
    try:
        similar.similar_mark_clear(by=request.user, source_kind=kind, source_id=obj.pk, target_kind=target_kind,
                                   target_id=target_id or None)
    except DomainError as exc:
        return _answer(request, kind, obj, exc, "")
    done = _("Every suggestion can be shown again.") if whole else _("The suggestion is no longer pinned.")
    return _answer(request, kind, obj, None, done)
