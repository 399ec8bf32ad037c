"""The respondents' pages: a personal link (/feedback/r/<token>/) or a QR code's open link (/feedback/a/<key>/).

No account: the token, or the QR code's key and a device cookie, is the access. The form is kept on the server as a
draft (saved by "Save and continue later" and by the page's autosave) and resumed from the same link or device; it
carries the draft's ``client_id``, so a double tap, a second tab or a retried request stores one response.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pontis.core.errors import Conflict, ValidationFailed
from pontis.core.http import client_ip, require_http_methods
from pontis.core.i18n import translate
from pontis.core.permissions import public

from .forms_respond import answers_from_post, form_rows
from .models import Response
from .selectors import responses as selectors
from .selectors.builder import version_language, version_questions, version_title
from .services import responses as services

DEVICE_COOKIE = "pontis_feedback_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _private(response: HttpResponse) -> HttpResponse:
    """A link page: never indexed, cached or leaked through the Referer header."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


def _too_many(request) -> bool:
    return services.throttled("unknown-link", client_ip(request) or "unknown",
                              limit=services.UNKNOWN_LINKS_PER_ADDRESS, window=600, hit=False)


def _unknown(request):
    services.throttled("unknown-link", client_ip(request) or "unknown", limit=services.UNKNOWN_LINKS_PER_ADDRESS,
                       window=600)
    raise Http404


def _message(request, *, kind: str, title: str = "", lang: str = "", status: int = 200):
    with translation.override(lang or translation.get_language()):
        texts = {
            "thanks": (_("Thank you"), _("Your answers have been recorded. You can close this page.")),
            "answered": (_("We already have your answers"),
                         _("Answers from this link or this device were already recorded. Thank you again.")),
            "closed": (_("This questionnaire is closed"),
                       _("It no longer takes answers. Thank you for your interest.")),
            "throttled": (_("Please wait a moment"), _("Too many attempts. Please try again later.")),
        }
        heading, body = texts[kind]
        page = render(request, "feedback/respond_message.html",
                      {"heading": heading, "body": body, "kind": kind, "questionnaire_title": title}, status=status)
    return _private(page)


def _language(request, version, draft, invitation=None) -> str:
    wanted = request.GET.get("lang") or request.POST.get("lang") or (draft.language if draft else "") \
        or (invitation.language if invitation else "") or translation.get_language_from_request(request)
    return version_language(version, wanted)


