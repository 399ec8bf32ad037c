"""Panel pages (/panels/): the list, a panel's page, and the staff's forms (panel, member countries, delegates,
work programmes, host offers). Thin: one selector or service each; who sees what comes from the policies."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pontis.core.awaiting import statements_read_ahead
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.forms import reference_version
from pontis.core.http import require_http_methods, require_POST
from pontis.core.i18n import translate
from pontis.core.permissions import can, permission_required, public, signed_in

from . import forms_panels as forms
from . import services
from .models import HostOffer, Panel, WorkProgramme, WorkProgrammeTopic
from .selectors import panels as selectors
from .selectors.panel_page import panel_page_rows, panel_with_members

PAGE_SIZE = 20


def _form_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the form: at its field when the form has it, else at the top."""
    placed = False
    for name, problem in (getattr(exc, "errors", None) or {}).items():
        if name in form.fields:
            form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _back(panel):
    return redirect("panels:detail", slug=panel.slug)


@public
def panel_list(request):
    page = Paginator(selectors.panels_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/panel_list.html", {"page": page, "may_create": can(request.user, "create", Panel)})


@public
def panel_detail(request, slug):
    panel, members = panel_with_members(request.user, slug)
    # What the page reads after the panel and its members are small statements of the panel's id, the reader's id
    # and the day: read in one round trip where the page of a panel, for a reader of the same roles, asked them
    # before (``core.awaiting.statements_read_ahead``). Who may see each part is still decided on this request.
    with statements_read_ahead(f"events.panel:{panel.access}", request.user, getattr(request.user, "role_codes", ()),
                               subject=panel.pk):
        return _panel_page(request, panel, members)


def _panel_page(request, panel, members):
    may_change = can(request.user, "change", panel)
    context = panel_page_rows(request.user, panel, members=members, choices=may_change)
    offer_countries = selectors.offer_countries_for(request.user, panel, members=members)
    context.update({
        "panel": panel, "may_change": may_change, "offer_countries": offer_countries,
        "may_offer": bool(offer_countries), "signed_in": request.user.is_authenticated,
        "noindex": panel.access != "public",
    })
    if may_change:
        countries = [m.country for m in members]
        version = reference_version()  # once for the page's three kept forms
        context.update({
            "member_form": forms.written_once(("member",), lambda: forms.MemberForm(auto_id="member-%s"), version),
            "delegate_form": forms.written_once(
                ("delegate", *sorted(c.pk for c in countries)),
                lambda: forms.DelegateForm(countries=countries, auto_id="delegate-%s"), version),
            "programme_form": forms.programme_form_html(version),
        })
    return render(request, "events/panel_detail.html", context)


@permission_required(Panel, "create")
@require_http_methods(["GET", "POST"])
def panel_create(request):
    form = forms.PanelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            panel = services.panel_create(by=request.user, slug=data["slug"], name=data["name"],
                                          description=data["description"], region=data["region"], access=data["access"],
                                          key=data.get("idempotency_key"))
            messages.success(request, _("The panel is created. Add its member countries and delegates."))
            return _back(panel)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "events/panel_form.html", {"form": form, "panel": None})


@permission_required(Panel, "change")
@require_http_methods(["GET", "POST"])
def panel_edit(request, slug):
    panel = selectors.panel_get_for(request.user, slug)
    form = forms.PanelForm(request.POST or None, panel=panel)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.panel_update(panel=panel, by=request.user, name=data["name"], description=data["description"],
                                  region=data["region"], is_active=data["is_active"])
            messages.success(request, _("The changes are saved."))
            return _back(panel)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "events/panel_form.html", {"form": form, "panel": panel})


