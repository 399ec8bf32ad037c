"""Demo data: the facility's real case-study Actions (from its ten-year report) and a few ongoing 2026 ones.

Idempotent: Actions are looked up by code, institutions by (acronym, country), people by e-mail.
Codes come from the report where it gives them; the others (marked "invented") are plausible placeholders.
"""

from __future__ import annotations

import datetime
import zlib

from django.utils import timezone

from pontis.accounts.models import Institution, User
from pontis.accounts.services import institution_create
from pontis.core import audit
from pontis.core.models import ActivityType, AuthorityType, Country, DeliverableType, GoodPracticeFeature, ThematicArea
from pontis.intake.demo import demo_backdate_decision, demo_requests_to_approve

from .models import Action, ActionPartner, Activity, Deliverable, FicheVersion, FollowUp, SelfAssessment
from .services import request_approve
from .services._common import add_months
from .services.actions import region_for

D = datetime.date

# code, title, countries, themes, status, requested, approved, fiche agreed, start, end, partner (acronym, name),
# activities [(type, title, start, end, place)], deliverables [(type, title, status, evidence)]
CASES = [
    ("2012-01", "Sierra Leone", ["SL"], ["mad"], "completed", D(2011, 11, 7), D(2012, 1, 20), D(2012, 3, 1), D(2012, 4, 16), D(2013, 2, 28),
     ("NaCSA", "National Commission for Social Action"), [("fact_finding_mission", "Fact-finding mission", D(2012, 4, 16), D(2012, 4, 20), "Freetown")],
     [("policy", "Draft National Labour Migration Policy", "validated", "")]),
    ("2012-02", "Mauritius", ["MU"], ["legal"], "completed", D(2011, 12, 1), D(2012, 1, 25), D(2012, 3, 5), D(2012, 5, 2), D(2013, 6, 30),
     ("MOLIRE", "Ministry of Labour, Industrial Relations and Employment"), [("workshop", "Accelerated Partnership for Economic Integration (APEI): labour migration workshop", D(2012, 5, 2), D(2012, 5, 4), "Port Louis")],
     [("policy", "Labour migration policy (APEI)", "adopted", "Adopted by the Cabinet")]),
    ("2012-03", "Côte d'Ivoire", ["CI"], ["irregular_thb"], "completed", D(2012, 1, 10), D(2012, 3, 1), D(2012, 4, 20), D(2012, 6, 4), D(2013, 9, 30),
     ("CNLTP", "National Committee against Trafficking in Persons"), [("drafting_session", "Drafting of the anti-trafficking strategy", D(2012, 6, 4), D(2012, 6, 8), "Abidjan")],
     [("strategy", "National Anti-Trafficking Strategy", "adopted", "Adopted by the National Committee")]),
    ("2012-06", "COMESA", ["ZM", "KE", "MW"], ["legal"], "completed", D(2012, 2, 1), D(2012, 4, 2), D(2012, 5, 20), D(2012, 7, 9), D(2013, 12, 15),
     ("COMESA", "Common Market for Eastern and Southern Africa"), [("workshop", "Regional workshop on labour migration", D(2012, 7, 9), D(2012, 7, 11), "Lusaka")], []),
    ("2012-16", "Togo", ["TG"], ["mad"], "completed", D(2012, 8, 1), D(2012, 10, 15), D(2012, 12, 3), D(2013, 2, 11), D(2014, 3, 31),
     ("MAEC", "Ministry of Foreign Affairs and Cooperation"), [("workshop", "Diaspora engagement workshop", D(2013, 2, 11), D(2013, 2, 13), "Lomé")],
     [("policy", "National Migration and Development Policy", "validated", "")]),
    ("2013-10", "Laos", ["LA"], ["legal"], "completed", D(2013, 6, 3), D(2013, 8, 1), D(2013, 9, 20), D(2013, 11, 4), D(2014, 10, 31),
     ("MOLSW", "Ministry of Labour and Social Welfare"), [("training", "Labour migration data management training", D(2013, 11, 4), D(2013, 11, 7), "Vientiane")],
     [("data_questionnaire", "Labour migration data collection forms", "adopted", "Adopted by MOLSW")]),
    ("2014-07", "Kyrgyzstan", ["KG"], ["mad"], "completed", D(2014, 3, 3), D(2014, 5, 5), D(2014, 6, 20), D(2014, 9, 8), D(2015, 9, 30),
     ("SMS", "State Migration Service"), [("workshop", "Migration and development workshop", D(2014, 9, 8), D(2014, 9, 10), "Bishkek")], []),
    ("2015-07", "Niger", ["NE"], ["irregular_thb"], "completed", D(2015, 3, 2), D(2015, 5, 4), D(2015, 6, 22), D(2015, 9, 14), D(2016, 12, 15),
     ("ANLTP", "National Agency against Trafficking in Persons"), [("training", "Training on trafficking and smuggling", D(2015, 9, 14), D(2015, 9, 17), "Niamey")], []),
    ("2016-01", "Mexico", ["MX"], ["protection"], "completed", D(2015, 11, 16), D(2016, 1, 18), D(2016, 3, 7), D(2016, 4, 18), D(2017, 11, 30),
     ("COMAR", "Mexican Commission for Refugee Assistance"), [("training", "Unaccompanied minors: interviewing and protection", D(2016, 4, 18), D(2016, 4, 21), "Mexico City")],
     [("training_handbook", "Handbook on international protection of unaccompanied minors", "endorsed", "Endorsed by COMAR")]),
    ("2016-07", "Costa Rica II", ["CR"], ["legal"], "completed", D(2016, 2, 15), D(2016, 4, 11), D(2016, 5, 30), D(2016, 7, 4), D(2017, 12, 15),
     ("DGME", "Directorate General of Migration and Immigration"),
     [("assessment_session", "Analysis of the Costa Rican migration context (with Fundación GESO)", D(2016, 7, 4), D(2016, 7, 8), "San José"),
      ("validation_workshop", "Validation of the Second National Integration Plan", D(2017, 11, 27), D(2017, 11, 28), "San José")],
     [("analytical_report", "Analysis of the Costa Rican migration context", "validated", ""),
      ("action_plan", "Second National Integration Plan (2018-2022)", "adopted", "Launched in December 2017")]),
    ("2016-15", "Cabo Verde IV", ["CV"], ["legal"], "completed", D(2016, 9, 5), D(2016, 11, 7), D(2017, 1, 16), D(2017, 3, 6), D(2019, 6, 28),
     ("DGI", "Directorate General for Immigration"), [("workshop", "Municipal action plans for immigration and integration", D(2017, 3, 6), D(2017, 3, 9), "Praia")],
     [("action_plan", "Municipal Action Plans for Immigration and Integration (MAPII)", "adopted", "Adopted by the municipalities in 2019")]),
    ("2016-18", "Peru III", ["PE"], ["irregular_thb"], "completed", D(2016, 9, 19), D(2016, 11, 14), D(2017, 1, 23), D(2017, 3, 27), D(2018, 9, 28),
     ("MININTER", "Ministry of Interior of Peru"),
     [("conference", "International Conference against Migrant Smuggling", D(2017, 3, 27), D(2017, 3, 28), "Lima"),
      ("drafting_session", "First reflection and drafting session: Inter-Sectoral Guidelines", D(2017, 3, 29), D(2017, 3, 31), "Lima"),
      ("survey", "Training needs assessment (online survey of 21 provincial desks)", D(2017, 9, 4), D(2017, 10, 13), ""),
      ("training", "Training on smuggling of migrants at the border", D(2018, 4, 16), D(2018, 4, 19), "Tacna"),
      ("training", "Training on smuggling of migrants at the border", D(2018, 5, 14), D(2018, 5, 17), "Tumbes")],
     [("guidelines", "Inter-Sectoral Guidelines for the Prevention and Prosecution of Smuggling of Migrants, and for the Assistance and Protection of Smuggled Persons and Victims of Crime in the Context of Migration", "adopted", "Approved by Supreme Decree N° 008-2018-IN"),
      ("training_handbook", "Training Manual on Smuggling of Migrants", "endorsed", "Approved by the DGSD")]),
    ("2018-02", "Brazil II", ["BR"], ["protection"], "completed", D(2017, 11, 20), D(2018, 1, 22), D(2018, 3, 12), D(2018, 5, 7), D(2019, 5, 31),
     ("MJSP", "Ministry of Justice and Public Security"), [("training", "Techniques for interviewing children in migration", D(2018, 5, 7), D(2018, 5, 10), "Brasília")],
     [("operational_protocol", "Protocol for interviewing children in migration", "validated", "")]),
    ("2019-01", "Ghana IV", ["GH"], ["mad"], "completed", D(2018, 10, 1), D(2018, 12, 3), D(2019, 1, 28), D(2019, 3, 11), D(2019, 12, 13),
     ("MFARI", "Ministry of Foreign Affairs and Regional Integration"), [("validation_workshop", "Finalisation of the Diaspora Engagement Policy", D(2019, 3, 11), D(2019, 3, 13), "Accra")],
     [("policy", "National Diaspora Engagement Policy", "endorsed", "Endorsed by the Ministry")]),
    ("2019-04", "Ecuador III", ["EC"], ["horizontal"], "completed", D(2018, 12, 3), D(2019, 1, 21), D(2019, 2, 18), D(2019, 4, 1), D(2019, 12, 20),
     ("MREMH", "Ministry of Foreign Affairs and Human Mobility"), [("meeting_with_authorities", "Support to the GFMD 2019 chairmanship", D(2019, 4, 1), D(2019, 4, 3), "Quito")], []),
    # Case studies without a code in the report: invented, plausible codes.
    ("2015-03", "Thailand", ["TH"], ["irregular_thb"], "completed", D(2014, 12, 1), D(2015, 2, 2), D(2015, 3, 16), D(2015, 5, 11), D(2016, 5, 31),
     ("MSDHS", "Ministry of Social Development and Human Security"), [("training", "Victim identification training", D(2015, 5, 11), D(2015, 5, 14), "Bangkok")], []),
    ("2014-05", "Philippines", ["PH"], ["mad"], "completed", D(2014, 1, 13), D(2014, 3, 10), D(2014, 4, 28), D(2014, 6, 16), D(2015, 6, 30),
     ("CFO", "Commission on Filipinos Overseas"), [("workshop", "Diaspora engagement workshop", D(2014, 6, 16), D(2014, 6, 18), "Manila")], []),
    ("2017-09", "Kenya", ["KE"], ["horizontal"], "completed", D(2017, 3, 6), D(2017, 5, 8), D(2017, 6, 26), D(2017, 9, 4), D(2018, 10, 31),
     ("NCM", "National Coordination Mechanism on Migration"), [("workshop", "Migration data workshop", D(2017, 9, 4), D(2017, 9, 6), "Nairobi")], []),
    ("2018-11", "Jordan", ["JO"], ["protection"], "completed", D(2018, 4, 2), D(2018, 6, 4), D(2018, 7, 16), D(2018, 10, 1), D(2019, 9, 30),
     ("MOI-JO", "Ministry of Interior of Jordan"), [("training", "Protection-sensitive border management training", D(2018, 10, 1), D(2018, 10, 4), "Amman")], []),
    ("2016-11", "Malawi", ["MW"], ["mad"], "completed", D(2016, 4, 4), D(2016, 6, 6), D(2016, 7, 25), D(2016, 10, 3), D(2017, 12, 15),
     ("MOHAIS", "Ministry of Homeland Security"), [("drafting_session", "Drafting of the National Migration Policy", D(2016, 10, 3), D(2016, 10, 7), "Lilongwe")],
     [("policy", "National Migration Policy", "validated", "")]),
    ("2015-12", "Madagascar", ["MG"], ["mad"], "completed", D(2015, 5, 4), D(2015, 7, 6), D(2015, 8, 24), D(2015, 11, 2), D(2016, 11, 30),
     ("MAE-MG", "Ministry of Foreign Affairs of Madagascar"), [("workshop", "Diaspora mapping workshop", D(2015, 11, 2), D(2015, 11, 4), "Antananarivo")], []),
    ("2017-05", "Mauritius II", ["MU"], ["mad"], "completed", D(2017, 1, 9), D(2017, 3, 6), D(2017, 4, 24), D(2017, 6, 12), D(2018, 6, 29),
     ("MOFA-MU", "Ministry of Foreign Affairs of Mauritius"), [("drafting_session", "Diaspora policy drafting", D(2017, 6, 12), D(2017, 6, 15), "Port Louis")], []),
    ("2019-08", "Brazil III", ["BR"], ["protection"], "completed", D(2019, 2, 4), D(2019, 4, 1), D(2019, 5, 13), D(2019, 7, 8), D(2020, 2, 28),
     ("MJSP", "Ministry of Justice and Public Security"), [("training", "Reception of Venezuelan nationals: protection of vulnerable groups", D(2019, 7, 8), D(2019, 7, 11), "Boa Vista")], []),
    ("2013-04", "South-East Asia", ["TH", "LA", "KH"], ["irregular_thb"], "completed", D(2013, 1, 14), D(2013, 3, 11), D(2013, 4, 22), D(2013, 6, 3), D(2014, 6, 30),
     ("ASEAN", "Association of Southeast Asian Nations"), [("workshop", "Regional workshop on trafficking", D(2013, 6, 3), D(2013, 6, 5), "Bangkok")], []),
    ("2014-09", "West Africa", ["SN", "ML", "NE", "BF"], ["legal"], "completed", D(2014, 4, 7), D(2014, 6, 2), D(2014, 7, 21), D(2014, 10, 6), D(2015, 10, 30),
     ("ECOWAS", "Economic Community of West African States"), [("workshop", "Free movement workshop", D(2014, 10, 6), D(2014, 10, 8), "Dakar")], []),
]


