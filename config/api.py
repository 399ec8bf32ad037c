"""The API root: /api/v1/, documented at /api/v1/openapi.json (interactive docs at /api/v1/docs).

Authentication: ``Authorization: Bearer <token>`` (tokens from ``manage.py issue_api_token`` or the
profile page), or the browser session (with CSRF) for the application's own pages.
Errors: domain refusals answer ``{"detail": ..., "code": ...}`` with 400/403/404/409/422.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from pontis.accounts.api_auth import BearerToken, SessionAuth
from pontis.core.errors import DomainError, ValidationFailed

api = NinjaAPI(
    title="Pontis API",
    version="1",
    description=__doc__,
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api-1",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    payload = {"detail": str(exc.message), "code": exc.code}
    if exc.field:
        payload["field"] = exc.field
    if isinstance(exc, ValidationFailed) and exc.errors:
        payload["errors"] = {k: [str(m) for m in v] if isinstance(v, (list, tuple)) else str(v) for k, v in exc.errors.items()}
    return api.create_response(request, payload, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found."), "code": "not_found"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Authentication required."), "code": "unauthenticated"}, status=401)


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    return api.create_response(request, {"detail": _("The request is not valid."), "code": "invalid", "errors": exc.errors}, status=422)


api.add_router("/", "pontis.core.api.router")
api.add_router("/", "pontis.accounts.api.router")
api.add_router("/", "pontis.intake.api.router")
api.add_router("/", "pontis.actions.api.router")
api.add_router("/", "pontis.experts.api.router")
api.add_router("/", "pontis.events.api.router")
