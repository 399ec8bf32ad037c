"""Who may do what, route by route: the one table the access matrix checks and docs/roles.md shows.

A row maps a method (or "METHOD@variant" for one sample, see samples.py) to {principals: outcome}. Principals are
named one by one or by group, joined with "|"; the first key that names a principal decides, "OTHERS" takes the
rest. Outcomes (harness.py): ok, redirect, sign-in, invalid (400/422), allowed (a write that reached its action:
done, or refused for its input or state), 401, 403, 404, 405; a tuple means "one of".

Pages: a bearer token is not a session, and a deactivated account is signed out, so both are treated like an
anonymous visitor (NOT_SIGNED_IN). The API: the token-only client holds the officer's token (STAFF_API); the
deactivated account still sends its old token, which is refused (401), as anonymous callers without credentials are.

A new route: add its samples (samples.py) and its row here, from docs/roles.md and the policies, not from what the
code happens to answer (PONTIS_ACCESS_RECORD=<file> makes the matrix append what it observed, to compare); then
regenerate docs/roles.md (python -m tests.access.render --write).
"""

from __future__ import annotations

from .harness import (
    ALLOWED,
    FORBIDDEN,
    INVALID,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    SIGN_IN,
    UNAUTHORISED,
)
from .world import PRINCIPALS

GROUPS = {
    "NOT_SIGNED_IN": {"anonymous", "token_only", "deactivated"},
    "SIGNED_IN": {"admin", "officer", "committee", "focal_point", "expert", "observer", "other_focal_point", "other_expert",
                  "delegation", "other_delegation"},
    "STAFF": {"admin", "officer"},
    "STAFF_API": {"admin", "officer", "token_only"},
    "FOCAL_POINTS": {"focal_point", "other_focal_point"},
    "EXPERTS": {"expert", "other_expert"},
    "NO_SESSION": {"anonymous", "deactivated"},
    "DELEGATIONS": {"delegation", "other_delegation"},
}
OTHERS = "OTHERS"


def read_only(row):
    """A page that only reads (it declares no other method, pontis/core/http.py): POST is refused with 405.

    The page's access rule answers first (sign in, 403) and the method second, before the page looks anything up:
    so POST answers what GET answers where the access rule refuses, and 405 wherever the person gets in."""
    refused_by_access = {SIGN_IN, FORBIDDEN}
    derived = dict(row)
    for key, cell in row.items():
        method, _, variant = key.partition("@")
        if method == "GET":
            derived["POST" + ("@" + variant if variant else "")] = {
                who: outcome if outcome in refused_by_access else NOT_ALLOWED for who, outcome in cell.items()}
    return derived

# Panels and minutes (pontis/events, helper "panels"): a staff form page, and a staff POST-only action.
STAFF_FORM = {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    }
STAFF_POST = {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    }

# The admin site decides access for all its routes in one place (AdminSite.admin_view): one row covers them.
ADMIN_ROW = "admin:*"

