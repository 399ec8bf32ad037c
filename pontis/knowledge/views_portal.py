"""The public portal's pages (no sign-in), the staff form that publishes an Action there, the sitemap and robots.txt.

Thin: each page reads one selector of ``portal.py`` (or fetches through a policy) and renders.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.sitemaps.views import sitemap
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from pontis.actions.models import Action
from pontis.core import selectors as reference
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.http import require_http_methods, require_POST
from pontis.core.i18n import translate
from pontis.core.permissions import can, get_visible_or_404, permission_required, public

from . import portal
from .models import PublishedAction
from .portal_forms import PublicationForm
from .portal_language import language_url
from .sitemaps import SITEMAPS, library_item_url, published_action_languages

PAGE_SIZE = 20
DESCRIPTION_MAX = 160


def _description(text) -> str:
    """A meta description: the first sentence or so of ``text``, plain and at most 160 characters."""
    text = " ".join(str(text or "").split())
    if len(text) <= DESCRIPTION_MAX:
        return text
    return text[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"


def _alternates(request, languages) -> list[tuple[str, str]]:
    """(language, address) of each language version of this page (see portal_language.py)."""
    return [(lang, request.build_absolute_uri(language_url(request.path, lang))) for lang in languages]


def _ui_languages():
    return [code for code, _name in settings.LANGUAGES]


@public
def home(request):
    content = portal.portal_home_content(request.user)
    for item in content["case_studies"] + content["publications"] + content["practices"]:
        item.portal_url = library_item_url(item)
    return render(request, "knowledge/portal/home.html", {
        **content, "search_url": reverse("search:search"),
        "description": _description(_("The facility's Actions, case studies, practices, publications and public "
                                      "meetings on migration policy, in five languages.")),
        "alternates": _alternates(request, _ui_languages()),
    })


def _filters(request):
    """Read the filters leniently: an unknown value is ignored rather than answered with an error page."""
    regions = list(reference.regions(active_only=True))
    themes = list(reference.themes_with_topics())
    countries = list(portal.published_action_countries())
    years = portal.published_action_years()
    region = request.GET.get("region", "")
    country = request.GET.get("country", "")
    theme = request.GET.get("theme", "")
    try:
        year = int(request.GET.get("year", "") or 0) or None
    except ValueError:
        year = None
    filters = portal.ActionFilters(
        region=region if region in {r.code for r in regions} else "",
        country=country if country in {c.code for c in countries} else "",
        theme=theme if theme in {t.code for t in themes} else "",
        year=year if year in years else None,
    )
    return filters, {"regions": regions, "themes": themes, "countries": countries, "years": years}


@public
def action_list(request):
    filters, choices = _filters(request)
    page = Paginator(portal.published_actions(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    portal.with_scope(page.object_list)
    return render(request, "knowledge/portal/action_list.html", {
        "page": page, "filters": filters, "filtered": bool(filters), **choices,
        "description": _description(_("Where the facility works: its Actions with partner authorities, by region, "
                                      "country, theme and year.")),
        # A filtered or later page is not one of the list's language versions: no alternates there.
        "alternates": _alternates(request, _ui_languages()) if set(request.GET) <= {"lang"} else [],
    })


@public
def action_detail(request, slug):
    published, new_slug = portal.published_action_page(request.user, slug)
    if new_slug:
        query = request.META.get("QUERY_STRING", "")
        target = reverse("portal:action", args=[new_slug]) + (f"?{query}" if query else "")
        return redirect(target, permanent=True)
    if published is None:
        raise Http404
    action = published.action
    portal.with_scope([published])
    library = portal.action_library_items(request.user, action)
    for items in library.values():
        for item in items:
            item.portal_url = library_item_url(item)
    summary = translate(published.summary)
    return render(request, "knowledge/portal/action_detail.html", {
        "published": published, "action": action,
        "countries": list(action.countries.all()), "themes": list(action.themes.all()),
        "partners": published.partners, "activities": published.activities,
        "case_studies": library["case_study"], "deliverables": library["shared_deliverable"],
        "practices": library["practice"], "publications": library["publication"],
        "description": _description(summary or translate(action.title)),
        "alternates": _alternates(request, published_action_languages(published)),
        "may_manage": can(request.user, "change", PublishedAction),
    })


# ---------------------------------------------------------------- staff: what the portal shows about an Action


def _action(request, code) -> Action:
    return get_visible_or_404(request.user, Action, code=code)


def _form_errors(form, exc: DomainError):
    errors = getattr(exc, "errors", None) or {}
    placed = False
    for field, messages_ in errors.items():
        if field in form.fields:
            form.add_error(field, [str(m) for m in messages_])
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


@permission_required(PublishedAction, "change")
@require_http_methods(["GET", "POST"])
def publication_edit(request, code):
    action = _action(request, code)
    published = portal.publication_of(action)
    if published is not None:
        initial = {name: getattr(published, name) for name in (
            "slug", "summary", "results", "show_partners", "show_activities", "partner_agreed_by",
            "partner_agreed_on")}
    else:
        initial = {"slug": portal.suggested_slug(action), "show_partners": True, "show_activities": True}
    form = PublicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            published = portal.published_action_save(action=action, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("What the portal may show about this Action is saved."))
            return redirect("portal:manage", code=code)
    return render(request, "knowledge/portal/publication_form.html", {
        "action": action, "published": published, "form": form,
        "public_url": reverse("portal:action", args=[published.slug]) if published else "",
    })


@permission_required(PublishedAction, "change")
@require_POST
def publication_publish(request, code):
    action = _action(request, code)
    published = portal.publication_of(action)
    back = reverse("portal:manage", args=[code])
    if published is None:
        messages.error(request, _("Save what the portal may show before publishing it."))
        return redirect(back)
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Publish the Action %(code)s on the public portal?") % {"code": action.code},
            consequences=[
                _("Anyone, without signing in, can read its public summary, results, countries, dates and themes."),
                _("The partner institutions and the activities are shown only if you ticked them."),
                _("Search engines may copy the page; withdrawing it later removes it from the portal."),
            ],
            summary=[(_("Agreed to publish by"), published.partner_agreed_by or "—")],
            button=_("Publish on the portal"), cancel_url=back, carry=())
    try:
        portal.published_action_publish(published=published, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The Action is published on the portal."))
    return redirect(back)


@permission_required(PublishedAction, "change")
@require_POST
def publication_unpublish(request, code):
    action = _action(request, code)
    published = portal.publication_of(action)
    back = reverse("portal:manage", args=[code])
    if published is None:
        raise Http404
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Withdraw the Action %(code)s from the public portal?") % {"code": action.code},
            consequences=[
                _("Its public page, its entry in the list, the sitemap and the API disappear at once."),
                _("What you wrote is kept: you can publish it again."),
            ],
            button=_("Withdraw from the portal"), cancel_url=back, carry=())
    portal.published_action_unpublish(published=published, by=request.user)
    messages.success(request, _("The Action is withdrawn from the portal."))
    return redirect(back)


# ---------------------------------------------------------------- for search engines


@public
@cache_control(public=True, max_age=3600)
def sitemap_xml(request):
    """Public pages only, each listed in the languages it really has text in (sitemaps.py)."""
    return sitemap(request, sitemaps=SITEMAPS)


@public
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        "Disallow: /people/",
        "Disallow: /requests/",
        "Disallow: /actions/",
        "Disallow: /experts/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

