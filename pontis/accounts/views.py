from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pontis.core.audit import history_for
from pontis.core.confirm import confirm_page, is_confirmed
from pontis.core.errors import DomainError
from pontis.core.forms import SearchForm
from pontis.core.http import require_http_methods, require_POST, safe_next
from pontis.core.permissions import can, get_visible_or_404, permission_required, public, signed_in

from . import services
from .forms import InstitutionForm, PersonCreateForm, ProfileForm, RoleGrantForm, TokenForm
from .invitations import account_invitation_send, account_password_choose, invitation_user
from .models import ApiToken, Institution, Role, RoleAssignment, User
from .selectors import institution_detail_queryset, institutions_for, people_for, tokens_of


@signed_in
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language, samesite="Lax")
        return response
    tokens = tokens_of(request.user)
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens, "token_form": TokenForm()})


@signed_in
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:profile")
    token, raw = services.api_token_issue(user=request.user, name=form.cleaned_data["name"], by=request.user)
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@signed_in
@require_POST
def token_revoke(request, pk):
    token = get_visible_or_404(request.user, ApiToken, pk=pk)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Revoke this API token?"),
            caption=token.name,
            consequences=[
                _("Programs that use this token can no longer reach the API as you, from now on."),
                _("A revoked token cannot be used again: to give a program access, you create a new token."),
            ],
            button=_("Revoke the token"),
            cancel_url=safe_next(request, "accounts:profile"),
        )
    services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token is revoked."))
    return redirect(safe_next(request, "accounts:profile"))


def _search(request) -> str:
    """The list's search text; an invalid one (too long, a NUL character) searches nothing and says why."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for m in form.errors["q"]))
    return form.query()


@permission_required(Institution, "list")
def institutions(request):
    qs = institutions_for(request.user, q=_search(request), country=request.GET.get("country", "").strip())
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/institutions.html", {"page": page, "q": request.GET.get("q", ""),
                                                           "may_create": can(request.user, "create", Institution)})


@permission_required(Institution, "list")
def institution_detail(request, pk):
    institution = get_visible_or_404(request.user, institution_detail_queryset(), pk=pk)
    memberships = institution.memberships.select_related("user")
    # Observers see how many people, never who (no name, address or position reaches the page).
    may_see_people = can(request.user, "see_personal_data", User)
    return render(request, "accounts/institution_detail.html", {
        "institution": institution, "memberships": memberships if may_see_people else [],
        "may_see_people": may_see_people, "people_count": None if may_see_people else memberships.count(),
        "may_change": can(request.user, "change", institution),
    })


@permission_required(Institution, "change")
@require_http_methods(["GET", "POST"])
def institution_edit(request, pk=None):
    institution = get_visible_or_404(request.user, Institution, pk=pk) if pk else None
    form = InstitutionForm(request.POST or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("idempotency_key", None)
        try:
            if institution is None:
                institution = services.institution_create(by=request.user, idempotency_key=key, **data)
            else:
                services.institution_update(institution=institution, by=request.user, **data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The institution is saved."))
            return redirect("accounts:institution", pk=institution.pk)
    return render(request, "accounts/institution_form.html", {"form": form, "institution": institution})


@permission_required(User, "list")
def people(request):
    qs = people_for(request.user, q=_search(request), role=request.GET.get("role", ""))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "q": request.GET.get("q", ""), "roles": Role.choices,
                                                     "role": request.GET.get("role", ""),
                                                     "may_manage": can(request.user, "manage_roles", User)})


@permission_required(User, "list")
@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    person = get_visible_or_404(request.user, User, pk=pk)
    may_manage = can(request.user, "manage_roles", User)
    form = RoleGrantForm(request.POST or None) if may_manage else None
    if request.method == "POST" and may_manage and form.is_valid():
        try:
            services.role_grant(user=person, role=form.cleaned_data["role"], institution=form.cleaned_data["institution"],
                                 country=form.cleaned_data["country"], by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The role is granted."))
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person_detail.html", {
        "person": person, "form": form, "may_manage": may_manage,
        "assignments": person.roles.select_related("institution", "country"),
        "memberships": person.memberships.select_related("institution"),
        "history": history_for(person)[:20],
    })


@permission_required(User, "create")
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                person = services.user_create(by=request.user, **form.cleaned_data)
                account_invitation_send(user=person, by=request.user)
        except DomainError as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            messages.success(request, _("The account is created. An e-mail invites %(email)s to choose a password.")
                             % {"email": person.email})
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person_form.html", {"form": form})


@permission_required(RoleAssignment, "revoke")
@require_POST
def role_revoke(request, pk):
    assignment = get_visible_or_404(request.user, RoleAssignment, pk=pk)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Remove this role?"),
            caption=str(assignment),
            consequences=[
                _("The person loses, from their next page, what this role lets them see and do."),
                _("To give it back, the role must be granted again."),
            ],
            button=_("Remove the role"),
            cancel_url=reverse("accounts:person", args=[assignment.user_id]),
        )
    services.role_revoke(assignment=assignment, by=request.user)
    messages.success(request, _("The role is removed."))
    return redirect("accounts:person", pk=assignment.user_id)


@public
@require_http_methods(["GET", "POST"])
def welcome(request, uidb64, token):
    """The link of the welcome e-mail (an account the facility created): choose a first password, once."""
    person = invitation_user(uidb64, token)
    if person is None:
        return render(request, "accounts/welcome_invalid.html", status=400)
    form = SetPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_password_choose(user=person, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your password is saved. Sign in with your e-mail address and this password."))
        return redirect("account_login")
    return render(request, "accounts/welcome.html", {"form": form, "person": person})
