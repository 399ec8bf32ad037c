"""The API root: /api/v1/, documented at /api/v1/openapi.json (interactive docs at /api/v1/docs).

Authentication: ``Authorization: Bearer <token>`` (tokens from ``manage.py issue_api_token`` or the
profile page), or the browser session (with CSRF) for the application's own pages.
Errors: every error answers ``{"detail": ..., "code": ...}`` (schema ``ErrorOut``) with 400/401/403/404/409/422;
each operation declares the statuses it can answer.
"""

from pontis.accounts.api_auth import BearerToken, SessionAuth
from pontis.core.api_helpers import PontisAPI

# PontisAPI maps every error (domain refusals, 404, 403, invalid input, database integrity errors) to the same
# JSON body and declares those statuses on every operation of the OpenAPI document.
api = PontisAPI(
    title="Pontis API",
    version="1",
    description=__doc__,
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api-1",
)


api.add_router("/", "pontis.core.api.router")
api.add_router("/", "pontis.accounts.api.router")
api.add_router("/", "pontis.intake.api.router")
api.add_router("/", "pontis.actions.api.router")
api.add_router("/", "pontis.experts.api.router")
api.add_router("/", "pontis.events.api.router")
api.add_router("/", "pontis.events.api_agenda.router")
api.add_router("/", "pontis.events.api_materials.router")
api.add_router("/", "pontis.events.api_registration.router")
api.add_router("/", "pontis.events.api_panels.router")
api.add_router("/", "pontis.feedback.api_builder.router")
api.add_router("/", "pontis.feedback.api_responses.router")
api.add_router("/", "pontis.feedback.api_indicators.router")
api.add_router("/", "pontis.knowledge.api_library.router")
api.add_router("/", "pontis.knowledge.api_thesaurus.router")
api.add_router("/", "pontis.knowledge.api_search.router")
api.add_router("/", "pontis.knowledge.api_similar.router")
api.add_router("/", "pontis.knowledge.api_portal.router")
api.add_router("/", "pontis.reports.api_stats.router")
api.add_router("/", "pontis.reports.api_iati.router")