def _ongoing_2026(today):
    """A few current Actions so the 90-day clock and the at-risk list have content."""
    return [
        ("2026-01", "Cabo Verde V", ["CV"], ["legal"], "ongoing", today - datetime.timedelta(days=120), today - datetime.timedelta(days=80),
         today - datetime.timedelta(days=40), None, None, ("DGI", "Directorate General for Immigration"),
         [("workshop", "Local integration workshop", today + datetime.timedelta(days=20), today + datetime.timedelta(days=22), "Mindelo")], []),
        ("2026-02", "Peru IV", ["PE"], ["protection"], "design", today - datetime.timedelta(days=75), today - datetime.timedelta(days=30),
         None, None, None, ("MININTER", "Ministry of Interior of Peru"), [], []),
        ("2026-03", "Ghana V", ["GH"], ["mad"], "ongoing", today - datetime.timedelta(days=50), today - datetime.timedelta(days=35),
         today - datetime.timedelta(days=10), None, None, ("MFARI", "Ministry of Foreign Affairs and Regional Integration"),
         [("fact_finding_mission", "Fact-finding mission", today + datetime.timedelta(days=14), today + datetime.timedelta(days=16), "Accra")], []),
    ]


def _spread(key: str, n: int) -> int:
    """A stable number in 0..n-1 for ``key`` (demo data must be the same on every run)."""
    return zlib.crc32(key.encode()) % n


