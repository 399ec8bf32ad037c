"""The similar panel's rows (``wiring.similar.suggestion_rows_html``) with each value escaped once (``escaped``),
labels translated, numbers localised and addresses reversed once per panel: the same HTML as the function it
replaced (kept below) and as the panel template's loop, in the five languages, with hostile text, numbers that
repeat as different types (1, 1.0, True), thousands, every kind and reason, with and without the staff's buttons.
"""

import pytest
from django.template import Context
from django.test import override_settings
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, override

from pontis.actions.models import Action
from pontis.knowledge.models import LibraryItem
from pontis.knowledge.similar import KIND_LABELS, REASON_LABELS, Reason, Suggestion
from pontis.knowledge.wiring.similar import suggestion_rows_html

from .test_similar_rows import HOSTILE, LANGUAGES, OLD_LOOP, TOKEN

# ---------------------------------------------------------------- the function as it was, to compare with

def _old_value(value) -> str:
    """A number or text as ``{{ value }}`` writes it: localised, then escaped."""
    return conditional_escape(formats.localize(value))


def _old_join(values) -> str:
    """``{{ values|join:", " }}``: each value escaped."""
    return ", ".join(conditional_escape(v) for v in values)


def old_suggestion_rows_html(panel: dict, csrf_token: str) -> SafeString:
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
        where = _old_join(s.countries) or "—"
        if s.year:
            where += f" · {_old_value(s.year)}"
        reasons = ""
        if s.reasons:
            items = "".join(
                f'<li class="similar__reason">{esc(r.label)}{": " + _old_join(r.things) if r.things else ""} '
                f'<span class="similar__weight">+{_old_value(r.weight)}</span></li>' for r in s.reasons)
            reasons = (f'\n      <ul class="similar__reasons" aria-label="{why}">\n        {items}\n      </ul>\n'
                       f'      ')
        count = s.experts.get("count")
        experts = ""
        if count:
            names = s.experts.get("names") or []
            if names:
                experts = f" · {experts_label} {_old_join(names)}"
                if count > len(names):
                    experts += " " + ngettext("(%(n)s expert in all)", "(%(n)s experts in all)", count) % {
                        "n": _old_value(count)}
            else:
                experts = " · " + ngettext("%(n)s expert", "%(n)s experts", count) % {"n": _old_value(count)}
        score = gettext("Score %(score)s") % {"score": _old_value(s.score)}
        buttons = ""
        if panel["may_mark"]:
            hidden = (f'<input type="hidden" name="target_kind" value="{kind}"><input type="hidden" name="target_id" '
                      f'value="{_old_value(s.obj.pk)}">')
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


# ---------------------------------------------------------------- cases


def _suggestions():
    kinds = [k for k in KIND_LABELS if k != "action"]
    codes = list(REASON_LABELS)
    suggestions = []
    for n in range(14):
        pinned = n % 4 == 0
        if n % 3 == 0:
            obj = Action(pk=1000 * n + 7, code=f"20{10 + n}-0{n % 9}", title={"en": f"{HOSTILE} {n}", "ru": "Торговля"})
            kind = "action"
        else:
            obj = LibraryItem(pk=999 + n, kind=kinds[n % len(kinds)], slug=f"item-{n}",
                              title={"fr": "Traite « humaine » & <i>", "es": ""} if n % 2 else {})
            kind = obj.kind
        weights = [1, 1.0, True, 2.5, 1500, 0.25]
        reasons = [Reason(codes[(n + k) % len(codes)], weights[(n + k) % len(weights)],
                          [HOSTILE, "Asile", "Ñandú"][: (n + k) % 4]) for k in range(n % 4)]
        names = ["Ana <b>", "O'Brien", "Zoë & co"][: n % 4]
        count = [0, 1, 3, 1200][n % 4] if n % 5 else len(names)
        suggestions.append(Suggestion(
            kind=kind, obj=obj, score=[12.5, 3, 7.0, 1234.5, True][n % 5], reasons=reasons,
            experts={"names": names, "count": count}, pinned=pinned,
            countries=[["Perú", HOSTILE], [], ["Côte d’Ivoire"]][n % 3], year=[None, 2021, 1999, 0][n % 4]))
    return suggestions


def _panel(may_mark):
    return {"suggestions": _suggestions(), "may_mark": may_mark, "dom_id": 'similar-elsewhere-request-"3"',
            "pin_url": "/similar/request/3/pin/?a=1&b=<2>", "dismiss_url": "/similar/request/3/dismiss/",
            "reset_url": "/similar/request/3/reset/"}


@pytest.mark.parametrize("thousands", [False, True])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("may_mark", [True, False])
def test_the_rows_are_those_the_function_and_the_loop_wrote(lang, may_mark, thousands):
    panel = _panel(may_mark)
    token = TOKEN if may_mark else ""
    with override_settings(USE_THOUSAND_SEPARATOR=thousands), override(lang):
        before = old_suggestion_rows_html(panel, token)
        written = suggestion_rows_html(panel, token)
        loop = OLD_LOOP.render(Context({"panel": panel, "csrf_token": TOKEN}))
    assert written == before
    assert f"<ol>    {written}</ol>" == loop
    assert "<script>" not in written and "&lt;script&gt;" in written and "<b>" not in written
    assert ('name="csrfmiddlewaretoken"' in written) is may_mark


def test_no_suggestions_write_nothing():
    panel = _panel(True)
    panel["suggestions"] = []
    assert suggestion_rows_html(panel, TOKEN) == old_suggestion_rows_html(panel, TOKEN) == ""