TABLE: dict[str, dict[str, dict[str, object]]] = {
    "/api/v1/actions": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
        "POST": {"NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/actions/{code}": {
        "GET@A": {"other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "focal_point|expert|observer": NOT_FOUND, "OTHERS": OK},
        "PATCH@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "PATCH@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/actions/{code}/cancel": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/actions/{code}/partners": {
        "POST@A": {"NO_SESSION": UNAUTHORISED, "committee|focal_point|expert|delegation": FORBIDDEN,
                   "observer|other_focal_point|other_expert|other_delegation": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN,
                   "focal_point|expert|observer|DELEGATIONS": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/actions/{code}/partners/{institution_id}": {
        "PATCH@A": {"NO_SESSION": UNAUTHORISED, "committee|focal_point|expert|delegation": FORBIDDEN,
                    "observer|other_focal_point|other_expert|other_delegation": NOT_FOUND, "OTHERS": ALLOWED},
        "PATCH@B": {"NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN,
                    "focal_point|expert|observer|DELEGATIONS": NOT_FOUND, "OTHERS": ALLOWED},
        "DELETE@A": {"NO_SESSION": UNAUTHORISED, "committee|focal_point|expert|delegation": FORBIDDEN,
                     "observer|other_focal_point|other_expert|other_delegation": NOT_FOUND, "OTHERS": ALLOWED},
        "DELETE@B": {"NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN,
                     "focal_point|expert|observer|DELEGATIONS": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/actions/{code}/close": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/actions/{code}/fiche/agree": {
        # A's fiche is agreed (no draft): only staff learn that (409); the others are refused first.
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/activities": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
        "POST": {"NO_SESSION": UNAUTHORISED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/activities/{activity_id}/candidates": {
        "GET": {"NO_SESSION": UNAUTHORISED, "STAFF_API": OK, "OTHERS": FORBIDDEN},
    },
    "/api/v1/activities/{pk}": {
        "GET@A": {"other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "focal_point|expert|observer": NOT_FOUND, "OTHERS": OK},
        "PATCH@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "PATCH@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/activities/{pk}/documents": {
        # Listed for whoever sees the activity; the list holds only the reports the person may read.
        "GET@A": {"NO_SESSION": UNAUTHORISED, "observer|other_focal_point|other_expert|other_delegation": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"NO_SESSION": UNAUTHORISED, "focal_point|expert|observer|DELEGATIONS": NOT_FOUND, "OTHERS": OK},
    },
    "/api/v1/activities/{pk}/cancel": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/activities/{pk}/confirm": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/activities/{pk}/deliver": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/activities/{pk}/postpone": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/activities/{pk}/report": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/activities/{pk}/reschedule": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/deliverables": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
        "POST": {"NO_SESSION": UNAUTHORISED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/deliverables/{pk}": {
        "GET@A": {"other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "focal_point|expert|observer": NOT_FOUND, "OTHERS": OK},
        "PATCH@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "PATCH@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/deliverables/{pk}/adopt": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/deliverables/{pk}/endorse": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/deliverables/{pk}/validate": {
        "POST@A": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|focal_point|expert": FORBIDDEN, "observer|other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "committee|other_focal_point|other_expert": FORBIDDEN, "focal_point|expert|observer": NOT_FOUND, "OTHERS": ALLOWED},
    },
    "/api/v1/events": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/events/{meeting_id}": {
        "GET@public": {"deactivated": UNAUTHORISED, "OTHERS": OK},
        "GET@unpublished": {"anonymous": NOT_FOUND, "deactivated": UNAUTHORISED, "OTHERS": OK},
    },
    # Registration (pontis/events, helper "registration"): anyone may ask to register for a meeting with open
    # registration (no account needed); listing, deciding and checking in are staff's.
    "/api/v1/meetings/{meeting_id}/registrations": {
        "GET": {"deactivated": UNAUTHORISED, "STAFF_API": OK, "OTHERS": FORBIDDEN},
        "POST": {"deactivated": UNAUTHORISED, "OTHERS": ALLOWED},
    },
    "/api/v1/registrations/{registration_id}/decision": {
        "POST": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/registrations/{registration_id}/attendance": {
        "POST": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    # Meetings and their agendas (pontis/events, helper "agenda"): read like /api/v1/events (their older name);
    # staff create and change them and add sessions, contributions and discussion notes.
    "/api/v1/meetings": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
        "POST": {"NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/meetings/{meeting_id}": {
        "GET@public": {"deactivated": UNAUTHORISED, "OTHERS": OK},
        "GET@unpublished": {"anonymous": NOT_FOUND, "deactivated": UNAUTHORISED, "OTHERS": OK},
        "PATCH@public": {"NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
        "PATCH@unpublished": {"NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/meetings/{meeting_id}/sessions": {
        "POST@public": {"NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/sessions/{session_id}/contributions": {
        "POST": {"NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/sessions/{session_id}/discussion": {
        "POST": {"NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    # Meeting materials (pontis/events, protection): only what the caller may open is listed or served.
    "/api/v1/meetings/{meeting_id}/materials": {
        "GET@public": {"deactivated": UNAUTHORISED, "OTHERS": OK},
        "GET@unpublished": {"anonymous": NOT_FOUND, "deactivated": UNAUTHORISED, "OTHERS": OK},
        "POST@public": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@unpublished": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/materials/{material_id}/file": {
        "GET@public": {"deactivated": UNAUTHORISED, "OTHERS": OK},
        "GET@members": {"anonymous": NOT_FOUND, "deactivated": UNAUTHORISED, "OTHERS": OK},
        "GET@roles": {"STAFF_API|committee": OK, "deactivated": UNAUTHORISED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/panels": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/panels/{slug}": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/panels/{slug}/host-offers": {
        "POST": {"deactivated": UNAUTHORISED, "STAFF_API|focal_point": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/search": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/library/items": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
        "POST": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/library/items/{slug}": {
        "GET@public": {"deactivated": UNAUTHORISED, "OTHERS": OK},
        "GET@members": {"deactivated": UNAUTHORISED, "anonymous": NOT_FOUND, "OTHERS": OK},
        "GET@staff": {"deactivated": UNAUTHORISED, "STAFF_API": OK, "OTHERS": NOT_FOUND},
        "GET@draft": {"deactivated": UNAUTHORISED, "STAFF_API": OK, "OTHERS": NOT_FOUND},
        "PATCH@public": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
        "PATCH@members": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "anonymous": NOT_FOUND, "OTHERS": FORBIDDEN},
        "PATCH@staff": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": NOT_FOUND},
        "PATCH@draft": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/library/items/{slug}/publish": {
        "POST@draft": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@staff": {"deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/thesaurus/concepts": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/thesaurus/concepts/{code}": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/portal/actions": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/portal/actions/{slug}": {
        "GET@published": {"deactivated": UNAUTHORISED, "OTHERS": OK},
        "GET@unpublished": {"deactivated": UNAUTHORISED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/experts/me/data": {
        "GET": {"NO_SESSION": UNAUTHORISED, "EXPERTS": OK, "OTHERS": FORBIDDEN},
    },
    "/api/v1/me": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/me/tokens": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/reference/activity-types": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/reference/countries": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/reference/deliverable-types": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/reference/regions": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/reference/themes": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/reference/topics": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
    },
    "/api/v1/requests": {
        "GET": {"NO_SESSION": UNAUTHORISED, "OTHERS": OK},
        "POST": {"NO_SESSION": UNAUTHORISED, "FOCAL_POINTS": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/requests/{pk}": {
        "GET@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@A_submitted": {"delegation": OK, "NO_SESSION": UNAUTHORISED, "STAFF_API|focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@B_submitted": {"delegation": OK, "NO_SESSION": UNAUTHORISED, "STAFF_API|other_focal_point": OK, "OTHERS": NOT_FOUND},
        "PATCH@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "PATCH@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "PATCH@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "PATCH@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/requests/{pk}/answer": {
        "POST@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/requests/{pk}/approve": {
        "POST@A_forwarded": {"other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "EXPERTS|observer|other_focal_point": NOT_FOUND, "committee": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API|focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
    },
    "/api/v1/requests/{pk}/defer": {
        "POST@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API|focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API|other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@A_forwarded": {"other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "EXPERTS|observer|other_focal_point": NOT_FOUND, "committee": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/requests/{pk}/endorsement-letter": {
        "POST": {"NO_SESSION": UNAUTHORISED, "OTHERS": ALLOWED},
        "DELETE@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "DELETE@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "DELETE@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "DELETE@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "GET@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@A_submitted": {"NO_SESSION": UNAUTHORISED, "STAFF_API|focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@B_submitted": {"NO_SESSION": UNAUTHORISED, "STAFF_API|other_focal_point": OK, "OTHERS": NOT_FOUND},
    },
    "/api/v1/requests/{pk}/forward": {
        "POST@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
    },
    "/api/v1/requests/{pk}/notes": {
        "POST@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@A_forwarded": {"delegation": FORBIDDEN, "other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "EXPERTS|observer|other_focal_point": NOT_FOUND, "focal_point": FORBIDDEN, "OTHERS": ALLOWED},
    },
    "/api/v1/requests/{pk}/reject": {
        "POST@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@A_forwarded": {"other_delegation": NOT_FOUND, "NO_SESSION": UNAUTHORISED, "EXPERTS|observer|other_focal_point": NOT_FOUND, "committee": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/requests/{pk}/request-info": {
        "POST@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
        "POST@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "other_focal_point": FORBIDDEN, "OTHERS": NOT_FOUND},
    },
    "/api/v1/requests/{pk}/submit": {
        "POST@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/requests/{pk}/withdraw": {
        "POST@A_draft": {"NO_SESSION": UNAUTHORISED, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@A_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B_draft": {"NO_SESSION": UNAUTHORISED, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B_submitted": {"delegation": FORBIDDEN, "NO_SESSION": UNAUTHORISED, "STAFF_API": FORBIDDEN, "other_focal_point": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "/api/v1/stats/experts": {
        "GET": {"NO_SESSION": UNAUTHORISED, "STAFF_API|committee|observer": OK, "OTHERS": FORBIDDEN},
    },
    # The statistics API (pontis/reports/api_stats.py, helper "figures"): the dashboard's readers.
    "/api/v1/stats/actions": {
        "GET": {"NO_SESSION": UNAUTHORISED, "STAFF_API|committee|observer": OK, "OTHERS": FORBIDDEN},
    },
    "/api/v1/stats/participants": {
        "GET": {"NO_SESSION": UNAUTHORISED, "STAFF_API|committee|observer": OK, "OTHERS": FORBIDDEN},
    },
    "healthz": read_only({
        "GET": {"OTHERS": OK},
    }),
    "set_language": {
        "GET": {"OTHERS": REDIRECT},
        "POST": {"OTHERS": ALLOWED},
    },
    "account_login": {
        "GET": {"NOT_SIGNED_IN": OK, "OTHERS": REDIRECT},
        "POST": {"OTHERS": ALLOWED},
    },
    "account_logout": {
        "GET": {"NOT_SIGNED_IN": REDIRECT, "OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "account_inactive": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": NOT_ALLOWED},
    },
    "account_signup": {
        "GET": {"NOT_SIGNED_IN": OK, "OTHERS": REDIRECT},
        "POST": {"OTHERS": ALLOWED},
    },
    "account_reauthenticate": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": OK},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "account_request_reauthentication_code": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": REDIRECT},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "account_confirm_reauthentication_code": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": REDIRECT},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "account_email": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": OK},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "account_email_verification_sent": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": NOT_ALLOWED},
    },
    "account_change_password": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": OK},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "account_set_password": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": REDIRECT},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "account_reset_password": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "account_confirm_login_code": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": REDIRECT},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "account_confirm_email": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": NOT_FOUND},
    },
    "account_reset_password_from_key_done": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": NOT_ALLOWED},
    },
    "account_reset_password_from_key": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "account_reset_password_done": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": NOT_ALLOWED},
    },
    "mfa_index": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": OK},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
    },
    "mfa_authenticate": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": REDIRECT},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "mfa_reauthenticate": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": OK, "OTHERS": REDIRECT},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "mfa_activate_totp": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": REDIRECT},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "mfa_deactivate_totp": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": REDIRECT, "OTHERS": NOT_FOUND},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "mfa_view_recovery_codes": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_FOUND},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
    },
    "mfa_generate_recovery_codes": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": REDIRECT},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "mfa_download_recovery_codes": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_FOUND},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_FOUND},
    },
    "api-1:openapi-json": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "api-1:openapi-view": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "api-1:api-root": {
        "GET": {"OTHERS": NOT_FOUND},
        "POST": {"OTHERS": NOT_FOUND},
    },
    "accounts:profile": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": OK},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "accounts:token_create": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "accounts:token_revoke": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST@own": {"NOT_SIGNED_IN": SIGN_IN, "admin|focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@other": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "accounts:institutions": read_only({
        "GET": {"DELEGATIONS": FORBIDDEN, "NOT_SIGNED_IN": SIGN_IN, "EXPERTS": FORBIDDEN, "OTHERS": OK},
    }),
    "accounts:institution_create": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "accounts:institution": read_only({
        "GET@A": {"DELEGATIONS": FORBIDDEN, "NOT_SIGNED_IN": SIGN_IN, "EXPERTS": FORBIDDEN, "other_focal_point": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": FORBIDDEN, "NOT_SIGNED_IN": SIGN_IN, "EXPERTS": FORBIDDEN, "focal_point": NOT_FOUND, "OTHERS": OK},
    }),
    "accounts:institution_edit": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "accounts:people": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "accounts:person_create": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "admin": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "admin": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "accounts:person": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "accounts:welcome": {
        "GET": {"OTHERS": INVALID},
        "POST": {"OTHERS": INVALID},
    },
    "accounts:role_revoke": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "admin": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "admin": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:list": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS|observer": FORBIDDEN, "OTHERS": OK},
    }),
    "intake:create": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:autosave_new": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:topics": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": OK, "OTHERS": FORBIDDEN},
    }),
    "intake:at_risk": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "intake:detail": read_only({
        "GET@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS|observer": FORBIDDEN, "focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@A_submitted": {"delegation": OK, "other_delegation": NOT_FOUND, "STAFF|focal_point": OK, "EXPERTS|observer": FORBIDDEN, "committee|other_focal_point": NOT_FOUND, "OTHERS": SIGN_IN},
        "GET@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS|observer": FORBIDDEN, "other_focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@B_submitted": {"delegation": OK, "other_delegation": NOT_FOUND, "STAFF|other_focal_point": OK, "EXPERTS|observer": FORBIDDEN, "committee|focal_point": NOT_FOUND, "OTHERS": SIGN_IN},
        "GET@A_forwarded": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "EXPERTS|observer": FORBIDDEN, "other_focal_point": NOT_FOUND, "OTHERS": OK},
    }),
    "intake:edit": {
        "GET@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": OK, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "GET@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": REDIRECT, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "GET@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": OK, "OTHERS": FORBIDDEN},
        "GET@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": REDIRECT, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:autosave": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:check": read_only({
        "GET@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": OK, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "GET@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": REDIRECT, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "GET@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": OK, "OTHERS": FORBIDDEN},
        "GET@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": REDIRECT, "OTHERS": FORBIDDEN},
    }),
    "intake:submit": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:delete_draft": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:withdraw": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:answer": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "FOCAL_POINTS": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": NOT_FOUND, "other_focal_point": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:ask_info": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:forward": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:reject": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_forwarded": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:defer": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "committee": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_forwarded": {"NOT_SIGNED_IN": SIGN_IN, "committee": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:follow": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_forwarded": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:note": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_forwarded": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": ALLOWED, "OTHERS": FORBIDDEN},
    },
    # The EU Delegation's consultation: staff ask (from a submitted request's page), the Delegation of the
    # request's country answers on its own page (the other Delegation and the committee, before forwarding, see
    # nothing of it).
    "intake:consult": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_forwarded": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:owner": {
        "GET@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "GET@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "GET@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "GET@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B_submitted": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "intake:opinion": {
        "GET@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|delegation": OK, "committee|other_delegation": NOT_FOUND,
                  "OTHERS": FORBIDDEN},
        "POST@A": {"NOT_SIGNED_IN": SIGN_IN, "delegation": ALLOWED, "committee|other_delegation": NOT_FOUND,
                   "OTHERS": FORBIDDEN},
    },
    "intake:endorsement": read_only({
        "GET@A_draft": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS|observer": FORBIDDEN, "focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@A_submitted": {"DELEGATIONS": NOT_FOUND, "STAFF|focal_point": OK, "EXPERTS|observer": FORBIDDEN, "committee|other_focal_point": NOT_FOUND, "OTHERS": SIGN_IN},
        "GET@B_draft": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS|observer": FORBIDDEN, "other_focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@B_submitted": {"DELEGATIONS": NOT_FOUND, "STAFF|other_focal_point": OK, "EXPERTS|observer": FORBIDDEN, "committee|focal_point": NOT_FOUND, "OTHERS": SIGN_IN},
    }),
    "actions:list": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "OTHERS": OK},
    }),
    "actions:process": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|observer": OK, "OTHERS": FORBIDDEN},
    }),
    "actions:at_risk": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "actions:request_approve": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "committee": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_forwarded": {"NOT_SIGNED_IN": SIGN_IN, "committee": ALLOWED, "OTHERS": FORBIDDEN},
        "POST@A_submitted": {"NOT_SIGNED_IN": SIGN_IN, "committee": NOT_FOUND, "OTHERS": FORBIDDEN},
    },
    "actions:detail": read_only({
        "GET@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "focal_point|expert": NOT_FOUND, "observer": FORBIDDEN, "OTHERS": OK},
    }),
    "actions:follow": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": ALLOWED, "OTHERS": FORBIDDEN},
    },
    # Partners and focal points during the Action: staff only.
    "actions:partner_add": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:partner_change": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:partner_remove": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:cancel": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:owner": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:mine": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee": OK, "OTHERS": FORBIDDEN},
    }),
    "actions:close": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:follow_up": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "OTHERS": NOT_ALLOWED},
        "POST@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "focal_point|expert": NOT_FOUND, "observer": FORBIDDEN, "OTHERS": ALLOWED},
    },
    "actions:fiche": {
        "GET@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "focal_point|expert": NOT_FOUND, "observer": FORBIDDEN, "OTHERS": OK},
        "POST@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "focal_point|expert": NOT_FOUND, "observer": FORBIDDEN, "OTHERS": ALLOWED},
    },
    "actions:fiche_diff": read_only({
        "GET@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "focal_point|expert": NOT_FOUND, "observer": FORBIDDEN, "OTHERS": OK},
    }),
    "actions:fiche_pdf": read_only({
        "GET@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "OTHERS": NOT_FOUND},
    }),
    "actions:activity_create": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:activity": read_only({
        "GET@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "focal_point|expert": NOT_FOUND, "observer": FORBIDDEN, "OTHERS": OK},
    }),
    "actions:activity_edit": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:activity_move": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:goals": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:activity_document_upload": {
        # Staff, and the expert confirmed on the activity (A's expert on A's, B's on B's); partners only read.
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "OTHERS": NOT_ALLOWED},
        "POST@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|expert": ALLOWED, "other_focal_point|other_expert|other_delegation": NOT_FOUND,
                   "OTHERS": FORBIDDEN},
        "POST@B": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|other_expert": ALLOWED, "focal_point|expert|DELEGATIONS": NOT_FOUND,
                   "OTHERS": FORBIDDEN},
    },
    "actions:activity_document": read_only({
        # Staff and the partner's focal points read the reports, and the experts confirmed on the activity.
        "GET@A": {"NOT_SIGNED_IN": SIGN_IN, "committee|observer|DELEGATIONS": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND,
                  "OTHERS": OK},
        "GET@B": {"NOT_SIGNED_IN": SIGN_IN, "committee|observer|DELEGATIONS": FORBIDDEN, "focal_point|expert": NOT_FOUND, "OTHERS": OK},
    }),
    "actions:deliverable_create": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:deliverable": read_only({
        "GET@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "focal_point|expert": NOT_FOUND, "observer": FORBIDDEN, "OTHERS": OK},
    }),
    "actions:deliverable_move": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "actions:deliverable_upload": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "OTHERS": NOT_ALLOWED},
        "POST@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": ALLOWED},
        "POST@B": {"DELEGATIONS": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "focal_point|expert": NOT_FOUND, "observer": FORBIDDEN, "OTHERS": ALLOWED},
    },
    "actions:deliverable_file": read_only({
        "GET@A": {"other_delegation": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "observer": FORBIDDEN, "other_focal_point|other_expert": NOT_FOUND, "OTHERS": OK},
        "GET@B": {"DELEGATIONS": NOT_FOUND, "NOT_SIGNED_IN": SIGN_IN, "focal_point|expert": NOT_FOUND, "observer": FORBIDDEN, "OTHERS": OK},
    }),
    "experts:roster": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "experts:export": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "experts:register": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "experts:register_sent": read_only({
        "GET": {"OTHERS": OK},
    }),
    "experts:confirm": {
        "GET": {"OTHERS": INVALID},
        "POST": {"OTHERS": ALLOWED},
    },
    "experts:me": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": OK},
    }),
    "experts:me_edit": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS": OK, "OTHERS": NOT_FOUND},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "experts:unavailability_add": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "experts:unavailability_remove": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST@A": {"NOT_SIGNED_IN": SIGN_IN, "expert": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B": {"NOT_SIGNED_IN": SIGN_IN, "other_expert": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "experts:reconfirm": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "experts:my_data": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS": OK, "OTHERS": NOT_FOUND},
    }),
    "experts:erasure": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "experts:criteria": read_only({
        "GET@invited": {"NOT_SIGNED_IN": SIGN_IN, "EXPERTS": OK, "OTHERS": NOT_FOUND},
        "GET@B": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_FOUND},
    }),
    "experts:invitation": {
        "GET@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": REDIRECT, "expert": OK, "OTHERS": NOT_FOUND},
        "GET@B": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": REDIRECT, "other_expert": OK, "OTHERS": NOT_FOUND},
        "POST@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|expert": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|other_expert": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "experts:invitation_answer": {
        "GET": {"OTHERS": INVALID},
        "POST": {"OTHERS": ALLOWED},
    },
    "experts:activities": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "experts:activity_experts": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "experts:invite": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "experts:shortlist": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_FOUND, "OTHERS": FORBIDDEN},
    },
    "experts:deployment_transition": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "experts:evaluate": {
        "GET@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|focal_point": OK, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "GET@B": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|other_focal_point": OK, "focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|focal_point": ALLOWED, "other_focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
        "POST@B": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|other_focal_point": ALLOWED, "focal_point": NOT_FOUND, "OTHERS": FORBIDDEN},
    },
    "experts:feedback": {
        "GET@A": {"NOT_SIGNED_IN": SIGN_IN, "expert": OK, "OTHERS": NOT_FOUND},
        "GET@B": {"NOT_SIGNED_IN": SIGN_IN, "other_expert": OK, "OTHERS": NOT_FOUND},
        "POST@A": {"NOT_SIGNED_IN": SIGN_IN, "expert": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B": {"NOT_SIGNED_IN": SIGN_IN, "other_expert": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "experts:imports": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "experts:import_job": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "experts:profile": read_only({
        "GET@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "expert": REDIRECT, "OTHERS": NOT_FOUND},
        "GET@B": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "other_expert": REDIRECT, "OTHERS": NOT_FOUND},
    }),
    "experts:edit": {
        "GET@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|expert": OK, "OTHERS": NOT_FOUND},
        "GET@B": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|other_expert": OK, "OTHERS": NOT_FOUND},
        "POST@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|expert": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@B": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|other_expert": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "experts:transition": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "experts:anonymise": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "experts:cv": read_only({
        "GET@A": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|expert": OK, "OTHERS": NOT_FOUND},
        "GET@B": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|other_expert": OK, "OTHERS": NOT_FOUND},
    }),
    "events:list": read_only({
        "GET": {"OTHERS": OK},
    }),
    "events:detail": read_only({
        "GET@public": {"OTHERS": OK},
        "GET@unpublished": {"NOT_SIGNED_IN": NOT_FOUND, "OTHERS": OK},
    }),
    # Registration and calendars (pontis/events, helper "registration"): the form, the personal link (and its
    # withdraw and self check-in) and a calendar feed's secret address are for whoever holds them, no account
    # needed; a meeting's calendar follows the meeting's visibility; feeds are managed by signed-in people (a
    # feed only by its owner: 404 for others); the registration list, decisions, export and attendance are staff's.
    "events:registration_register": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "events:registration_invitation": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "events:registration_own": read_only({
        "GET": {"OTHERS": OK},
    }),
    "events:registration_withdraw": {
        "GET": {"OTHERS": NOT_ALLOWED},
        "POST": {"OTHERS": ALLOWED},
    },
    "events:registration_self_check_in": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "events:registration_check_in_start": {
        "GET": {"OTHERS": OK},
        "POST": {"OTHERS": ALLOWED},
    },
    "events:calendar_meeting": read_only({
        "GET@public": {"OTHERS": OK},
        "GET@unpublished": {"NOT_SIGNED_IN": NOT_FOUND, "OTHERS": OK},
    }),
    "events:calendar_feed": read_only({
        "GET": {"OTHERS": OK},
    }),
    "events:calendar_feeds": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": OK},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "events:calendar_feed_revoke": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "events:registration_manage": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "events:registration_export": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "events:registration_attendance": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "events:registration_screen": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    **{f"events:registration_{_name}": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    } for _name in ("decide_many", "invite", "capacity", "decide", "attendance_mark", "attendance_undo")},
    # The meeting and agenda editors (pontis/events, helper "agenda"): staff only; the speakers' personal link opens
    # for whoever holds it (no account), an unknown link is 404; the world's meeting is past, so uploads are closed
    # (409, the page says why).
    "events:agenda_meeting_create": STAFF_FORM,
    **{f"events:agenda_{_name}": STAFF_FORM
       for _name in ("meeting_edit", "meeting_cancel", "session_add", "session_edit", "contribution_add",
                     "contribution_edit", "note_add", "note_edit")},
    **{f"events:agenda_{_name}": STAFF_POST
       for _name in ("meeting_held", "session_move", "session_delete", "contribution_move", "contribution_delete",
                     "speaker_link", "note_move", "note_delete")},
    "events:agenda_editor": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "events:agenda_speaker": {
        "GET@valid": {"OTHERS": OK},
        "POST@valid": {"OTHERS": ALLOWED},
        "GET@unknown": {"OTHERS": NOT_FOUND},
        "POST@unknown": {"OTHERS": NOT_FOUND},
    },
    # Meeting materials and protection (pontis/events/protection.py): a file opens for the people its level lets in,
    # anybody else gets the 404 of a missing file; staff upload, change, delete and set who may see what.
    "events:materials_download": read_only({
        "GET@public": {"OTHERS": OK},
        "GET@members": {"NOT_SIGNED_IN": NOT_FOUND, "OTHERS": OK},
        "GET@roles": {"STAFF|committee": OK, "OTHERS": NOT_FOUND},
    }),
    **{f"events:materials_{_name}": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    } for _name in ("upload", "edit", "access", "meeting_access")},
    "events:materials_delete": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "search:search": read_only({
        "GET": {"OTHERS": OK},
    }),
    "search:suggest": read_only({
        "GET": {"OTHERS": OK},
    }),
    # Panels (pontis/events, helper "panels"): everyone reads a public panel; staff change it; a delegate (A's focal
    # point, for Cabo Verde) and staff offer to host; staff confirm or decline; an offer one may not decide is 404.
    "panels:list": read_only({
        "GET": {"OTHERS": OK},
    }),
    "panels:detail": read_only({
        "GET": {"OTHERS": OK},
    }),
    "panels:create": STAFF_FORM,
    "panels:edit": STAFF_FORM,
    "panels:member_add": STAFF_POST,
    "panels:member_remove": STAFF_POST,
    "panels:delegate_add": STAFF_POST,
    "panels:delegate_remove": STAFF_POST,
    "panels:programme_create": STAFF_POST,
    "panels:programme_adopt": STAFF_POST,
    "panels:topic_link": STAFF_POST,
    "panels:offer_create": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|focal_point": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "panels:offer_confirm": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "panels:offer_decline": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "panels:offer_withdraw": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": NOT_FOUND},
    },
    # Minutes of the public meeting (open for comments; attendees only, and the world has none): staff write and
    # publish them and read the report before publication; others see the page without the draft.
    "events:minutes": read_only({
        "GET": {"OTHERS": OK},
    }),
    "events:minutes_save": STAFF_POST,
    "events:minutes_open": STAFF_POST,
    "events:minutes_publish": STAFF_POST,
    "events:minutes_comment": {
        "GET": {"OTHERS": NOT_ALLOWED},
        "POST": {"STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "events:minutes_report": read_only({
        "GET": {"STAFF": OK, "OTHERS": NOT_FOUND},
    }),
    # The practice library (pontis/knowledge): anonymous visitors read public published items, signed-in members
    # also members items, staff every item and status; an item or file one may not see answers 404.
    "library:list": read_only({
        "GET": {"OTHERS": OK},
    }),
    "library:detail": read_only({
        "GET@public": {"OTHERS": OK},
        "GET@members": {"NOT_SIGNED_IN": NOT_FOUND, "OTHERS": OK},
        "GET@staff": {"STAFF": OK, "OTHERS": NOT_FOUND},
        "GET@draft": {"STAFF": OK, "OTHERS": NOT_FOUND},
    }),
    "library:file": read_only({
        "GET@public": {"OTHERS": OK},
        "GET@members": {"NOT_SIGNED_IN": NOT_FOUND, "OTHERS": OK},
        "GET@staff": {"STAFF": OK, "OTHERS": NOT_FOUND},
        "GET@draft": {"STAFF": OK, "OTHERS": NOT_FOUND},
    }),
    "library:create": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "library:edit": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "library:from_action": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "library:publish": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "library:withdraw": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "library:visibility": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "library:file_upload": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "library:file_remove": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    # The thesaurus (pontis/knowledge): everyone reads it; staff add and remove alternative labels.
    "thesaurus:list": read_only({
        "GET": {"OTHERS": OK},
    }),
    "thesaurus:detail": read_only({
        "GET": {"OTHERS": OK},
    }),
    "thesaurus:label_add": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "thesaurus:label_remove": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    # Feedback distribution (pontis/feedback): the respondents' links need no account (the token or the QR code's key
    # is the access; an unknown one is 404); sending, reminding, the QR code and the responses are staff's.
    **{_name: {
        "GET@valid": {"OTHERS": OK}, "GET@unknown": {"OTHERS": NOT_FOUND},
        "POST@valid": {"OTHERS": ALLOWED}, "POST@unknown": {"OTHERS": NOT_FOUND},
    } for _name in ("feedback:respond_link", "feedback:respond_open")},
    **{_name: read_only({
        "GET@valid": {"OTHERS": OK}, "GET@unknown": {"OTHERS": NOT_FOUND},
    }) for _name in ("feedback:respond_link_done", "feedback:respond_open_done")},
    **{f"feedback:{_name}": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }) for _name in ("distribution", "distribution_qr", "distribution_qr_print", "distribution_responses",
                     "distribution_export")},
    **{f"feedback:{_name}": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    } for _name in ("distribution_invite", "distribution_remind", "distribution_qr_make")},
    "/api/v1/responses": {
        "POST": {"OTHERS": (INVALID, NOT_FOUND)},
    },
    "/api/v1/questionnaires/{questionnaire_id}/invitations": {
        "POST": {"NO_SESSION|deactivated": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": NOT_FOUND},
    },
    # Feedback builder (pontis/feedback, QuestionnairePolicy): staff build, launch and close questionnaires; nobody
    # else opens the builder (403), over the API too (respondents reach a questionnaire by its link only).
    **{f"feedback:{_name}": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }) for _name in ("builder_list", "builder_templates", "builder_detail", "builder_preview", "builder_versions")},
    **{f"feedback:{_name}": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    } for _name in ("builder_create", "builder_settings", "builder_launch", "builder_question_add", "builder_question",
                    "builder_choice")},
    **{f"feedback:{_name}": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    } for _name in ("builder_close", "builder_reopen", "builder_question_move", "builder_question_delete",
                    "builder_choice_add", "builder_choice_move", "builder_choice_delete")},
    "/api/v1/questionnaires": {
        "GET": {"NO_SESSION": UNAUTHORISED, "STAFF_API": OK, "OTHERS": FORBIDDEN},
        "POST": {"NO_SESSION": UNAUTHORISED, "STAFF_API": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/questionnaires/{questionnaire_id}": {
        "GET": {"NO_SESSION": UNAUTHORISED, "STAFF_API": OK, "OTHERS": FORBIDDEN},
    },
    # Feedback indicators (pontis/feedback, IndicatorsPolicy): aggregate figures for staff, the steering committee
    # and donor observers; partners, experts and Delegations are refused; the exports follow the page.
    **{f"feedback:{_name}": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee|observer": OK, "OTHERS": FORBIDDEN},
    }) for _name in ("indicators_review", "indicators_review_xlsx", "indicators_review_pdf")},
    "/api/v1/indicators": {
        "GET": {"NO_SESSION": UNAUTHORISED, "STAFF_API|committee|observer": OK, "OTHERS": FORBIDDEN},
    },
    # The "In numbers" dashboard (pontis/reports, DashboardPolicy): staff, the steering committee and donor
    # observers read the figures and export each table; partners, experts and Delegations are refused.
    **{f"reports:{_name}": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee|observer": OK, "OTHERS": FORBIDDEN},
    }) for _name in ("dashboard", "dashboard_table_export")},
    # The export of every table is a report job (ReportJobPolicy): staff prepare it, follow it and download it;
    # other readers of figures never see an export job (404), everyone else is refused at the gate.
    "reports:dashboard_export": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    **{f"reports:{_name}": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "committee|observer": NOT_FOUND, "OTHERS": FORBIDDEN},
    }) for _name in ("dashboard_export_job", "dashboard_export_download")},
    # The annual report (pontis/reports, ReportJobPolicy): staff ask for a build, follow it and cancel it; every
    # reader of figures lists and downloads the finished reports (a build under way is staff's: 404 to the others).
    "reports:annual_list": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee|observer": OK, "OTHERS": FORBIDDEN},
    }),
    "reports:annual_new": STAFF_FORM,
    **{f"reports:{_name}": read_only({
        "GET@done": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee|observer": OK, "OTHERS": FORBIDDEN},
        "GET@queued": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "committee|observer": NOT_FOUND, "OTHERS": FORBIDDEN},
    }) for _name in ("annual_job", "annual_progress")},
    "reports:annual_download": read_only({
        "GET@done": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee|observer": OK, "OTHERS": FORBIDDEN},
        "GET@queued": {"NOT_SIGNED_IN": SIGN_IN, "STAFF|committee|observer": NOT_FOUND, "OTHERS": FORBIDDEN},
    }),
    "reports:annual_cancel": {
        "GET@queued": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST@queued": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    # IATI open data (pontis/reports, IatiRecordPolicy): the check page and "check now" are staff's; the IATI file
    # is public (it holds only what the facility publishes), like the portal's API.
    "reports:iati": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "reports:iati_check": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "/api/v1/iati/activities.xml": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": OK},
    },
    "core:home": read_only({
        "GET": {"OTHERS": OK},
    }),
    "core:notifications": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": OK},
    }),
    "core:notifications_read_all": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": ALLOWED},
    },
    "core:notification_read": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "OTHERS": NOT_ALLOWED},
        "POST@own": {"NOT_SIGNED_IN": SIGN_IN, "focal_point": ALLOWED, "OTHERS": NOT_FOUND},
        "POST@other": {"NOT_SIGNED_IN": SIGN_IN, "officer": ALLOWED, "OTHERS": NOT_FOUND},
    },
    "core:history": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    "core:access_log": read_only({
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
    }),
    # "Similar elsewhere": the panel (htmx partial) for whoever may see the source and its suggestions (a request:
    # staff and its requesting focal point); pins, dismissals and resets for staff only.
    "similar:panel": read_only({
        "GET@A_request": {"STAFF|focal_point": OK, "OTHERS": NOT_FOUND},
        "GET@A_action": {"STAFF|committee|focal_point|expert|delegation": OK, "OTHERS": NOT_FOUND},
        "GET@B_action": {"STAFF|committee|other_focal_point|other_expert": OK, "OTHERS": NOT_FOUND},
    }),
    **{f"similar:{_name}": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    } for _name in ("pin", "dismiss", "reset")},
    "/api/v1/similar": {
        "GET": {"deactivated": UNAUTHORISED, "OTHERS": INVALID},
    },
    # The map of where the facility works: public (the published Actions; staff see every Action).
    "portal:map": read_only({
        "GET": {"OTHERS": OK},
    }),
    # The public portal (pontis/knowledge): its pages, the sitemap and robots.txt are for everyone; an unpublished
    # Action's page is a preview for staff only; what the portal shows about an Action is staff's to change.
    "portal:home": read_only({
        "GET": {"OTHERS": OK},
    }),
    "portal:actions": read_only({
        "GET": {"OTHERS": OK},
    }),
    "portal:action": read_only({
        "GET@published": {"OTHERS": OK},
        "GET@unpublished": {"STAFF": OK, "OTHERS": NOT_FOUND},
    }),
    "portal:manage": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": OK, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "portal:publish": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "portal:unpublish": {
        "GET": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": NOT_ALLOWED, "OTHERS": FORBIDDEN},
        "POST": {"NOT_SIGNED_IN": SIGN_IN, "STAFF": ALLOWED, "OTHERS": FORBIDDEN},
    },
    "sitemap": read_only({
        "GET": {"OTHERS": OK},
    }),
    "robots": read_only({
        "GET": {"OTHERS": OK},
    }),
    # The admin's "view on site" shortcut (/admin/r/<content type>/<id>/) is guarded by the admin itself, like its
    # other pages: administrators get through (404 here: an institution has no page address of its own), everyone
    # else is sent to the admin's sign-in page.
    "admin:view_on_site": {
        "GET": {"admin": NOT_FOUND, "OTHERS": SIGN_IN},
        "POST": {"admin": NOT_FOUND, "OTHERS": SIGN_IN},
    },
    # The admin site: only administrators get in; everyone else is sent to the admin's sign-in page, also from the
    # admin's object redirects (/admin/r/<content type>/<id>/, /admin/<app>/<model>/<id>/), which the admin guards
    # itself; signed-in people who are not staff are refused (403) on that sign-in page. Administrators meet 403
    # where the admin itself forbids (the audit trail and reference data cannot be deleted) and 404/405.
    ADMIN_ROW: {
        "GET": {"admin": (OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED), "OTHERS": (SIGN_IN, FORBIDDEN, REDIRECT)},
        "POST": {"admin": (ALLOWED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED), "OTHERS": (SIGN_IN, FORBIDDEN, REDIRECT)},
    },
}


def members(key: str) -> set[str]:
    if key == OTHERS:
        return set(PRINCIPALS)
    found = set()
    for part in key.split("|"):
        if part in GROUPS:
            found |= GROUPS[part]
        elif part in PRINCIPALS:
            found.add(part)
        else:
            raise KeyError(f"unknown principal or group {part!r} in tests/access/table.py")
    return found


def row_for(route):
    if route.key in TABLE:
        return TABLE[route.key]
    if route.pattern.startswith("/admin/"):
        return TABLE.get(ADMIN_ROW)
    return None


def expected_for(route, method: str, variant: str, principal: str):
    row = row_for(route)
    if row is None:
        return None
    cell = row.get(f"{method}@{variant}") if variant else None
    if cell is None:
        cell = row.get(method)
    if cell is None:
        return None
    for key, outcome in cell.items():
        if principal in members(key):
            return outcome
    return None