def _respond(request, *, questionnaire, invitation, digest_value: str, channel: str, here: str, done: str,
             open_key: str = "", device_key: str = "", create_draft: bool = True):
    """The shared flow of both kinds of link: show, save, submit."""
    if selectors.response_for_digest(digest_value) is not None:
        return _message(request, kind="answered", title=str(translate(questionnaire.title)))
    if not services.questionnaire_is_open(questionnaire):
        return _message(request, kind="closed", title=str(translate(questionnaire.title)))
    version = selectors.latest_version(questionnaire)
    if version is None:
        return _message(request, kind="closed")
    # A first visit from a new QR device stores nothing until it posts (a crawler or a bot makes no rows); its
    # client_id rides in the page and seeds the draft on the first post.
    draft = services.draft_open(questionnaire=questionnaire, resume_key=digest_value,
                                language=invitation.language if invitation else "",
                                client_id=request.POST.get("client_id"), create=create_draft or request.method == "POST",
                                invitation=invitation)
    client_id = services.draft_client_id(draft) if draft is not None else str(uuid.uuid4())
    lang = _language(request, version, draft, invitation)
    questions = version_questions(version, lang)
    answers = services.draft_answers(draft) if draft is not None else {}
    errors: dict = {}
    saved = False
    if request.method == "POST":
        answers = answers_from_post(questions, request.POST)
        action = request.POST.get("action", "submit")
        services.draft_save(draft=draft, answers=answers, language=lang)
        if action == "autosave":
            return _private(HttpResponse(status=204))
        if action == "save":
            saved = True
        else:
            if services.throttled("submit", digest_value, limit=services.SUBMISSIONS_PER_LINK, window=60):
                return _message(request, kind="throttled", lang=lang, status=429)
            try:
                services.response_submit(
                    token=invitation.token if invitation else None, open_key=open_key or None,
                    device_key=device_key or None,
                    client_id=request.POST.get("client_id") or client_id,
                    answers=answers, language=lang, channel=channel)
            except ValidationFailed as exc:
                errors = {k: (v[0] if isinstance(v, (list, tuple)) else v) for k, v in exc.errors.items()}
                if not errors:
                    errors = {exc.field or "": exc.message}
            except services.QuestionnaireClosed:
                return _message(request, kind="closed", lang=lang)
            except Conflict:  # this form's client_id already made a response (a device that keeps no cookie)
                return _message(request, kind="answered", lang=lang)
            else:
                return redirect(done)
    with translation.override(lang):
        rows = form_rows(questions, answers, errors)
        problems = [{"href": f"#question-{row['key']}", "label": row["text"], "message": row["error"]}
                    for row in rows if row["error"]]
        problems += [{"href": "", "label": "", "message": message} for key, message in errors.items()
                     if key not in {row["key"] for row in rows}]
        heading = version_title(version, lang)
        names = getattr(settings, "LANGUAGE_NAMES_NATIVE", {})
        page = render(request, "feedback/respond_form.html", {
            "heading": heading, "rows": rows, "problems": problems, "saved": saved, "here": here,
            "client_id": client_id, "lang": lang,
            "languages": [{"code": code, "name": names.get(code, code), "current": code == lang}
                          for code in (version.languages or [])],
            "fallback_shown": any(row["fallback"] for row in rows) or bool(heading["fallback"]),
            "greeting": invitation.name if invitation and channel != Response.Channel.QR else "",
        }, status=200)
    return _private(page)


@public
@require_http_methods(["GET", "POST"])
def respond_link(request, token):
    """A personal link: the invitee answers (once), in their language, resuming their draft."""
    if _too_many(request):
        return _message(request, kind="throttled", status=429)
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return _unknown(request)
    here = reverse("feedback:respond_link", args=[token])
    return _respond(request, questionnaire=invitation.questionnaire, invitation=invitation,
                    digest_value=services.token_digest(invitation.token), channel=Response.Channel.LINK, here=here,
                    done=reverse("feedback:respond_link_done", args=[token]))


@public
def respond_link_done(request, token):
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return _unknown(request)
    return _message(request, kind="thanks", title=str(translate(invitation.questionnaire.title)))


def _device(request) -> tuple[str, bool]:
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    if 20 <= len(device) <= 64 and device.replace("-", "").replace("_", "").isalnum():
        return device, False
    return secrets.token_urlsafe(24), True


def _with_device(request, response, device: str, new: bool):
    """The device key lives in a long-lived cookie of the QR pages alone: one response per device."""
    if new:
        response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure(), path="/feedback/a/")
    return response


@public
@require_http_methods(["GET", "POST"])
def respond_open(request, open_key):
    """A QR code's open link: anyone in the room answers, once per device, without giving a name."""
    if _too_many(request):
        return _message(request, kind="throttled", status=429)
    questionnaire = selectors.questionnaire_for_open_key(open_key)
    if questionnaire is None:
        return _unknown(request)
    device, new = _device(request)
    here = reverse("feedback:respond_open", args=[open_key])
    page = _respond(request, questionnaire=questionnaire, invitation=None,
                    digest_value=services.device_digest(questionnaire.open_key, device), channel=Response.Channel.QR,
                    here=here, done=reverse("feedback:respond_open_done", args=[open_key]), open_key=open_key,
                    device_key=device, create_draft=not new)
    return _with_device(request, page, device, new)


@public
def respond_open_done(request, open_key):
    questionnaire = selectors.questionnaire_for_open_key(open_key)
    if questionnaire is None:
        return _unknown(request)
    return _message(request, kind="thanks", title=str(translate(questionnaire.title)))