@permission_required(Panel, "change")
@require_POST
def member_add(request, slug):
    panel = selectors.panel_get_for(request.user, slug)
    form = forms.MemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a country."))
        return _back(panel)
    try:
        services.panel_member_add(panel=panel, by=request.user, country=form.cleaned_data["country"],
                                  joined_on=form.cleaned_data["joined_on"])
        messages.success(request, _("The country is a member of the panel."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(panel)


@permission_required(Panel, "change")
@require_POST
def member_remove(request, slug, pk):
    panel = selectors.panel_get_for(request.user, slug)
    member = selectors.member_get_for(request.user, panel, pk)
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Remove this member country?"), caption=str(member.country),
            consequences=[_("Its delegates leave the panel and lose access to members-only pages."),
                          _("Its past host offers stay on record.")],
            button=_("Remove the country"), cancel_url=reverse("panels:detail", args=[panel.slug]))
    try:
        services.panel_member_remove(member=member, by=request.user)
        messages.success(request, _("The country is no longer a member of the panel."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(panel)


@permission_required(Panel, "change")
@require_POST
def delegate_add(request, slug):
    panel = selectors.panel_get_for(request.user, slug)
    members = list(selectors.panel_members(panel))
    form = forms.DelegateForm(request.POST, countries=[m.country for m in members])
    if form.is_valid():
        data = form.cleaned_data
        account = selectors.account_by_email(data["account_email"]) if data["account_email"] else None
        if data["account_email"] and account is None:
            form.add_error("account_email", _("No active account has this e-mail."))
        else:
            try:
                services.delegate_add(panel=panel, by=request.user, country=data["country"], name=data["name"],
                                      institution=data["institution"], email=data["email"], user=account,
                                      role=data["role"])
                messages.success(request, _("The delegate is added."))
                return _back(panel)
            except DomainError as exc:
                _form_error(form, exc)
    return render(request, "events/panel_delegate_form.html", {"panel": panel, "form": form}, status=422)


@permission_required(Panel, "change")
@require_POST
def delegate_remove(request, slug, pk):
    panel = selectors.panel_get_for(request.user, slug)
    delegate = selectors.delegate_get_for(request.user, panel, pk)
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Remove this delegate?"), caption=delegate.name,
            consequences=[_("They no longer see the panel's members-only pages nor offer to host.")],
            button=_("Remove the delegate"), cancel_url=reverse("panels:detail", args=[panel.slug]))
    try:
        services.delegate_remove(delegate=delegate, by=request.user)
        messages.success(request, _("The delegate is removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(panel)


@permission_required(WorkProgramme, "create")
@require_POST
def programme_create(request, slug):
    panel = selectors.panel_get_for(request.user, slug)
    form = forms.ProgrammeForm(request.POST)
    if form.is_valid():
        try:
            services.programme_create(panel=panel, by=request.user, year=form.cleaned_data["year"],
                                      topics=form.topic_titles(), key=form.cleaned_data.get("idempotency_key"))
            messages.success(request, _("The draft work programme is created."))
            return _back(panel)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "events/panel_programme_form.html", {"panel": panel, "form": form}, status=422)


@permission_required(WorkProgramme, "adopt")
@require_POST
def programme_adopt(request, slug, year):
    panel = selectors.panel_get_for(request.user, slug)
    programme = selectors.programme_get_for(request.user, panel, year)
    if not is_confirmed(request):
        return confirm_page(
            request, title=_("Adopt this work programme?"), caption=str(programme),
            consequences=[_("The programme becomes final: its topics cannot go back to draft."),
                          _("Everyone who sees the panel sees the adopted programme.")],
            button=_("Adopt the programme"), cancel_url=reverse("panels:detail", args=[panel.slug]))
    try:
        services.programme_adopt(programme=programme, by=request.user)
        messages.success(request, _("The work programme is adopted."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(panel)


@permission_required(WorkProgrammeTopic, "change")
@require_POST
def topic_link(request, slug, pk):
    panel = selectors.panel_get_for(request.user, slug)
    topic = selectors.topic_get_for(request.user, panel, pk)
    form = forms.TopicMeetingForm(request.POST, meetings=selectors.panel_meetings_to_link(panel))
    if not form.is_valid():
        messages.error(request, _("Choose a meeting."))
        return _back(panel)
    try:
        services.topic_link_meeting(topic=topic, meeting=form.cleaned_data["meeting"], by=request.user)
        messages.success(request, _("The meeting is linked to the topic; its confirmed hosts are its host countries."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(panel)


@signed_in
@require_POST
def offer_create(request, slug):
    """A delegate (for their own country) or staff (for any member country) offers to host a topic."""
    panel = selectors.panel_get_for(request.user, slug)
    countries = selectors.offer_countries_for(request.user, panel)
    form = forms.HostOfferForm(request.POST, countries=countries)
    if not countries:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Choose the country the offer is for."))
        return _back(panel)
    topic = selectors.topic_get_for(request.user, panel, form.cleaned_data["topic"])
    try:
        services.host_offer_create(topic=topic, country=form.cleaned_data["country"], by=request.user,
                                   note=form.cleaned_data["note"])
        messages.success(request, _("The offer to host is recorded. Staff will confirm it."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(panel)


_DECISIONS = {
    "confirm": (HostOffer.Status.CONFIRMED, "decide"),
    "decline": (HostOffer.Status.DECLINED, "decide"),
    "withdraw": (HostOffer.Status.WITHDRAWN, "withdraw"),
}


@signed_in
@require_POST
def offer_decide(request, slug, pk, decision):
    """Staff confirm or decline an offer; staff or the country's delegate withdraw it. Each asks for confirmation."""
    if decision not in _DECISIONS:
        raise Http404
    panel = selectors.panel_get_for(request.user, slug)
    offer = selectors.offer_get_for(request.user, panel, pk)
    _status, verb = _DECISIONS[decision]
    if not can(request.user, verb, offer):
        raise Http404
    topic = str(translate(offer.topic.title))
    if not is_confirmed(request):
        texts = {
            "confirm": (_("Confirm this host?"), _("The country becomes a host of the topic's meeting; other confirmed "
                                                  "countries co-host it."), _("Confirm the host")),
            "decline": (_("Decline this offer?"), _("The offer is closed for good; the country may not offer again "
                                                   "for this topic."), _("Decline the offer")),
            "withdraw": (_("Withdraw this offer?"), _("The offer is closed for good."), _("Withdraw the offer")),
        }
        title, consequence, button = texts[decision]
        return confirm_page(request, title=title, caption=f"{offer.country} · {topic}", consequences=[consequence],
                            button=button, cancel_url=reverse("panels:detail", args=[panel.slug]))
    service = {"confirm": services.host_offer_confirm, "decline": services.host_offer_decline,
               "withdraw": services.host_offer_withdraw}[decision]
    try:
        service(offer=offer, by=request.user)
        messages.success(request, _("The offer is updated."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(panel)

