"""Permission primitives: one policy per object type, and access declarations on every view.

A policy answers two questions, and views, the API and exports all ask the same policy:

    policy.visible_to(user) -> QuerySet        # what may this person see?
    policy.can(user, "change", obj) -> bool    # may this person do this to that?

Deny by default: a policy that does not say yes says no; a view without an access declaration is refused
by ``AccessDeclarationMiddleware``; an object lookup goes through ``get_visible_or_404``.
"""

from __future__ import annotations

import functools

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from .errors import NotAllowed
from .http import require_safe
from .roles import STAFF_ROLES

_policies: dict = {}


class UnknownPermission(LookupError):
    """A view or service asked a policy about a verb it does not define (a programming error, never a "no")."""


class Policy:
    """Subclass per model; register with ``@register``."""

    model = None

    def visible_to(self, user):
        return self.model.objects.none()

    def check_verb(self, action: str):
        """Return the ``can_<action>`` method, or raise ``UnknownPermission``.

        An unknown verb is a programming error (a typo, or a verb asked of the wrong policy), not a "no": answering
        False would hide the mistake and deny silently, so it raises."""
        method = getattr(self, f"can_{action}", None)
        if method is None or not callable(method):
            raise UnknownPermission(
                f"{type(self).__name__} defines no permission {action!r} (known: {', '.join(self.verbs()) or 'none'})"
            )
        return method

    def verbs(self) -> list[str]:
        return sorted(name[4:] for name in dir(self) if name.startswith("can_") and callable(getattr(self, name)))

    def can(self, user, action: str, obj=None) -> bool:
        return bool(self.check_verb(action)(user, obj))


def register(policy_cls):
    _policies[policy_cls.model] = policy_cls()
    return policy_cls


def policy_for(model_or_obj) -> Policy:
    model = model_or_obj if isinstance(model_or_obj, type) else model_or_obj.__class__
    for klass in model.__mro__:
        if klass in _policies:
            return _policies[klass]
    raise LookupError(f"No permission policy registered for {model.__name__}")


def can(user, action: str, obj_or_model) -> bool:
    """May ``user`` do ``action`` to ``obj_or_model``? Raises ``UnknownPermission`` for a verb the policy lacks,
    also for anonymous and inactive people, so that a typo cannot hide behind a refusal."""
    policy = policy_for(obj_or_model)
    policy.check_verb(action)
    if user is None or not getattr(user, "is_active", False):
        return False
    obj = None if isinstance(obj_or_model, type) else obj_or_model
    return policy.can(user, action, obj)


def ensure(user, action: str, obj_or_model):
    """Raise ``NotAllowed`` (a DomainError) unless the user may do ``action``; services call this."""
    if not can(user, action, obj_or_model):
        raise NotAllowed()


def visible_to(user, model):
    return policy_for(model).visible_to(user)


def get_visible_or_404(user, model_or_queryset, **lookup):
    """Fetch-and-authorise: objects the user may not see answer 404, exactly like missing ones."""
    if hasattr(model_or_queryset, "model") and hasattr(model_or_queryset, "filter"):
        queryset = model_or_queryset
        allowed = policy_for(queryset.model).visible_to(user).values("pk")
        queryset = queryset.filter(pk__in=allowed)
    else:
        queryset = policy_for(model_or_queryset).visible_to(user)
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        # OverflowError: SQLite cannot bind an integer above 2**63 (/requests/99999999999999999999/); no such row.
        raise Http404
    except queryset.model.MultipleObjectsReturned:
        raise Http404


# ---------------------------------------------------------------- view access declarations


def _declare(view, description):
    view.pontis_access = description
    return view


def _guard_methods(view):
    """A page that declared no methods only reads: GET and HEAD, anything else 405 (pontis/core/http.py).

    Applied inside each access decorator, so the access rule answers first (sign in, 403) and the method second."""
    if getattr(view, "pontis_methods", None):
        return view
    return require_safe(view)


def public(view):
    """Anyone, signed in or not, may open this view."""
    return _declare(_guard_methods(view), "public")


def signed_in(view):
    """Any signed-in person may open this view (object checks still apply inside)."""
    view = _guard_methods(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _declare(wrapper, "signed_in")


def roles_required(*roles):
    """Only people holding one of ``roles`` may open this view; others get 403, anonymous people sign in."""

    def decorator(view):
        view = _guard_methods(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_any_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return _declare(wrapper, "roles:" + ",".join(roles))

    return decorator


def staff_required(view):
    return roles_required(*sorted(STAFF_ROLES))(view)


def permission_required(model, verb: str):
    """Only people whom ``model``'s policy allows ``verb`` (on the model, not an object) may open this view.

    The access is declared once, by the policy: the view does not repeat the role list the policy encodes.
    Anonymous people are sent to sign in, others get 403; an unknown verb raises ``UnknownPermission``."""

    def decorator(view):
        view = _guard_methods(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, verb, model):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # The navigation shows a link to this page to the people the gate lets in (core.registry.NavEntry).
        wrapper.pontis_gate = (model, verb)
        return _declare(wrapper, f"policy:{model.__name__}.{verb}")

    return decorator


# Third-party views that declare their own access rules.
TRUSTED_VIEW_MODULES = (
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django.views.i18n",
    "django.views.static",
    "allauth.",
    "ninja.",
    "whitenoise.",
)


API_PREFIX = "/api/"


def _wrapped_by_admin_site(view_func) -> bool:
    """True for a view the admin site routes through ``AdminSite.admin_view`` (which checks that the person is
    active staff): its URL wrappers carry ``admin_site`` (site-wide views such as the "view on site" shortcut
    ``/admin/r/<content type>/<id>/``) or ``model_admin`` (a model's views, such as the old ``/admin/<app>/<model>/<id>/``
    redirect). Those views live in other Django modules (contenttypes, generic RedirectView), so the module list
    above does not cover them; this trusts exactly the views the admin guards, nothing else from those modules."""
    return isinstance(getattr(view_func, "admin_site", None), AdminSite) or isinstance(
        getattr(view_func, "model_admin", None), ModelAdmin)


class AccessDeclarationMiddleware:
    """Deny by default: a Pontis view that does not declare its access rule is refused (403).

    It also gives a method a page does not answer (405) a page in the person's language: Django's own
    ``HttpResponseNotAllowed`` is empty. The API keeps its JSON answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 405 and not getattr(response, "streaming", False) and not response.content
                and not request.path.startswith(API_PREFIX)):
            page = render(request, "errors/405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "pontis_access", None):
            return None
        if _wrapped_by_admin_site(view_func):
            return None
        target = view_func
        while isinstance(target, functools.partial):
            target = target.func
        target = getattr(target, "view_class", target)
        module = getattr(target, "__module__", "") or ""
        owner = getattr(target, "__self__", None)
        if owner is not None:
            module = type(owner).__module__
        if module.startswith(TRUSTED_VIEW_MODULES):
            return None
        raise PermissionDenied


__all__ = [
    "Policy",
    "UnknownPermission",
    "register",
    "policy_for",
    "can",
    "ensure",
    "visible_to",
    "get_visible_or_404",
    "public",
    "signed_in",
    "roles_required",
    "staff_required",
    "permission_required",
    "NotAllowed",
]
