"""Demo requests in every state (loader order 30). Idempotent: each request has a fixed client token."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from pontis.accounts.models import Institution, Role, User
from pontis.accounts.services import institution_create, role_grant, user_create
from pontis.core.models import AuthorityType, Country, ThematicArea, Topic

from . import services
from .models import Request

NAMESPACE = uuid.UUID("6f1c2d0e-4b7a-4f43-9a57-2a1f0c9e7d31")

INSTITUTIONS = [
    # acronym, country, type, names, focal point e-mail
    ("MININTER", "PE", "national_government", {"en": "Ministry of Interior of Peru", "es": "Ministerio del Interior del Perú"},
     "focal.point@pontis.example"),
    ("UCCI", "CV", "national_government", {"en": "Immigration Coordination Unit", "pt": "Unidade de Coordenação da Imigração"},
     "focal.cv@pontis.example"),
    ("INM", "MX", "national_government", {"en": "National Migration Institute", "es": "Instituto Nacional de Migración"},
     "focal.mx@pontis.example"),
    ("DCM", "BY", "national_government", {"en": "Department of Citizenship and Migration, Ministry of Internal Affairs",
                                          "ru": "Департамент по гражданству и миграции МВД"}, "focal.by@pontis.example"),
    ("OPC", "ZW", "national_government", {"en": "Office of the President and Cabinet"}, "focal.zw@pontis.example"),
    ("DGME", "CR", "national_government", {"en": "General Directorate of Migration and Foreigners",
                                           "es": "Dirección General de Migración y Extranjería"}, "focal.cr@pontis.example"),
    ("GIS", "GH", "national_government", {"en": "Ghana Immigration Service"}, "focal.gh@pontis.example"),
    ("MPS", "NG", "national_government", {"en": "National Commission for Refugees, Migrants and IDPs"}, "focal.ng@pontis.example"),
]

# key, institution acronym, status, days since submission, countries, themes, title, problem, objectives, extra
REQUESTS = [
    ("pe-registry-draft", "MININTER", "draft", None, ["PE"], ["legal"], "Digital registry of foreign residents",
     "Residence permits are recorded on paper in regional offices.", "", {}),
    ("pe-labour-draft", "MININTER", "draft", None, ["PE"], ["mad"], "Labour migration information for returning Peruvians",
     "Returning Peruvians lack information on recognition of skills acquired abroad.",
     "A one-stop information service in three regional offices.", {}),
    ("pe-thb-submitted", "MININTER", "submitted", 5, ["PE"], ["irregular_thb"],
     "Regional protocol for assisting victims of trafficking",
     "Victims identified in the Amazon regions are referred inconsistently between police, prosecutors and shelters.",
     "An inter-institutional protocol adopted by supreme decree, and trained frontline staff.", {}),
    ("cv-border-submitted", "UCCI", "submitted", 20, ["CV"], ["legal"], "Cabo Verde IV: implementing the immigration strategy",
     "The National Immigration Strategy's action plan lacks operational procedures at island level.",
     "Standard operating procedures for the immigrant support offices on Sal and Boa Vista.", {}),
    ("mx-asylum-info", "INM", "info_requested", 30, ["MX"], ["protection"], "Reception of asylum seekers in Chiapas",
     "Asylum applications in the southern border region have tripled since 2016.",
     "Guidelines for the first reception and referral of asylum seekers.",
     {"question": "Which institutions take part in the reception working group, and is COMAR involved?", "asked_days": 18}),
    ("by-readmission-answered", "DCM", "info_requested_answered", 12, ["BY"], ["irregular_thb"],
     "Alternatives to detention for irregular migrants",
     "Belarus has limited capacity to accommodate migrants awaiting return.",
     "An assessment of alternatives to detention and a draft regulation.",
     {"question": "Does the request cover unaccompanied minors?", "answer": "Yes: the working group includes the child-protection service."}),
    ("zw-diaspora-forwarded", "OPC", "forwarded", 40, ["ZW"], ["mad"], "Implementation plan of the National Diaspora Policy",
     "The diaspora policy adopted in 2016 has no implementation plan or monitoring framework.",
     "A costed implementation plan and a diaspora directorate trained to run it.", {"forwarded_days": 25}),
    ("cr-integration-forwarded", "DGME", "forwarded", 15, ["CR"], ["legal"], "National Integration Plan 2025-2030",
     "The current integration plan expires and its evaluation showed weak local implementation.",
     "A new plan drafted with municipalities and a monitoring framework.", {"forwarded_days": 3}),
    ("gh-deferred", "GIS", "deferred", 50, ["GH"], ["horizontal"], "Migration data harmonisation",
     "Migration statistics from five agencies use different definitions.",
     "A data-sharing protocol and common definitions.", {"reason": "The committee asks to wait for the national census results due next quarter."}),
    ("ng-rejected", "MPS", "rejected", 60, ["NG"], ["mad"], "Remittance-linked savings products",
     "Diaspora remittances are rarely invested productively.", "Design savings products with commercial banks.",
     {"reason": "The request concerns financial products for commercial banks; another EU programme already supports it in Nigeria."}),
    ("cv-withdrawn", "UCCI", "withdrawn", 70, ["CV"], ["protection"], "Asylum procedures training",
     "First-instance asylum officers have had no training since 2015.", "A training curriculum.",
     {"reason": "Covered by UNHCR's programme for this year."}),
    ("pe-border-approved", "MININTER", "approved", 35, ["PE"], ["legal"], "Integrated border management at the northern border",
     "Border crossing points with Ecuador lack coordinated procedures between migration, police and customs.",
     "A coordination protocol and joint training.", {}),
]


def _institution(acronym, code, type_code, name):
    country = Country.objects.get(code=code)
    found = Institution.objects.filter(acronym=acronym, country=country).first()
    return found or institution_create(name=name, type=AuthorityType.objects.get(code=type_code), country=country, acronym=acronym)


def _focal(email, institution):
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_create(email=email, password="Pontis-demo-2026", given_name="Focal", family_name=institution.acronym)
    role_grant(user=user, role=Role.FOCAL_POINT, institution=institution)
    user.forget_cached_roles()
    return user


def _backdate(request, *, submitted_days, changed_days=None):
    """Demo only: make the clocks show realistic ages (services always stamp 'now')."""
    now = timezone.now()
    fields = {"submitted_at": now - datetime.timedelta(days=submitted_days),
              "status_changed_at": now - datetime.timedelta(days=changed_days if changed_days is not None else submitted_days)}
    if request.forwarded_at:
        fields["forwarded_at"] = fields["status_changed_at"]
    Request.objects.filter(pk=request.pk).update(**fields)


def demo_requests_to_approve():
    """The demo requests the committee approves, for the actions app's demo loader (approval lives there):
    [(request, committee member, reason, days since submission)], only those still forwarded."""
    committee = User.objects.filter(email="committee@pontis.example").first()
    rows = []
    for key, _acronym, status, days, *_rest in REQUESTS:
        if status != "approved":
            continue
        request = Request.objects.filter(client_token=uuid.uuid5(NAMESPACE, key), status="forwarded").first()
        if request is not None and committee is not None:
            rows.append((request, committee, "A priority for the partnership with Peru.", days))
    return rows


def demo_backdate_decision(request, days):
    """Put an approved demo request's dates back in time, as the other demo requests are."""
    _backdate(request, submitted_days=days, changed_days=max(1, days - 30))


