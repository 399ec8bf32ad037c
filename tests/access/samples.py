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


def _registration_samples() -> dict:
    """Registration and calendar pages (pontis/events, helper "registration")."""
    from pontis.events.services.registration import day_key

    def slug(w):
        return {"slug": w.obj["meeting_open"].slug}

    def day(w):
        return {**slug(w), "day": w.obj["meeting_open"].start_date.isoformat()}

    def key(w):
        return day_key(w.obj["meeting_open"], w.obj["meeting_open"].start_date)

    token = {"": lambda w: {"token": w.obj["registration"].token}}
    return {
        "events:registration_invitation": {"": lambda w: {"token": w.obj["meeting_invitation_sent"].token}},
        "events:registration_own": token,
        "events:registration_withdraw": token,
        "events:registration_self_check_in": {"": lambda w: {"token": w.obj["registration"].token, "key": key(w)}},
        "events:calendar_feed_revoke": {"": lambda w: {"pk": w.obj["calendar_feed"].pk}},
        "events:calendar_feed": {"": lambda w: {"token": w.obj["calendar_feed"].token}},
        "events:calendar_meeting": {"public": lambda w: {"slug": w.obj["meeting_public"].slug},
                                    "unpublished": lambda w: {"slug": w.obj["meeting_unpublished"].slug}},
        "events:registration_register": {"": slug},
        "events:registration_check_in_start": {"": lambda w: {**slug(w), "key": key(w)}},
        "events:registration_manage": {"": slug},
        "events:registration_decide_many": {"": slug},
        "events:registration_invite": {"": slug},
        "events:registration_capacity": {"": slug},
        "events:registration_export": {"": lambda w: {**slug(w), "fmt": "csv"}},
        "events:registration_decide": {"": lambda w: {**slug(w), "pk": w.obj["registration"].pk}},
        "events:registration_attendance": {"": day},
        "events:registration_attendance_mark": {"": day},
        "events:registration_attendance_undo": {"": lambda w: {**day(w), "pk": w.obj["attendance"].pk}},
        "events:registration_screen": {"": day},
    }


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
    "reports:dashboard_table_export": {"": lambda w: {"figure_id": "actions.total", "fmt": "csv"}},
    "reports:dashboard_export_job": {"": _pk("export_job")},
    "reports:dashboard_export_download": {"": _pk("export_job")},
    **{f"reports:{_name}": {"done": _pk("annual_done"), "queued": _pk("annual_queued")}
       for _name in ("annual_job", "annual_progress", "annual_download")},
    "reports:annual_cancel": {"queued": _pk("annual_queued")},
    "experts:profile": _profiles(),
    "experts:edit": _profiles(),
    "experts:transition": _profiles(),
    "experts:anonymise": _profiles(),
    "experts:cv": _profiles(),
    # events
    "events:detail": {"public": lambda w: {"slug": w.obj["meeting_public"].slug},
                      "unpublished": lambda w: {"slug": w.obj["meeting_unpublished"].slug}},
    # meeting materials and protection (pontis/events)
    "events:materials_download": {key: _pk(f"material_{key}") for key in ("public", "members", "roles")},
    "events:materials_edit": {"": _pk("material_members")},
    "events:materials_access": {"": _pk("material_members")},
    "events:materials_delete": {"": _pk("material_members")},
    "events:materials_upload": {"": lambda w: {"slug": w.obj["meeting_public"].slug}},
    "events:materials_meeting_access": {"": lambda w: {"slug": w.obj["meeting_public"].slug}},
    # meeting and agenda editors, speakers' links (pontis/events, helper "agenda"): the public meeting's agenda
    **{f"events:agenda_{_name}": {"": lambda w: {"slug": w.obj["meeting_public"].slug}}
       for _name in ("meeting_edit", "meeting_held", "meeting_cancel", "editor", "session_add")},
    **{f"events:agenda_{_name}": {"": lambda w: {"slug": w.obj["meeting_public"].slug, "pk": w.obj["agenda_session"].pk}}
       for _name in ("session_edit", "session_move", "session_delete", "contribution_add", "note_add")},
    **{f"events:agenda_{_name}": {"": lambda w: {"slug": w.obj["meeting_public"].slug,
                                                  "pk": w.obj["agenda_contribution"].pk}}
       for _name in ("contribution_edit", "contribution_move", "contribution_delete", "speaker_link")},
    **{f"events:agenda_{_name}": {"": lambda w: {"slug": w.obj["meeting_public"].slug, "pk": w.obj["agenda_note"].pk}}
       for _name in ("note_edit", "note_move", "note_delete")},
    "events:agenda_speaker": {"valid": lambda w: {"token": w.obj["agenda_contribution"].speaker_token},
                              "unknown": lambda w: {"token": "not-a-token"}},
    # panels and minutes (pontis/events, helper "panels")
    **{f"panels:{_name}": {"": lambda w: {"slug": w.obj["panel"].slug}}
       for _name in ("detail", "edit", "member_add", "delegate_add", "programme_create", "offer_create")},
    "panels:member_remove": {"": lambda w: {"slug": w.obj["panel"].slug, "pk": w.obj["panel_member"].pk}},
    "panels:delegate_remove": {"": lambda w: {"slug": w.obj["panel"].slug, "pk": w.obj["panel_delegate"].pk}},
    "panels:programme_adopt": {"": lambda w: {"slug": w.obj["panel"].slug, "year": w.obj["programme"].year}},
    "panels:topic_link": {"": lambda w: {"slug": w.obj["panel"].slug, "pk": w.obj["topic"].pk}},
    **{f"panels:offer_{_name}": {"": lambda w: {"slug": w.obj["panel"].slug, "pk": w.obj["host_offer"].pk}}
       for _name in ("confirm", "decline", "withdraw")},
    **{f"events:{_name}": {"": lambda w: {"slug": w.obj["meeting_public"].slug}}
       for _name in ("minutes", "minutes_save", "minutes_open", "minutes_publish", "minutes_comment", "minutes_report")},
    "/api/v1/panels/{slug}": {"": lambda w: {"slug": w.obj["panel"].slug}},
    "/api/v1/panels/{slug}/host-offers": {"": lambda w: {"slug": w.obj["panel"].slug}},
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
    # feedback distribution (pontis/feedback): a personal link, a QR code, the staff pages of one questionnaire
    "feedback:respond_link": {"valid": lambda w: {"token": w.obj["fb_invitation"].token},
                              "unknown": lambda w: {"token": "not-a-token"}},
    "feedback:respond_link_done": {"valid": lambda w: {"token": w.obj["fb_invitation"].token},
                                   "unknown": lambda w: {"token": "not-a-token"}},
    "feedback:respond_open": {"valid": lambda w: {"open_key": w.obj["fb_questionnaire"].open_key},
                              "unknown": lambda w: {"open_key": "not-a-key"}},
    "feedback:respond_open_done": {"valid": lambda w: {"open_key": w.obj["fb_questionnaire"].open_key},
                                   "unknown": lambda w: {"open_key": "not-a-key"}},
    **{f"feedback:{_name}": {"": _pk("fb_questionnaire")}
       for _name in ("distribution", "distribution_invite", "distribution_remind", "distribution_qr",
                     "distribution_qr_print", "distribution_qr_make", "distribution_responses")},
    "feedback:distribution_export": {"": lambda w: {"pk": w.obj["fb_questionnaire"].pk, "fmt": "csv"}},
    "/api/v1/questionnaires/{questionnaire_id}/invitations": {
        "": lambda w: {"questionnaire_id": w.obj["fb_questionnaire"].pk}},
    # feedback builder (pontis/feedback): the draft questionnaire of the world, its question and a choice
    **{f"feedback:{_name}": {"": _pk("fb_draft")}
       for _name in ("builder_detail", "builder_settings", "builder_preview", "builder_launch", "builder_close",
                     "builder_reopen", "builder_versions", "builder_question_add")},
    **{f"feedback:{_name}": {"": lambda w: {"pk": w.obj["fb_draft"].pk, "question_id": w.obj["fb_question"].pk}}
       for _name in ("builder_question", "builder_question_move", "builder_question_delete", "builder_choice_add")},
    **{f"feedback:{_name}": {"": lambda w: {"pk": w.obj["fb_draft"].pk, "question_id": w.obj["fb_question"].pk,
                                            "choice_id": w.obj["fb_choice"].pk}}
       for _name in ("builder_choice", "builder_choice_move", "builder_choice_delete")},
    "/api/v1/questionnaires/{questionnaire_id}": {"": lambda w: {"questionnaire_id": w.obj["fb_draft"].pk}},
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
    # registration and calendars (pontis/events, helper "registration")
    "/api/v1/meetings/{meeting_id}/registrations": {"": lambda w: {"meeting_id": w.obj["meeting_open"].pk}},
    "/api/v1/registrations/{registration_id}/decision": {"": lambda w: {"registration_id": w.obj["registration"].pk}},
    "/api/v1/registrations/{registration_id}/attendance": {
        "": lambda w: {"registration_id": w.obj["registration"].pk}},
    **_registration_samples(),
    # meetings and their agendas (pontis/events, helper "agenda")
    "/api/v1/meetings/{meeting_id}": {"public": lambda w: {"meeting_id": w.obj["meeting_public"].pk},
                                      "unpublished": lambda w: {"meeting_id": w.obj["meeting_unpublished"].pk}},
    "/api/v1/meetings/{meeting_id}/sessions": {"public": lambda w: {"meeting_id": w.obj["meeting_public"].pk}},
    "/api/v1/sessions/{session_id}/contributions": {"": lambda w: {"session_id": w.obj["agenda_session"].pk}},
    "/api/v1/sessions/{session_id}/discussion": {"": lambda w: {"session_id": w.obj["agenda_session"].pk}},
    # meeting materials (pontis/events, protection)
    "/api/v1/meetings/{meeting_id}/materials": {"public": lambda w: {"meeting_id": w.obj["meeting_public"].pk},
                                                "unpublished": lambda w: {"meeting_id": w.obj["meeting_unpublished"].pk}},
    "/api/v1/materials/{material_id}/file": {key: (lambda k: lambda w: {"material_id": w.obj[f"material_{k}"].pk})(key)
                                             for key in ("public", "members", "roles")},
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
