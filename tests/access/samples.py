"""A sample value for every URL parameter of every route, per variant (whose object it is, in which state).

A route with parameters and no entry here fails the matrix. Variant names say whose object it is: "A" is the
institution of ``focal_point`` and ``expert``; "B" that of ``other_focal_point`` and ``other_expert``.
"""

from __future__ import annotations

import re

from django.apps import apps


def _pk(name):
    return lambda w: {"pk": w.obj[name].pk}


def _code(name):
    return lambda w: {"code": w.obj[name].code}


def _requests():
    return {"A_draft": _pk("request_a_draft"), "A_submitted": _pk("request_a_submitted"),
            "B_draft": _pk("request_b_draft"), "B_submitted": _pk("request_b_submitted")}


def _requests_routed():
    return {**_requests(), "A_forwarded": _pk("request_a_forwarded")}


def _actions():
    return {"A": _code("action_a"), "B": _code("action_b")}


def _partners():
    return {"A": lambda w: {"code": w.obj["action_a"].code, "pk": w.obj["partner_a"].pk},
            "B": lambda w: {"code": w.obj["action_b"].code, "pk": w.obj["partner_b"].pk}}


def _activities(key="pk"):
    return {"A": lambda w: {"code": w.obj["action_a"].code, key: w.obj["activity_a"].pk},
            "B": lambda w: {"code": w.obj["action_b"].code, key: w.obj["activity_b"].pk}}


def _deliverables():
    return {"A": lambda w: {"code": w.obj["action_a"].code, "pk": w.obj["deliverable_a"].pk},
            "B": lambda w: {"code": w.obj["action_b"].code, "pk": w.obj["deliverable_b"].pk}}


def _activity_ids():
    return {"A": lambda w: {"activity_id": w.obj["activity_a"].pk}, "B": lambda w: {"activity_id": w.obj["activity_b"].pk}}


def _profiles():
    return {"A": _pk("profile_a"), "B": _pk("profile_b")}


def _deployments():
    return {"A": _pk("deployment_a"), "B": _pk("deployment_b")}


def _library_items(variants=("public", "members", "staff", "draft")):
    return {v: (lambda w, v=v: {"slug": w.obj[f"library_{v}"].slug}) for v in variants}


def _library_files(variants=("public", "members", "staff", "draft")):
    return {v: (lambda w, v=v: {"slug": w.obj[f"library_{v}"].slug, "file_id": w.obj[f"library_file_{v}"].pk})
            for v in variants}


