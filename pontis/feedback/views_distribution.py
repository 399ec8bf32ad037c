"""Staff pages that send a questionnaire and read what came back: response rates, who has not answered,
invitations, reminders (with confirmation), the QR code (on screen and on A4) and the responses table and export.
"""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.exports import export_response
from pontis.core.http import require_POST
from pontis.core.once import new_key
from pontis.core.permissions import can, permission_required

from .models import Invitation, Response
from .permissions_distribution import sees_names
from .selectors import responses as selectors
from .services import invitations as invitation_services
from .services.reminders import reminder_send

PER_PAGE = 50
EMAIL_LINE = re.compile(r"^\s*(?:(?P<name>[^<>,;]*?)\s*<(?P<angle>[^<>\s]+@[^<>\s]+)>|(?P<bare>[^<>\s,;]+@[^<>\s,;]+))\s*$")


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as inline SVG (scales to its box)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - built by qrcode from our own URL


def _people(text: str) -> tuple[list[dict], list[str]]:
    """``Name <e-mail>`` or a bare address per line; answers (people, lines not understood)."""
    people, bad = [], []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = EMAIL_LINE.match(line)
        if match is None:
            bad.append(line.strip()[:100])
            continue
        people.append({"name": (match.group("name") or "").strip(), "email": match.group("angle") or match.group("bare")})
    return people, bad


def _page(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _distribution_page(request, questionnaire, *, people: str = "", problems=(), status: int = 200):
    return render(request, "feedback/distribution_page.html", {
        "questionnaire": questionnaire, "rates": selectors.response_rates(questionnaire),
        "page": _page(request, selectors.invitations_not_answered(questionnaire)),
        "reminders": selectors.reminders_of(questionnaire)[:10],
        "reminder_count": selectors.reminder_recipients(questionnaire).count(),
        "can_invite": can(request.user, "create", Invitation), "can_remind": can(request.user, "remind", Invitation),
        "is_open": questionnaire.status == questionnaire.Status.OPEN,
        "activity_has_meeting": bool(questionnaire.activity_id),
        "reminder_key": new_key(), "people": people, "problems": list(problems),
    }, status=status)


@permission_required(Invitation, "view")
def distribution(request, pk):
    """Response rates, who has not answered, the invitation form and the reminder button."""
    return _distribution_page(request, selectors.questionnaire_for_staff(request.user, pk))


@permission_required(Invitation, "create")
@require_POST
def invite(request, pk):
    """Invite the people typed in (one per line) or every approved participant of the activity's meeting; a
    problem shows the page again with the error summary and what was typed."""
    questionnaire = selectors.questionnaire_for_staff(request.user, pk)
    typed = request.POST.get("people", "")
    people, bad = _people(typed)
    activity = questionnaire.activity if request.POST.get("participants") == "1" else None
    if bad:
        message = _("These lines are not e-mail addresses: %(lines)s") % {"lines": "; ".join(bad)}
        return _distribution_page(request, questionnaire, people=typed,
                                  problems=[{"href": "#people", "message": message}], status=200)
    try:
        invitations = invitation_services.invitations_create(questionnaire=questionnaire, by=request.user,
                                                             people=people, activity=activity)
    except DomainError as exc:
        return _distribution_page(request, questionnaire, people=typed,
                                  problems=[{"href": "#people", "message": str(exc.message)}], status=200)
    messages.success(request, _("%(n)s people are invited; each new invitee gets their personal link by e-mail.")
                     % {"n": len(invitations)})
    return redirect("feedback:distribution", pk=pk)


@permission_required(Invitation, "remind")
@require_POST
def remind(request, pk):
    """Send a reminder round after a confirmation saying how many people will get it."""
    questionnaire = selectors.questionnaire_for_staff(request.user, pk)
    back = reverse("feedback:distribution", args=[pk])
    if not is_confirmed(request):
        count = selectors.reminder_recipients(questionnaire).count()
        return confirm_page(
            request, title=_("Send a reminder?"), caption=str(questionnaire),
            consequences=[_("%(n)s people who have not answered will get an e-mail with their personal link.")
                          % {"n": count},
                          _("An e-mail sent cannot be taken back.")],
            button=_("Send the reminder"), cancel_url=back, carry=["key"])
    try:
        reminder, sent = reminder_send(questionnaire=questionnaire, by=request.user, key=request.POST.get("key"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if sent:
            messages.success(request, _("Reminder %(number)s sent to %(n)s people.") % {"number": reminder.number,
                                                                                     "n": sent})
        else:
            messages.info(request, _("Reminder %(number)s was already sent; nobody got it twice.")
                          % {"number": reminder.number})
    return redirect(back)


def _qr_context(request, questionnaire):
    link = invitation_services.absolute(invitation_services.open_link(questionnaire)) if questionnaire.open_key else ""
    return {"questionnaire": questionnaire, "link": link, "svg": qr_svg(link) if link else "",
            "can_make": can(request.user, "create", Invitation)}


@permission_required(Invitation, "create")
def qr(request, pk):
    """The QR code big on screen (for a projector), with the short link under it."""
    questionnaire = selectors.questionnaire_for_staff(request.user, pk)
    return render(request, "feedback/distribution_qr.html", _qr_context(request, questionnaire))


@permission_required(Invitation, "create")
def qr_print(request, pk):
    """The QR code on an A4 sheet."""
    questionnaire = selectors.questionnaire_for_staff(request.user, pk)
    if not questionnaire.open_key:
        raise Http404
    return render(request, "feedback/distribution_qr_print.html", _qr_context(request, questionnaire))


@permission_required(Invitation, "create")
@require_POST
def qr_make(request, pk):
    questionnaire = selectors.questionnaire_for_staff(request.user, pk)
    try:
        invitation_services.open_key_create(questionnaire=questionnaire, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("feedback:distribution_qr", pk=pk)


@permission_required(Response, "view")
def responses(request, pk):
    """The responses, one column per question key across versions; names only when the policy says so."""
    questionnaire = selectors.questionnaire_for_staff(request.user, pk)
    header, rows = selectors.responses_table(request.user, questionnaire, lang=get_language())
    return render(request, "feedback/distribution_responses.html", {
        "questionnaire": questionnaire, "header": header, "page": _page(request, rows),
        "rates": selectors.response_rates(questionnaire),
        "can_export": can(request.user, "export", Response),
        "names_shown": sees_names(request.user, questionnaire),
    })


@permission_required(Response, "export")
def responses_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    questionnaire = selectors.questionnaire_for_staff(request.user, pk)
    header, rows = selectors.responses_table(request.user, questionnaire, lang=get_language())
    audit.record_access(questionnaire, by=request.user, what=f"responses.{fmt}", action="export")
    return export_response(fmt, header, rows, filename=f"responses-{questionnaire.pk}", sheet="responses")