def load_demo_requests(stdout):
    officer = User.objects.filter(email="officer@pontis.example").first()
    committee = User.objects.filter(email="committee@pontis.example").first()
    if officer is None or committee is None:
        stdout.write("intake: the foundation's demo users are missing; run the foundation loader first.")
        return
    people = {}
    for acronym, code, type_code, name, email in INSTITUTIONS:
        institution = _institution(acronym, code, type_code, name)
        people[acronym] = (institution, _focal(email, institution))
    made = 0
    for key, acronym, status, days, countries, themes, title, problem, objectives, extra in REQUESTS:
        token = uuid.uuid5(NAMESPACE, key)
        if Request.objects.filter(client_token=token).exists():
            continue
        institution, focal = people[acronym]
        theme_objs = list(ThematicArea.objects.filter(code__in=themes))
        data = {
            "title": title, "language": "en", "institutions": [institution],
            "countries": list(Country.objects.filter(code__in=countries)), "themes": theme_objs,
            "topics": list(Topic.objects.filter(theme__in=theme_objs)[:2]),
            "problem": problem, "objectives": objectives,
            "target_groups": "Managers and frontline staff of the requesting institution",
            "preferred_timing": "Within the next six months",
            "other_actors": "IOM and UNHCR country offices",
            "endorsement_official_name": "" if status == "draft" else "Vice-Minister",
            "endorsement_official_position": "" if status == "draft" else "Vice-Minister for Internal Order",
        }
        request = services.request_save_draft(by=focal, data=data, client_token=token)
        made += 1
        if status == "draft":
            continue
        if status == "withdrawn":
            services.request_submit(request=request, by=focal)
            services.request_withdraw(request=request, by=focal, reason=extra["reason"])
            _backdate(request, submitted_days=days, changed_days=days - 10)
            continue
        services.request_submit(request=request, by=focal)
        if status == "submitted":
            _backdate(request, submitted_days=days)
            continue
        if status in ("info_requested", "info_requested_answered"):
            services.request_ask_info(request=request, by=officer, question=extra["question"])
            if status == "info_requested_answered":
                services.request_answer(request=request, by=focal, answer=extra["answer"])
                _backdate(request, submitted_days=days, changed_days=2)
            else:
                _backdate(request, submitted_days=days, changed_days=extra["asked_days"])
            continue
        services.request_forward(request=request, by=officer)
        request.refresh_from_db()
        if status == "forwarded":
            _backdate(request, submitted_days=days, changed_days=extra["forwarded_days"])
            continue
        services.request_note(request=request, by=committee, body="Discussed at the committee meeting.")
        if status == "deferred":
            services.request_defer(request=request, by=committee, reason=extra["reason"])
        elif status == "rejected":
            services.request_reject(request=request, by=committee, reason=extra["reason"])
        # "approved" stays forwarded here: approval creates an Action, so the actions app's demo loader
        # approves it (``demo_requests_to_approve``) after this one.
        _backdate(request, submitted_days=days, changed_days=max(1, days - 30))
    stdout.write(f"intake: {made} demo requests created.")