SAMPLES: dict[str, dict] = {
    # accounts
    "accounts:token_revoke": {"own": _pk("token_own"), "other": _pk("token_other")},
    "accounts:institution": {"A": _pk("institution_a"), "B": _pk("institution_b")},
    "accounts:institution_edit": {"A": _pk("institution_a"), "B": _pk("institution_b")},
    "accounts:person": {"focal_point": lambda w: {"pk": w.users["focal_point"].pk},
                        "officer": lambda w: {"pk": w.users["officer"].pk}},
    "accounts:role_revoke": {"": _pk("role_plain")},
    "accounts:welcome": {"bad_token": lambda w: {"uidb64": "MQ", "token": "not-a-token"}},
    # intake
    "intake:detail": _requests_routed(),
    "intake:edit": _requests(),
    "intake:autosave": _requests(),
    "intake:check": _requests(),
    "intake:submit": _requests(),
    "intake:delete_draft": _requests(),
    "intake:withdraw": _requests(),
    "intake:follow": _requests_routed(),
    "intake:answer": _requests(),
    "intake:ask_info": _requests(),
    "intake:forward": _requests(),
    "intake:reject": _requests_routed(),
    "intake:defer": _requests_routed(),
    "intake:note": _requests_routed(),
    "intake:endorsement": _requests(),
    "intake:consult": _requests_routed(),
    "intake:opinion": {"A": _pk("consultation_a")},
    "intake:owner": _requests(),
    # actions
    "actions:request_approve": {"A_forwarded": _pk("request_a_forwarded"), "A_submitted": _pk("request_a_submitted")},
    "actions:detail": _actions(),
    "actions:cancel": _actions(),
    "actions:partner_add": _actions(),
    "actions:partner_change": _partners(),
    "actions:partner_remove": _partners(),
    "actions:follow": _actions(),
    "actions:close": _actions(),
    "actions:owner": _actions(),
    "actions:follow_up": {"A": lambda w: {"code": w.obj["action_a"].code, "pk": w.obj["follow_up_a"].pk},
                          "B": lambda w: {"code": w.obj["action_b"].code, "pk": w.obj["follow_up_b"].pk}},
    "actions:fiche": _actions(),
    "actions:fiche_diff": _actions(),
    "actions:fiche_pdf": {"A": lambda w: {"code": w.obj["action_a"].code, "number": 1},
                          "B": lambda w: {"code": w.obj["action_b"].code, "number": 1}},
    "actions:activity_create": _actions(),
    "actions:activity": _activities(),
    "actions:activity_edit": _activities(),
    "actions:activity_move": {"A": lambda w: {**_activities()["A"](w), "step": "confirm"},
                              "B": lambda w: {**_activities()["B"](w), "step": "confirm"}},
    "actions:deliverable_create": _actions(),
    "actions:goals": _actions(),
    "actions:activity_document_upload": _activities(),
    "actions:activity_document": {
        "A": lambda w: {"code": w.obj["action_a"].code, "pk": w.obj["activity_a"].pk, "doc_pk": w.obj["activity_document_a"].pk},
        "B": lambda w: {"code": w.obj["action_b"].code, "pk": w.obj["activity_b"].pk, "doc_pk": w.obj["activity_document_b"].pk},
    },
    "actions:deliverable": _deliverables(),
    "actions:deliverable_move": _deliverables(),
    "actions:deliverable_upload": _deliverables(),
    "actions:deliverable_file": {
        "A": lambda w: {"code": w.obj["action_a"].code, "pk": w.obj["deliverable_a"].pk, "file_pk": w.obj["deliverable_file_a"].pk},
        "B": lambda w: {"code": w.obj["action_b"].code, "pk": w.obj["deliverable_b"].pk, "file_pk": w.obj["deliverable_file_b"].pk},
    },
    # experts
    "experts:export": {"csv": lambda w: {"fmt": "csv"}, "xlsx": lambda w: {"fmt": "xlsx"}},
    "experts:confirm": {"bad_token": lambda w: {"token": "not-a-token"}},
    "experts:unavailability_remove": {"A": _pk("unavailability_a"), "B": _pk("unavailability_b")},
    # An activity of A's Action that both experts are invited to, and B's activity (no invitation).
    "experts:criteria": {"invited": lambda w: {"activity_id": w.obj["invitation_a"].activity_id},
                         "B": lambda w: {"activity_id": w.obj["activity_b"].pk}},
    "experts:invitation": {"A": _pk("invitation_a"), "B": _pk("invitation_b")},
    "experts:invitation_answer": {"bad_token": lambda w: {"token": "not-a-token"}},
    "experts:activity_experts": _activity_ids(),
    "experts:invite": _activity_ids(),
    "experts:shortlist": _activity_ids(),
    "experts:deployment_transition": _deployments(),
    "experts:evaluate": _deployments(),
    "experts:feedback": _deployments(),
    "experts:import_job": {"": _pk("import_job")},
    "experts:profile": _profiles(),
    "experts:edit": _profiles(),
    "experts:transition": _profiles(),
    "experts:anonymise": _profiles(),
    "experts:cv": _profiles(),
    # events
    "events:detail": {"public": lambda w: {"slug": w.obj["meeting_public"].slug},
                      "unpublished": lambda w: {"slug": w.obj["meeting_unpublished"].slug}},
    # library (pontis/knowledge)
    "library:create": {"": lambda w: {"kind": "case_study"}},
    "library:from_action": {"A": _code("action_a")},
    "library:detail": _library_items(),
    "library:edit": _library_items(("public", "staff")),
    "library:publish": _library_items(("draft", "staff")),
    "library:withdraw": _library_items(("public", "staff")),
    "library:visibility": _library_items(("public", "staff")),
    "library:file_upload": _library_items(("public", "staff")),
    "library:file": _library_files(),
    "library:file_remove": _library_files(("public", "staff")),
    # thesaurus (pontis/knowledge)
    "thesaurus:detail": {"": lambda w: {"code": w.obj["concept"].code}},
    "thesaurus:label_add": {"": lambda w: {"code": w.obj["concept"].code}},
    "thesaurus:label_remove": {"": lambda w: {"code": w.obj["concept"].code, "pk": w.obj["concept_label"].pk}},
    "/api/v1/thesaurus/concepts/{code}": {"": lambda w: {"code": w.obj["concept"].code}},
    # the public portal (pontis/knowledge)
    "portal:action": {"published": lambda w: {"slug": w.obj["portal_published"].slug},
                      "unpublished": lambda w: {"slug": w.obj["portal_unpublished"].slug}},
    "portal:manage": {"A": _code("action_a")},
    "portal:publish": {"A": _code("action_a")},
    "portal:unpublish": {"A": _code("action_a")},
    "/api/v1/portal/actions/{slug}": {"published": lambda w: {"slug": w.obj["portal_published"].slug},
                                      "unpublished": lambda w: {"slug": w.obj["portal_unpublished"].slug}},
    # core
    "core:notification_read": {"own": _pk("notification_own"), "other": _pk("notification_other")},
    "core:history": {"A": lambda w: _history(w.obj["action_a"]), "B": lambda w: _history(w.obj["action_b"])},
    # allauth (third party): keys that do not exist
    "account_confirm_email": {"bad_key": lambda w: {"key": "not-a-key"}},
    "account_reset_password_from_key": {"bad_key": lambda w: {"uidb36": "0", "key": "not-a-key"}},
    # API
    "/api/v1/requests/{pk}": _requests(),
    "/api/v1/requests/{pk}/answer": _requests(),
    "/api/v1/requests/{pk}/approve": {"A_forwarded": _pk("request_a_forwarded"), "A_submitted": _pk("request_a_submitted")},
    "/api/v1/requests/{pk}/defer": _requests_routed(),
    "/api/v1/requests/{pk}/endorsement-letter": _requests(),
    "/api/v1/requests/{pk}/forward": _requests(),
    "/api/v1/requests/{pk}/notes": _requests_routed(),
    "/api/v1/requests/{pk}/reject": _requests_routed(),
    "/api/v1/requests/{pk}/request-info": _requests(),
    "/api/v1/requests/{pk}/submit": _requests(),
    "/api/v1/requests/{pk}/withdraw": _requests(),
    "/api/v1/actions/{code}": _actions(),
    "/api/v1/actions/{code}/cancel": _actions(),
    "/api/v1/actions/{code}/partners": _actions(),
    "/api/v1/actions/{code}/partners/{institution_id}": {
        "A": lambda w: {"code": w.obj["action_a"].code, "institution_id": w.obj["institution_a"].pk},
        "B": lambda w: {"code": w.obj["action_b"].code, "institution_id": w.obj["institution_b"].pk}},
    "/api/v1/actions/{code}/close": _actions(),
    "/api/v1/actions/{code}/fiche/agree": _actions(),
    "/api/v1/activities/{pk}": {"A": _pk("activity_a"), "B": _pk("activity_b")},
    "/api/v1/activities/{activity_id}/candidates": _activity_ids(),
    "/api/v1/activities/{pk}/documents": {"A": _pk("activity_a"), "B": _pk("activity_b")},
    "/api/v1/deliverables/{pk}": {"A": _pk("deliverable_a"), "B": _pk("deliverable_b")},
    "/api/v1/events/{meeting_id}": {"public": lambda w: {"meeting_id": w.obj["meeting_public"].pk},
                                    "unpublished": lambda w: {"meeting_id": w.obj["meeting_unpublished"].pk}},
    # knowledge: "similar elsewhere" on A's submitted request and on A's and B's Actions
    **{f"similar:{_name}": {"A_request": lambda w: {"kind": "request", "pk": w.obj["request_a_submitted"].pk},
                            "A_action": lambda w: {"kind": "action", "pk": w.obj["action_a"].pk},
                            "B_action": lambda w: {"kind": "action", "pk": w.obj["action_b"].pk}}
       for _name in ("panel", "pin", "dismiss", "reset")},
    "/api/v1/library/items/{slug}": _library_items(),
    "/api/v1/library/items/{slug}/publish": _library_items(("draft", "staff")),
}
for _verb in ("cancel", "confirm", "deliver", "postpone", "report", "reschedule"):
    SAMPLES[f"/api/v1/activities/{{pk}}/{_verb}"] = {"A": _pk("activity_a"), "B": _pk("activity_b")}
