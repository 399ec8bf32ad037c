"""Confirmation pages for irreversible steps (the GOV.UK pattern: say what will happen, then a red button).

A view that does something that cannot be undone (anonymise, reject, withdraw, cancel, close, delete, revoke,
deactivate) is posted to twice: the first POST, from the object's page, only shows the confirmation page; the
page's form posts the same fields again with ``confirmed=1``, and only then does the view call its service. A stray
click, or a form replayed without the confirmation, therefore changes nothing.

    from pontis.core.confirm import confirm_page, is_confirmed

    @permission_required(ExpertProfile, "anonymise")
    @require_POST
    def anonymise(request, pk):
        profile = get_visible_or_404(request.user, ExpertProfile, pk=pk)
        if not is_confirmed(request):
            return confirm_page(
                request,
                title=_("Anonymise this expert?"),
                consequences=[_("Their name, contact details and CV are removed."), ...],
                button=_("Anonymise the expert"),
                cancel_url=reverse("experts:profile", args=[pk]),
            )
        services.profile_anonymise(profile=profile, by=request.user)
        ...

The confirmation form posts back to the page's own address unless ``action_url`` says otherwise, and carries the
fields of the first POST (a reason typed on the object's page) as hidden fields (``carry`` names them; by default
every posted field but the CSRF token and ``confirmed``). ``summary`` shows (label, value) pairs, such as the
reason, so the person sees what they are about to send.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.http import HttpResponse
from django.shortcuts import render, resolve_url

from pontis.core.http import is_safe_next

CONFIRM_FIELD = "confirmed"
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def is_confirmed(request) -> bool:
    """True when this POST comes from the confirmation page (``confirmed=1``)."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def confirm_page(
    request,
    *,
    title: str,
    consequences: Iterable[str],
    button: str,
    cancel_url: str,
    action_url: str | None = None,
    intro: str = "",
    summary: Iterable[tuple[str, str]] = (),
    carry: Iterable[str] | None = None,
    extra: Mapping[str, str] | None = None,
    caption: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render ``core/confirm.html``: the title, what will happen (a list), a danger button and a "Cancel" link.

    ``cancel_url`` must stay on this site (else the home page). ``carry`` names the posted fields to
    send again (default: all but the CSRF token and ``confirmed``); ``extra`` adds hidden fields of its own.
    """
    if carry is None:
        names = [name for name in request.POST if name not in _NOT_CARRIED]
    else:
        names = [name for name in carry if name not in _NOT_CARRIED]
    hidden = [(name, value) for name in names for value in request.POST.getlist(name)]
    hidden += [(name, value) for name, value in (extra or {}).items() if name not in _NOT_CARRIED]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "caption": caption,
            "intro": intro,
            "consequences": [str(c) for c in consequences],
            "summary": [(str(label), value) for label, value in summary],
            "button": button,
            "action_url": action_url or request.get_full_path(),
            "cancel_url": _same_site(request, cancel_url),
            "hidden": hidden,
            "confirm_field": CONFIRM_FIELD,
        },
        status=status,
    )


def _same_site(request, url: str) -> str:
    """The cancel link stays on this site (a URL built by the view, checked anyway)."""
    return url if is_safe_next(request, url) else resolve_url("core:home")
