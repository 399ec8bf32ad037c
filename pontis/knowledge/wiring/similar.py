"""Registrations of the similar part of the knowledge app (navigation, panels, demo data), called from apps.ready().

"Similar elsewhere" panels on the request page (staff, and the requesting focal point on their own request), the
Action page and a library item's page. The actions app's complementarity panel lists Actions in the same countries;
this one is its complement: what was done in other countries, with the reasons.
"""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from pontis.core import registry
from pontis.core.awaiting import url_of_code
from pontis.core.markup import escaped
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
    return escaped(formats.localize(value))


def _join(values) -> str:
    """``{{ values|join:", " }}``: each value escaped."""
    return ", ".join([escaped(v) for v in values])


class _Values:
    """``_value`` of the numbers of one panel, each worked out once (weights, years and counts repeat)."""

    def __init__(self):
        self.seen = {}

    def __call__(self, value) -> str:
        key = (type(value), value)
        text = self.seen.get(key)
        if text is None:
            text = self.seen[key] = _value(value)
        return text


def _labels(labels: dict) -> dict:
    """Each lazy label of ``labels`` translated and escaped, once per panel."""
    return {code: escaped(str(label)) for code, label in labels.items()}


def suggestion_rows_html(panel: dict, csrf_token: str) -> SafeString:
    """The suggestions as ``_panel.html``'s ``{% for %}`` loop wrote them, each label translated once per panel
    (ten suggestions with three forms, a dozen tags and filters each were two thirds of the panel's cost), each
    number localised once and each address of a kind reversed once.
    ``csrf_token``: the form key of the page (staff's buttons only)."""
    esc = escaped
    value = _Values()
    csrf = (format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
            if csrf_token else "")
    pinned_label, why = esc(gettext("Pinned")), esc(gettext("Why it is suggested"))
    experts_label = esc(gettext("Experts:"))
    unpin, pin, not_relevant = esc(gettext("Un-pin")), esc(gettext("Pin")), esc(gettext("Not relevant"))
    score_text = gettext("Score %(score)s")
    kind_labels, reason_labels = _labels(similar.KIND_LABELS), _labels(similar.REASON_LABELS)
    action_url, library_url = url_of_code("actions:detail"), url_of_code("library:detail")
    dom_id = esc(panel["dom_id"])
    urls = {name: esc(panel[name]) for name in ("pin_url", "dismiss_url", "reset_url")}
    may_mark = panel["may_mark"]
    rows = []
    for s in panel["suggestions"]:
        obj = s.obj
        title, kind = esc(s.title), esc(s.kind)
        is_action = s.kind == "action"
        head = f'<span class="status status--ok">{pinned_label}</span>' if s.pinned else ""
        url = action_url(obj.code) if is_action else library_url(obj.slug)  # ``similar.target_url``
        if url:
            code = f"{esc(obj.code)} " if is_action else ""
            link = f'<a href="{esc(url)}">{code}{title}</a>'
        else:
            link = title
        where = _join(s.countries) or "—"
        if s.year:
            where += f" · {value(s.year)}"
        reasons = ""
        if s.reasons:
            items = "".join([
                f'<li class="similar__reason">{reason_labels[r.code]}{": " + _join(r.things) if r.things else ""} '
                f'<span class="similar__weight">+{value(r.weight)}</span></li>' for r in s.reasons])
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
                        "n": value(count)}
            else:
                experts = " · " + ngettext("%(n)s expert", "%(n)s experts", count) % {"n": value(count)}
        score = score_text % {"score": value(s.score)}
        buttons = ""
        if may_mark:
            hidden = (f'<input type="hidden" name="target_kind" value="{kind}"><input type="hidden" name="target_id" '
                      f'value="{value(obj.pk)}">')
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
            f'\n        <span class="status">{kind_labels.get(s.kind, "")}</span>\n        {head}\n        {link}\n      </p>\n'
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