for _verb in ("adopt", "endorse", "validate"):
    SAMPLES[f"/api/v1/deliverables/{{pk}}/{_verb}"] = {"A": _pk("deliverable_a"), "B": _pk("deliverable_b")}


def _history(obj):
    from django.contrib.contenttypes.models import ContentType

    return {"content_type_id": ContentType.objects.get_for_model(obj).pk, "object_id": obj.pk}


_ADMIN_MODEL = re.compile(r"^/admin/(?P<app>\w+)/(?P<model>\w+)/")


def admin_samples(route) -> dict:
    """The admin site's routes: an existing row of the route's model (the first one), or a missing one."""
    params = set(route.params)
    if params == {"app_label"}:
        return {"": lambda w: {"app_label": "core"}}
    if params == {"url"}:
        return {"": lambda w: {"url": "no-such-page/"}}
    if params == {"content_type_id", "object_id"}:
        return {"": lambda w: _history(w.obj["institution_a"])}
    match = _ADMIN_MODEL.match(route.pattern)
    if params == {"object_id"} and match:
        model = apps.get_model(match["app"], match["model"])

        def first(w):
            row = model.objects.order_by("pk").first()
            return {"object_id": row.pk if row is not None else 0}

        return {"": first}
    return {}


def samples_for(route) -> dict:
    """Variant name -> a function of the world answering the URL's keyword arguments."""
    if not route.params:
        return {"": lambda w: {}}
    if route.key in SAMPLES:
        return SAMPLES[route.key]
    if route.pattern.startswith("/admin/"):
        return admin_samples(route)
    return {}
