"""Registrations of the similar part of the knowledge app (navigation, panels, demo data), called from apps.ready().

"Similar elsewhere" panels on the request page (staff, and the requesting focal point on their own request), the
Action page and a library item's page. The actions app's complementarity panel lists Actions in the same countries;
this one is its complement: what was done in other countries, with the reasons.
"""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.permissions import can

from .. import similar
from ..models import SimilarMark

PANEL_TEMPLATE = "knowledge/similar/_panel.html"


def panel_context(request, kind: str, obj) -> dict:
    """The panel's context for ``obj`` (which the reader may see and be shown suggestions for)."""
    user = request.user
    source = similar.build_source(kind, obj)
    suggestions = similar.suggestions_for(user, source)
    may_mark = can(user, "create", SimilarMark)
    marked = 0
    if may_mark:
        pinned, dismissed = similar.marks_of(source)  # already read for the suggestions: one mark per target
        marked = len(pinned) + len(dismissed)
    panel = {
        "placement": "side", "template": PANEL_TEMPLATE, "title": _("Similar elsewhere"),
        "kind": kind, "source_id": obj.pk, "dom_id": f"similar-elsewhere-{kind}-{obj.pk}",
        "suggestions": suggestions, "may_mark": may_mark, "marked": marked,
        "url": reverse("similar:panel", args=[kind, obj.pk]),
        "pin_url": reverse("similar:pin", args=[kind, obj.pk]),
        "dismiss_url": reverse("similar:dismiss", args=[kind, obj.pk]),
        "reset_url": reverse("similar:reset", args=[kind, obj.pk]),
    }
    panel["rows_html"] = suggestion_rows_html(panel, get_token(request) if may_mark else "")
    return panel


def _value(value) -> str:
    """A number or text as ``{{ value }}`` writes it: localised, then escaped."""
    return conditional_escape(formats.localize(value))


def _join(values) -> str:
    """``{{ values|join:", " }}``: each value escaped."""
    return ", ".join(conditional_escape(v) for v in values)


def suggestion_rows_html(panel: dict, csrf_token: str) -> SafeString:
    """The suggestions as ``_panel.html``'s ``{% for %}`` loop wrote them, each label translated once per panel
    (ten suggestions with three forms, a dozen tags and filters each were two thirds of the panel's cost).
    ``csrf_token``: the form key of the page (staff's buttons only)."""
    esc = conditional_escape
    csrf = (format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
            if csrf_token else "")
    pinned_label, why = esc(gettext("Pinned")), esc(gettext("Why it is suggested"))
    experts_label = esc(gettext("Experts:"))
    unpin, pin, not_relevant = esc(gettext("Un-pin")), esc(gettext("Pin")), esc(gettext("Not relevant"))
    dom_id = esc(panel["dom_id"])
    urls = {name: esc(panel[name]) for name in ("pin_url", "dismiss_url", "reset_url")}
    rows = []
    for s in panel["suggestions"]:
        title, kind = esc(s.title), esc(s.kind)
        head = f'<span class="status status--ok">{pinned_label}</span>' if s.pinned else ""
        if s.url:
            code = f"{esc(s.obj.code)} " if s.kind == "action" else ""
            link = f'<a href="{esc(s.url)}">{code}{title}</a>'
        else:
            link = title
        where = _join(s.countries) or "—"
        if s.year:
            where += f" · {_value(s.year)}"
        reasons = ""
        if s.reasons:
            items = "".join(
                f'<li class="similar__reason">{esc(r.label)}{": " + _join(r.things) if r.things else ""} '
                f'<span class="similar__weight">+{_value(r.weight)}</span></li>' for r in s.reasons)
            reasons = (f'\n      <ul class="similar__reasons" aria-label="{why}">\n        {items}\n      </ul>\n'
                       f'      ')
        count = s.experts.get("count")
        experts = ""
        if count:
            names = s.experts.get("names") or []
            if names:
                experts = f" · {experts_label} {_join(names)}"
                if count > len(names):
                    experts += " " + ngettext("(%(n)s expert in all)", "(%(n)s experts in all)", count) % {
                        "n": _value(count)}
            else:
                experts = " · " + ngettext("%(n)s expert", "%(n)s experts", count) % {"n": _value(count)}
        score = gettext("Score %(score)s") % {"score": _value(s.score)}
        buttons = ""
        if panel["may_mark"]:
            hidden = (f'<input type="hidden" name="target_kind" value="{kind}"><input type="hidden" name="target_id" '
                      f'value="{_value(s.obj.pk)}">')
            url, label = (urls["reset_url"], unpin) if s.pinned else (urls["pin_url"], pin)
            buttons = (
                f'\n      <div class="similar__buttons">\n        \n        <form method="post" action="{url}" '
                f'class="inline-form" hx-post="{url}" hx-target="#{dom_id}" hx-swap="outerHTML">{csrf}\n          '
                f'{hidden}\n          <button class="button button--secondary button--small" type="submit">{label}'
                f'<span class="visually-hidden">: {title}</span></button>\n        </form>\n        \n        '
                f'<form method="post" action="{urls["dismiss_url"]}" class="inline-form" hx-post="{urls["dismiss_url"]}" '
                f'hx-target="#{dom_id}" hx-swap="outerHTML">{csrf}\n          {hidden}\n          <button class="button '
                f'button--secondary button--small" type="submit">{not_relevant}<span class="visually-hidden">: {title}'
                f'</span></button>\n        </form>\n      </div>\n      ')
        rows.append(
            f'\n    <li class="similar__item{" similar__item--pinned" if s.pinned else ""}">\n      <p class="similar__head">'
            f'\n        <span class="status">{esc(s.kind_label)}</span>\n        {head}\n        {link}\n      </p>\n'
            f'      <p class="small muted similar__where">{where}</p>\n      {reasons}\n      <p class="small similar__score">'
            f'{score}\n        {experts}</p>\n      {buttons}\n    </li>\n    ')
    return mark_safe("".join(rows))  # noqa: S308  every piece is escaped above


LAZY_TEMPLATE = "knowledge/similar/_lazy.html"


def _panel(kind):
    def panel(request, obj):
        if not similar.may_see_panel(request.user, kind, obj):
            return None
        if request.GET.get("similar"):  # asked for in the page itself (no JavaScript, or back from a mark)
            return panel_context(request, kind, obj)
        # The page does not wait for the suggestions (a few hundred milliseconds on a large facility): the panel
        # fetches them once the page is shown.
        return {"placement": "side", "template": LAZY_TEMPLATE, "title": _("Similar elsewhere"),
                "dom_id": f"similar-elsewhere-{kind}-{obj.pk}", "url": reverse("similar:panel", args=[kind, obj.pk])}

    panel.__name__ = f"similar_{kind}_panel"
    return panel


request_panel = _panel("request")
action_panel = _panel("action")
item_panel = _panel("practice")


def register():
    registry.detail_panel("intake.Request", request_panel, order=150)
    registry.detail_panel("actions.Action", action_panel, order=150)
    registry.detail_panel("knowledge.LibraryItem", item_panel, order=150)