def _pre_launch_dates(code, first_activity):
    """Request, decision and agreed-fiche dates that end at the first activity, 60 to 130 days after the request.

    Most case studies then launch within the facility's 90-day promise and some do not, as in its reports.
    """
    days = 60 + _spread(code, 71)
    requested = first_activity - datetime.timedelta(days=days)
    return requested, requested + datetime.timedelta(days=days * 35 // 100), requested + datetime.timedelta(days=days * 65 // 100)


def _institution(acronym, name, country):
    found = Institution.objects.filter(acronym=acronym, country=country).first()
    if found:
        return found
    kind = AuthorityType.objects.get(code="regional_organisation" if country is None else "national_government")
    return institution_create(name={"en": name}, acronym=acronym, type=kind, country=country)


def _build(case, stdout):
    (code, title, country_codes, theme_codes, status, requested, approved, agreed, start, end, partner, activities, deliverables) = case
    if Action.objects.filter(code=code).exists():
        return False
    if code < "2026" and activities:
        requested, approved, agreed = _pre_launch_dates(code, activities[0][2])
    countries = list(Country.objects.filter(code__in=country_codes))
    countries.sort(key=lambda c: country_codes.index(c.code))
    lead = countries[0]
    launched = min((a[2] for a in activities if a[2] and a[2] <= timezone.localdate()), default=None) if status != "design" else None
    if status == "ongoing" and launched and launched > timezone.localdate():
        launched = None
    action = Action.objects.create(
        code=code, title={"en": title, "fr": title, "es": title, "pt": title, "ru": title}, status=status, lead_country=lead,
        region=region_for(countries), requested_on=requested, approved_on=approved, fiche_agreed_on=agreed,
        launched_on=launched, start_date=start or launched, end_date=end,
    )
    action.countries.set(countries)
    action.themes.set(ThematicArea.objects.filter(code__in=theme_codes))
    institution = _institution(partner[0], partner[1], lead if len(countries) == 1 else None)
    focal = User.objects.filter(email="focal.point@pontis.example").first() if partner[0] == "MININTER" else None
    ActionPartner.objects.get_or_create(action=action, institution=institution, defaults={"operational_focal_point": focal})
    rows = []
    for n, (type_code, activity_title, a_start, a_end, place) in enumerate(activities, start=1):
        rows.append({"sequence": n, "type": type_code, "title": activity_title, "start_date": a_start.isoformat(),
                     "end_date": a_end.isoformat(), "place": place, "online": not place, "language": "", "participants": None,
                     "expert_profile": ""})
        past = a_end < timezone.localdate()
        Activity.objects.create(
            action=action, sequence=n, type=ActivityType.objects.get(code=type_code), title={"en": activity_title},
            start_date=a_start, end_date=a_end, place=place, online=not place,
            status=("reported" if past else "confirmed") if status != "design" else "planned",
            delivered_on=a_end if past else None,
            report="Delivered as planned." if past else "", participants_women=12 if past else None, participants_men=14 if past else None,
        )
    content = {"context": f"Request from {partner[1]} ({partner[0]}).", "overall_objective": f"Strengthen the capacities of {partner[1]}.",
               "activities": rows}
    FicheVersion.objects.create(action=action, number=1, content=content,
                                status=FicheVersion.Status.AGREED if agreed else FicheVersion.Status.DRAFT, agreed_on=agreed,
                                partner_agreed_on=agreed)
    for type_code, d_title, d_status, evidence in deliverables:
        Deliverable.objects.create(action=action, type=DeliverableType.objects.get(code=type_code), title={"en": d_title},
                                   status=d_status, evidence=evidence, status_changed_on=end)
    if status == "completed":
        action.final_report = "The Action delivered its activities and outputs as agreed with the partner."
        action.lessons_learnt = "Flexible Action design and strong ownership by the partner made the results last."
        action.closed_on = end
        action.save()
        for feature in GoodPracticeFeature.objects.all():
            SelfAssessment.objects.get_or_create(action=action, feature=feature, defaults={"score": 3 + _spread(code + feature.code, 3)})
        for months in (6, 12):
            FollowUp.objects.get_or_create(action=action, months=months, defaults={"due_on": add_months(end, months)})
    audit.record_create(action, note="demo data")
    stdout.write(f"  Action {code} {title}")
    return True


def load_demo_approvals(stdout):
    """Approve the intake demo's requests marked approved (approval creates their Action). Idempotent."""
    for request, committee, reason, days in demo_requests_to_approve():
        request_approve(request=request, by=committee, reason=reason)
        demo_backdate_decision(request, days)


def load_demo_actions(stdout):
    """Build the case-study Actions (idempotent: existing codes are left as they are)."""
    made = sum(_build(case, stdout) for case in CASES + _ongoing_2026(timezone.localdate()))
    stdout.write(f"actions: {made} Action(s) created")
